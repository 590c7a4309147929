"""Key files and first starts as operators meet them (audit findings 10–13).

Loose key files are refused as ssh refuses them; the embedded default keeps its key out of
the data folder; an interrupted rotation is named; a key is never left empty or half
written; many processes starting on a new folder at once all succeed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from storage.errors import KeyFileError
from storage.keys import ensure_key_file, generate_key_file, load_master_key
from storage.rotation import rotate_master_key
from storage.store import Store

ROOT = Path(__file__).resolve().parents[1]
CANCEL = json.dumps({"command": "cancel"}) + "\n"


def schtum(*args: str, stdin: str = "", env: dict[str, str] | None = None
           ) -> subprocess.CompletedProcess[str]:
    if env is None:
        env = dict(os.environ)
        if "--config" in args:  # the config file names the data folder, not the fixture
            env.pop("SCHTUM_STORAGE_DATA_DIR", None)
    return subprocess.run([sys.executable, "-m", "bot.cli", *args], input=stdin,
                          capture_output=True, text=True, timeout=120, cwd=ROOT, env=env)


def configured(tmp_path: Path) -> tuple[Path, Path, Path]:
    data, key = tmp_path / "data", tmp_path / "keys" / "master.key"
    config = tmp_path / "config.toml"
    config.write_text(f'[storage]\ndata_dir = "{data}"\nkey_file = "{key}"\n')
    return config, data, key


@pytest.mark.parametrize("mode", [0o644, 0o666, 0o640, 0o604])
def test_a_key_file_others_can_read_is_refused_naming_chmod(tmp_path: Path, mode: int) -> None:
    config, _, key = configured(tmp_path)
    generate_key_file(key)
    key.chmod(mode)
    result = schtum("chat", "--jsonl", "--config", str(config), stdin=CANCEL)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert f"(mode {mode:04o})" in result.stderr and f"chmod 600 {key}" in result.stderr
    assert result.stderr.count("\n") == 1
    key.chmod(0o600)
    assert schtum("chat", "--jsonl", "--config", str(config), stdin=CANCEL).returncode == 0


def test_the_embedded_default_keeps_its_key_outside_the_data_folder(data_dir: Path) -> None:
    first = schtum("chat", "--jsonl", stdin=CANCEL)
    assert first.returncode == 0, first.stderr
    where = json.loads(first.stdout.splitlines()[0])["text"]
    key = Path(os.environ["XDG_CONFIG_HOME"]) / "schtum" / "master.key"
    assert f"key file {key}" in where and "outside the data folder" in where
    assert key.is_file() and key.stat().st_mode & 0o777 == 0o600
    assert not list(data_dir.rglob("*.key")) and not (data_dir / "master.key").exists()
    again = json.loads(schtum("chat", "--jsonl", stdin=CANCEL).stdout.splitlines()[0])["text"]
    assert "created now" not in again


def test_an_older_install_s_key_is_moved_out_of_the_data_folder(data_dir: Path) -> None:
    legacy = data_dir / "master.key"
    generate_key_file(legacy)
    key = load_master_key(legacy, {})
    with Store.open(data_dir / "schtum.db", key) as store:
        store.practitioner("terminal:old")
    result = schtum("chat", "--jsonl", stdin=CANCEL)
    assert result.returncode == 0, result.stderr
    assert "moved here from" in json.loads(result.stdout.splitlines()[0])["text"]
    assert not legacy.exists()
    moved = Path(os.environ["XDG_CONFIG_HOME"]) / "schtum" / "master.key"
    assert load_master_key(moved, {}) == key


def test_an_interrupted_rotation_is_named_and_rotate_key_finishes_it(tmp_path: Path) -> None:
    config, data, key = configured(tmp_path)
    generate_key_file(key)
    old = load_master_key(key, {})
    with Store.open(data / "schtum.db", old) as store:
        owner = store.practitioner("terminal:someone")
        store.save_reflection(owner, flow_id="f", flow_version="1", title="t", body="kept")
    pending = key.with_name("master.key.new")
    generate_key_file(pending)
    rotate_master_key(data / "schtum.db", old, load_master_key(pending, {}))  # then a crash
    stuck = schtum("chat", "--jsonl", "--config", str(config), stdin=CANCEL)
    assert stuck.returncode == 1 and "Traceback" not in stuck.stderr
    assert "rotation was interrupted" in stuck.stderr and str(pending) in stuck.stderr
    assert "schtum rotate-key" in stuck.stderr
    finished = schtum("rotate-key", "--config", str(config))
    assert finished.returncode == 0, finished.stderr
    assert not pending.exists()
    with Store.open(data / "schtum.db", load_master_key(key, {})) as store:
        assert store.read_reflection(owner, store.list_reflections(owner)[0].id) == "kept"


def test_a_key_that_cannot_be_written_leaves_no_file_behind(tmp_path: Path) -> None:
    """A real failed write (the file-size limit makes write(2) fail, as a full disk does):
    the key file must not exist afterwards, so the next start can simply try again."""
    path = tmp_path / "keys" / "master.key"
    script = (
        "import resource, signal, sys\n"
        "from pathlib import Path\n"
        "from storage.errors import KeyFileError\n"
        "from storage.keys import ensure_key_file\n"
        "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
        "resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))\n"
        "try:\n"
        f"    ensure_key_file(Path({str(path)!r}))\n"
        "except KeyFileError as e:\n"
        "    print(e); sys.exit(3)\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            timeout=60, cwd=ROOT)
    assert result.returncode == 3, result.stderr
    assert "Could not write the key file" in result.stdout
    assert not path.exists()
    assert [p.name for p in path.parent.iterdir()] == []
    assert ensure_key_file(path) is True
    assert len(load_master_key(path, {})) == 32


def test_an_empty_key_file_says_what_to_do(tmp_path: Path) -> None:
    path = tmp_path / "master.key"
    path.touch(mode=0o600)
    with pytest.raises(KeyFileError, match="empty.*delete it and start again"):
        load_master_key(path, {})


def test_eight_processes_starting_at_once_on_a_new_folder_all_succeed(data_dir: Path) -> None:
    """Key file and database are both created race-free: everyone ends up on one key."""
    env = dict(os.environ)
    children = [subprocess.Popen([sys.executable, "-m", "bot.cli", "chat", "--jsonl"],
                                 stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True, cwd=ROOT, env=env)
                for _ in range(8)]
    results = [child.communicate(CANCEL, timeout=120) for child in children]
    codes = [child.returncode for child in children]
    assert codes == [0] * 8, [err for _, err in results]
    created = [out for out, _ in results if "created now" in out.splitlines()[0]]
    assert len(created) == 1
    key = load_master_key(Path(os.environ["XDG_CONFIG_HOME"]) / "schtum" / "master.key", {})
    with Store.open(data_dir / "schtum.db", key) as store:
        assert store.practitioner("terminal:x")
