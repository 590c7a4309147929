"""Backups and restores: consistent, owner-only, keyless, and honest about rotated keys."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
from pathlib import Path

import pytest

from storage.backup import ROTATED_SINCE, backup, restore, verify
from storage.errors import StoreError, WrongKeyError
from storage.keys import encode_key
from storage.rotation import rotate_master_key
from storage.store import Store

KEY = bytes(range(32))
OTHER_KEY = bytes(range(1, 33))
SUBJECT = "terminal:backup-test"


def saved_store(db_path: Path, body: str = "What [PERSON 1] said") -> str:
    """A database holding one practitioner and one reflection; returns the owner."""
    with Store.open(db_path, KEY) as store:
        owner = store.practitioner(SUBJECT)
        store.save_reflection(owner, flow_id="journal", flow_version="1", title="An entry",
                              body=body)
    return owner


def titles(db_path: Path, key: bytes = KEY) -> list[str]:
    with Store.open(db_path, key) as store:
        return [r.title for r in store.list_reflections(store.pseudonym_of(SUBJECT))]


def schtum(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot.cli", *args], capture_output=True,
                          text=True, timeout=60, env=env or dict(os.environ))


def test_a_backup_is_owner_only_and_restores_to_the_same_reflections(tmp_path: Path) -> None:
    live = tmp_path / "live" / "schtum.db"
    saved_store(live)
    info = backup(live, tmp_path / "copy.db", KEY)
    assert info.path.stat().st_mode & 0o777 == 0o600
    assert info.counts["reflections"] == 1 and info.schema >= 1
    restored = tmp_path / "restored" / "schtum.db"
    restore(info.path, restored, KEY)
    assert titles(restored) == ["An entry"]
    assert restored.stat().st_mode & 0o777 == 0o600
    assert restored.parent.stat().st_mode & 0o777 == 0o700


def test_a_backup_is_one_file_with_no_companions_left_behind(tmp_path: Path) -> None:
    live = tmp_path / "live" / "schtum.db"
    saved_store(live)
    (tmp_path / "out").mkdir()
    info = backup(live, tmp_path / "out", KEY)
    assert [p.name for p in (tmp_path / "out").iterdir()] == [info.path.name]
    assert info.path.name.startswith("schtum-") and info.path.suffix == ".db"


def test_a_backup_never_contains_the_master_key(tmp_path: Path) -> None:
    live = tmp_path / "live" / "schtum.db"
    saved_store(live)
    blob = backup(live, tmp_path / "copy.db", KEY).path.read_bytes()
    assert KEY not in blob and encode_key(KEY).strip() not in blob


def test_a_backup_leaves_out_what_forget_deleted(tmp_path: Path) -> None:
    live = tmp_path / "live" / "schtum.db"
    owner = saved_store(live)
    with Store.open(live, KEY) as store:
        wrapped = bytes(store._db.execute(  # noqa: SLF001 - the bytes forget must remove
            "SELECT wrapped_key FROM practitioners WHERE id = ?", [owner]).fetchone()[0])
        store.forget(owner)
    blob = backup(live, tmp_path / "copy.db", KEY).path.read_bytes()
    assert wrapped not in blob  # the audit log keeps the pseudonym, never the key


def test_a_backup_refuses_to_overwrite_an_existing_file(tmp_path: Path) -> None:
    live = tmp_path / "live" / "schtum.db"
    saved_store(live)
    existing = tmp_path / "copy.db"
    existing.write_bytes(b"keep me")
    with pytest.raises(StoreError, match="never overwrites"):
        backup(live, existing, KEY)
    assert existing.read_bytes() == b"keep me"


def test_a_backup_with_the_wrong_key_writes_nothing(tmp_path: Path) -> None:
    live = tmp_path / "live" / "schtum.db"
    saved_store(live)
    with pytest.raises(WrongKeyError):
        backup(live, tmp_path / "copy.db", OTHER_KEY)
    assert not (tmp_path / "copy.db").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["live"]


def test_a_backup_runs_beside_an_open_store_that_keeps_writing(tmp_path: Path) -> None:
    live = tmp_path / "live" / "schtum.db"
    saved_store(live)
    with Store.open(live, KEY, role="schtum run") as store:
        owner = store.practitioner(SUBJECT)
        info = backup(live, tmp_path / "copy.db", KEY)
        store.save_reflection(owner, flow_id="journal", flow_version="1", title="Later",
                              body="after the backup")
    assert verify(info.path, KEY).counts["reflections"] == 1


def test_restore_refuses_a_folder_that_is_not_empty_and_leaves_it_alone(tmp_path: Path) -> None:
    live = tmp_path / "live" / "schtum.db"
    saved_store(live)
    copy = backup(live, tmp_path / "copy.db", KEY).path
    before = live.read_bytes()
    with pytest.raises(StoreError, match="not empty"):
        restore(copy, live, KEY)
    assert live.read_bytes() == before


def test_restore_after_a_rotation_says_the_backup_predates_it(tmp_path: Path) -> None:
    live = tmp_path / "live" / "schtum.db"
    saved_store(live)
    copy = backup(live, tmp_path / "copy.db", KEY).path
    rotate_master_key(live, KEY, OTHER_KEY)
    target = tmp_path / "restored" / "schtum.db"
    with pytest.raises(WrongKeyError) as raised:
        restore(copy, target, OTHER_KEY)
    assert str(raised.value) == ROTATED_SINCE and "rotat" in ROTATED_SINCE
    assert not target.exists()
    assert all(p.name.startswith("schtum.db.lock") for p in target.parent.iterdir())


@pytest.mark.parametrize("content", [b"", b"not a database at all" * 100])
def test_restore_of_something_that_is_not_a_backup_is_one_sentence(
        tmp_path: Path, content: bytes) -> None:
    source = tmp_path / "odd.db"
    source.write_bytes(content)
    with pytest.raises(StoreError):
        restore(source, tmp_path / "restored" / "schtum.db", KEY)
    assert not (tmp_path / "restored" / "schtum.db").exists()


def test_the_commands_back_up_and_restore_with_the_key_file(tmp_path: Path,
                                                             data_dir: Path) -> None:
    key_file = tmp_path / "keys" / "master.key"
    assert schtum("keygen", "--path", str(key_file)).returncode == 0
    env = dict(os.environ, SCHTUM_STORAGE_KEY_FILE=str(key_file))
    key = base64.b64decode(key_file.read_bytes())
    with Store.open(data_dir / "schtum.db", key) as store:
        store.save_reflection(store.practitioner(SUBJECT), flow_id="journal",
                              flow_version="1", title="An entry", body="text")
    made = schtum("backup", str(tmp_path / "copy.db"), env=env)
    assert made.returncode == 0, made.stderr
    assert "does not contain the master key" in made.stdout
    again = schtum("backup", str(tmp_path / "copy.db"), env=env)
    assert again.returncode == 1 and again.stderr.count("\n") == 1
    into = dict(env, SCHTUM_STORAGE_DATA_DIR=str(tmp_path / "restored"))
    done = schtum("restore", str(tmp_path / "copy.db"), env=into)
    assert done.returncode == 0, done.stderr
    assert titles(tmp_path / "restored" / "schtum.db", key) == ["An entry"]
    refused = schtum("restore", str(tmp_path / "copy.db"), env=into)
    assert refused.returncode == 1 and "not empty" in refused.stderr
    assert "Traceback" not in made.stderr + again.stderr + done.stderr + refused.stderr


def test_restore_without_the_key_file_asks_for_it_and_creates_none(tmp_path: Path) -> None:
    env = dict(os.environ, SCHTUM_STORAGE_KEY_FILE=str(tmp_path / "absent.key"))
    source = tmp_path / "copy.db"
    source.write_bytes(b"")
    result = schtum("restore", str(source), env=env)
    assert result.returncode == 1
    assert result.stderr.startswith("schtum: No master key file") and "Traceback" not in (
        result.stderr)
    assert not (tmp_path / "absent.key").exists()
