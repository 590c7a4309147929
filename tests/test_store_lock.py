"""Rotating the master key under a running process is impossible (audit finding, High 1).

Two defences: every process that has the store open holds a shared lock, so rotation is
refused and names it; and a process whose key was rotated anyway (a rotation that did not
see the lock) refuses to write rather than wrap new data keys under a destroyed key.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from storage.errors import KeyChangedError, StoreBusyError
from storage.keys import generate_key_file, load_master_key
from storage.lock import StoreLock, live_holders, users_dir
from storage.rotation import _rotate, rotate_key_file, rotate_master_key
from storage.store import Store

OLD, NEW = bytes(range(32)), bytes(range(1, 33))


def count_rows(db_path: Path, table: str) -> int:
    import sqlite3

    with sqlite3.connect(db_path) as conn:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608


def test_rotation_is_refused_while_a_store_is_open_and_names_the_holder(tmp_path: Path) -> None:
    db_path = tmp_path / "s.db"
    with Store.open(db_path, OLD, role="schtum run") as store:
        owner = store.practitioner("telegram:1")
        before = db_path.read_bytes()
        with pytest.raises(StoreBusyError) as caught:
            rotate_master_key(db_path, OLD, NEW)
        assert f"schtum run (process {os.getpid()})" in str(caught.value)
        assert "stop it" in str(caught.value)
        assert db_path.read_bytes() == before
        store.save_reflection(owner, flow_id="f", flow_version="1", title="t", body="b")
    assert rotate_master_key(db_path, OLD, NEW) == 1
    with Store.open(db_path, NEW) as store:
        assert store.list_reflections(owner)[0].title == "t"


def test_a_rotation_in_progress_keeps_new_processes_out(tmp_path: Path) -> None:
    db_path = tmp_path / "s.db"
    Store.open(db_path, OLD).close()
    with StoreLock.exclusive(db_path), pytest.raises(StoreBusyError, match="being rotated"):
        Store.open(db_path, OLD)


def test_a_killed_holder_does_not_block_rotation_and_its_entry_is_cleared(tmp_path: Path) -> None:
    db_path = tmp_path / "s.db"
    Store.open(db_path, OLD).close()
    child = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time; from pathlib import Path; from storage.store import Store; "
         f"s = Store.open(Path({str(db_path)!r}), {OLD!r}, role='schtum run'); "
         "print('open', flush=True); time.sleep(60)"],
        stdout=subprocess.PIPE, text=True, cwd=Path(__file__).parent.parent)
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "open"
        assert [h.describe() for h in live_holders(db_path)] == [
            f"schtum run (process {child.pid})"]
        with pytest.raises(StoreBusyError, match=f"process {child.pid}"):
            rotate_master_key(db_path, OLD, NEW)
    finally:
        child.send_signal(signal.SIGKILL)
        child.communicate(timeout=10)
    assert rotate_master_key(db_path, OLD, NEW) == 0
    assert live_holders(db_path) == []
    assert not any(users_dir(db_path).glob("*"))


def test_a_process_whose_key_was_rotated_refuses_to_write(tmp_path: Path) -> None:
    """A rotation that did not see the lock (another host over NFS, an old version): the
    running store notices the changed key check inside its write and writes nothing."""
    db_path = tmp_path / "s.db"
    running = Store.open(db_path, OLD, role="schtum run")
    try:
        alice = running.practitioner("telegram:1")
        _rotate(db_path, OLD, NEW, None, None)  # what a lock-blind rotation does
        for attempt in (
            lambda: running.practitioner("telegram:2"),
            lambda: running.save_reflection(alice, flow_id="f", flow_version="1",
                                             title="t", body="b"),
            lambda: running.save_settings(alice, {"x": 1}),
            lambda: running.load_settings(alice),
        ):
            with pytest.raises(KeyChangedError, match="restarted"):
                attempt()
    finally:
        running.close()
    assert count_rows(db_path, "practitioners") == 1
    assert count_rows(db_path, "reflections") == 0
    with Store.open(db_path, NEW) as store:
        assert store.load_settings(alice) == {}


def test_a_write_committed_before_the_rotation_is_rewrapped_and_readable(tmp_path: Path) -> None:
    db_path = tmp_path / "s.db"
    with Store.open(db_path, OLD) as store:
        alice = store.practitioner("telegram:1")
        store.save_reflection(alice, flow_id="f", flow_version="1", title="t", body="kept")
    rotate_master_key(db_path, OLD, NEW)
    with Store.open(db_path, NEW) as store:
        rid = store.list_reflections(alice)[0].id
        assert store.read_reflection(alice, rid) == "kept"


def schtum(*args: str, env: dict[str, str], stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bot.cli", *args], input=stdin, env=env,
                          capture_output=True, text=True, timeout=60,
                          cwd=Path(__file__).parent.parent)


def test_schtum_rotate_key_refuses_while_schtum_chat_runs(tmp_path: Path) -> None:
    """The audit's scenario, end to end with the real commands."""
    data, key = tmp_path / "data", tmp_path / "keys" / "master.key"
    config = tmp_path / "config.toml"
    config.write_text(f'[storage]\ndata_dir = "{data}"\nkey_file = "{key}"\n')
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parent.parent)}
    env.pop("SCHTUM_MASTER_KEY", None)
    env.pop("SCHTUM_STORAGE_DATA_DIR", None)
    generate_key_file(key)
    chat = subprocess.Popen([sys.executable, "-m", "bot.cli", "chat", "--jsonl", "--config",
                             str(config)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env,
                            cwd=Path(__file__).parent.parent)
    try:
        assert chat.stdout is not None
        first = json.loads(chat.stdout.readline())
        assert "data in" in first["text"]
        key_before = key.read_bytes()
        refused = schtum("rotate-key", "--config", str(config), env=env)
        assert refused.returncode == 1
        assert f"schtum chat (process {chat.pid}) has the store open" in refused.stderr
        assert "Traceback" not in refused.stderr
        assert key.read_bytes() == key_before
        assert not key.with_name("master.key.new").exists()
    finally:
        chat.communicate('{"command": "cancel"}\n', timeout=30)
    done = schtum("rotate-key", "--config", str(config), env=env)
    assert done.returncode == 0, done.stderr
    assert key.read_bytes() != key_before


def test_rotate_key_file_also_takes_the_lock(tmp_path: Path) -> None:
    db_path, key_path = tmp_path / "s.db", tmp_path / "k" / "master.key"
    generate_key_file(key_path)
    key = load_master_key(key_path, {})
    with Store.open(db_path, key, role="schtum run"):
        with pytest.raises(StoreBusyError):
            rotate_key_file(db_path, key_path)
        assert load_master_key(key_path, {}) == key
    assert rotate_key_file(db_path, key_path) == 0
