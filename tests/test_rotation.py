"""Master-key rotation: re-wraps data keys only, and an interruption loses nothing."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from storage.errors import KeyFileError, StoreError, WrongKeyError
from storage.keys import generate_key_file, load_master_key
from storage.rotation import rotate_key_file, rotate_master_key
from storage.store import Store

OLD, NEW = bytes(range(32)), bytes(range(1, 33))
SUBJECTS = ["telegram:1", "telegram:2", "terminal:alice"]


def populate(db_path: Path, key: bytes = OLD) -> dict[str, tuple[str, str]]:
    """Three practitioners, one reflection each, the first shared with the second."""
    saved = {}
    with Store.open(db_path, key) as store:
        for subject in SUBJECTS:
            owner = store.practitioner(subject)
            rid = store.save_reflection(
                owner, flow_id="f", flow_version="1", title=subject, body=f"body of {subject}"
            )
            saved[subject] = (owner, rid)
        (alice, rid), (sup, _) = saved[SUBJECTS[0]], saved[SUBJECTS[1]]
        store.share_reflection(alice, rid, sup)
    return saved


def assert_all_readable(db_path: Path, key: bytes, saved: dict[str, tuple[str, str]]) -> None:
    with Store.open(db_path, key) as store:
        for subject, (owner, rid) in saved.items():
            assert store.practitioner(subject) == owner
            assert store.read_reflection(owner, rid) == f"body of {subject}"
        assert (
            store.read_shared(saved[SUBJECTS[1]][0], saved[SUBJECTS[0]][1]) == "body of telegram:1"
        )


def blobs(db_path: Path, sql: str) -> list[bytes | str]:
    conn = sqlite3.connect(db_path)
    found = [row[0] for row in conn.execute(sql)]
    conn.close()
    return found


def test_after_rotation_records_open_with_the_new_key_and_not_the_old(tmp_path: Path) -> None:
    db_path = tmp_path / "s.db"
    saved = populate(db_path)
    assert rotate_master_key(db_path, OLD, NEW) == len(SUBJECTS)
    assert_all_readable(db_path, NEW, saved)
    with pytest.raises(WrongKeyError):
        Store.open(db_path, OLD)


def test_rotation_rewraps_data_keys_without_re_encrypting_records(tmp_path: Path) -> None:
    db_path = tmp_path / "s.db"
    populate(db_path)
    untouched = "SELECT hex(body) || hex(title) || hex(wrapped_key) FROM reflections ORDER BY id"
    shares = "SELECT wrapped_key FROM shares"
    rewrapped = "SELECT wrapped_key FROM practitioners ORDER BY id"
    before = [blobs(db_path, q) for q in (untouched, shares, rewrapped)]
    rotate_master_key(db_path, OLD, NEW)
    after = [blobs(db_path, q) for q in (untouched, shares, rewrapped)]
    assert after[:2] == before[:2]
    assert all(a != b for a, b in zip(after[2], before[2], strict=True))


def test_an_interrupted_rotation_loses_nothing_and_can_be_rerun(tmp_path: Path) -> None:
    db_path = tmp_path / "s.db"
    saved = populate(db_path)

    def crash(done: int) -> None:
        if done == 2:
            raise RuntimeError("power cut")

    with pytest.raises(RuntimeError, match="power cut"):
        rotate_master_key(db_path, OLD, NEW, on_rewrap=crash)
    assert_all_readable(db_path, OLD, saved)
    with pytest.raises(WrongKeyError):
        Store.open(db_path, NEW)
    assert rotate_master_key(db_path, OLD, NEW) == len(SUBJECTS)
    assert_all_readable(db_path, NEW, saved)


def test_a_process_killed_mid_rotation_loses_nothing(tmp_path: Path) -> None:
    db_path = tmp_path / "s.db"
    saved = populate(db_path)
    script = (
        "import os, sys\n"
        "from pathlib import Path\n"
        "from storage.rotation import rotate_master_key\n"
        "hook = lambda done: os._exit(9) if done == 2 else None\n"
        f"rotate_master_key(Path({str(db_path)!r}), {OLD!r}, {NEW!r}, on_rewrap=hook)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=Path(__file__).parents[1], check=False
    )
    assert result.returncode == 9
    assert_all_readable(db_path, OLD, saved)


def test_rotation_with_the_wrong_old_key_changes_nothing(tmp_path: Path) -> None:
    db_path = tmp_path / "s.db"
    populate(db_path)
    before = db_path.read_bytes()
    with pytest.raises(WrongKeyError):
        rotate_master_key(db_path, bytes(32), NEW)
    assert db_path.read_bytes() == before


def test_rotating_to_the_same_key_is_refused(tmp_path: Path) -> None:
    with pytest.raises(KeyFileError, match="same"):
        rotate_master_key(tmp_path / "s.db", OLD, OLD)


def test_rotating_a_missing_database_creates_nothing(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="No database"):
        rotate_master_key(tmp_path / "absent.db", OLD, NEW)
    assert list(tmp_path.iterdir()) == []


def test_rotating_a_key_file_replaces_it_with_the_new_key(tmp_path: Path) -> None:
    db_path, key_path = tmp_path / "s.db", tmp_path / "keys" / "master.key"
    generate_key_file(key_path)
    old = load_master_key(key_path, {})
    saved = populate(db_path, old)
    assert rotate_key_file(db_path, key_path) == len(SUBJECTS)
    new = load_master_key(key_path, {})
    assert new != old
    assert_all_readable(db_path, new, saved)
    assert sorted(p.name for p in key_path.parent.iterdir()) == ["master.key"]
    assert key_path.stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize("database_committed", [False, True])
def test_a_key_file_rotation_resumes_after_a_crash(tmp_path: Path, database_committed) -> None:
    db_path, key_path = tmp_path / "s.db", tmp_path / "master.key"
    generate_key_file(key_path)
    old = load_master_key(key_path, {})
    saved = populate(db_path, old)
    pending = tmp_path / "master.key.new"
    generate_key_file(pending)
    new = load_master_key(pending, {})
    if database_committed:
        rotate_master_key(db_path, old, new)
    rotate_key_file(db_path, key_path)
    assert load_master_key(key_path, {}) == new
    assert not pending.exists()
    assert_all_readable(db_path, new, saved)
    assert os.stat(key_path).st_mode & 0o777 == 0o600
