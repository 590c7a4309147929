"""Crypto-shredding: what `forget`, delete and unshare destroy, and what defeats a backup.

The honest model (DESIGN.md): after ``forget`` the live database no longer holds the
practitioner's data key, rows or their bytes (secure_delete zeroes them, the WAL is
checkpointed and truncated). A copy taken *before* ``forget`` still holds the data key
wrapped under the master key of that day, so that copy stays readable for as long as that
master key exists. Rotating the master key after the backup retention window and destroying
the old one is what makes such copies unreadable; the second test shows both halves.
"""

import shutil
import sqlite3
import time
from pathlib import Path

import pytest

from storage.errors import NotAuthorised, TamperedError, UnknownPractitioner, WrongKeyError
from storage.keys import generate_key_file, load_master_key
from storage.rotation import rotate_key_file
from storage.store import Store
from storage.vault import aad, derive_kek, unwrap_key

BODY = "a reflection about a difficult disclosure " * 20


def setup_people(store: Store) -> dict[str, str]:
    alice, sup, bob = (store.practitioner(f"telegram:{n}") for n in (111, 222, 333))
    first = store.save_reflection(alice, flow_id="f", flow_version="1", title="t1", body=BODY)
    store.save_reflection(alice, flow_id="f", flow_version="1", title="t2", body=BODY * 3)
    store.share_reflection(alice, first, sup)
    store.save_settings(alice, {"jurisdiction": "uk"})
    store.save_session(alice, b"in flight" * 50, time.time() + 600)
    bob_rid = store.save_reflection(bob, flow_id="f", flow_version="1", title="b", body="bob's")
    return {"alice": alice, "sup": sup, "bob": bob, "first": first, "bob_rid": bob_rid}


def secret_bytes(db_path: Path, owner: str) -> list[bytes]:
    """Every ciphertext and wrapped key that belongs to `owner`, read raw from the file."""
    conn = sqlite3.connect(db_path)
    queries = [
        "SELECT wrapped_key FROM practitioners WHERE id = ?",
        "SELECT settings FROM practitioners WHERE id = ?",
        "SELECT body FROM reflections WHERE owner = ?",
        "SELECT title FROM reflections WHERE owner = ?",
        "SELECT wrapped_key FROM reflections WHERE owner = ?",
        "SELECT snapshot FROM sessions WHERE owner = ?",
        "SELECT s.wrapped_key FROM shares s JOIN reflections r ON r.id = s.record_id "
        "WHERE r.owner = ?",
    ]
    found = [row[0] for sql in queries for row in conn.execute(sql, [owner])]
    conn.close()
    assert len(found) == 10
    return found


def on_disk(folder: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file())


def assert_gone(folder: Path, secrets: list[bytes]) -> None:
    disk = on_disk(folder)
    for blob in secrets:
        chunks = [blob[i : i + 16] for i in range(0, len(blob) - 15, 16)]
        assert not any(chunk in disk for chunk in chunks)


def checkpointed_store(db_path: Path, key: bytes) -> tuple[Store, dict[str, str]]:
    """A store whose content already sits in the main file (closing folds the WAL in),
    as it does for any reflection older than a few minutes."""
    with Store.open(db_path, key) as store:
        ids = setup_people(store)
    return Store.open(db_path, key), ids


def test_forget_leaves_nothing_the_master_key_can_recover(tmp_path: Path) -> None:
    folder, key = tmp_path / "data", bytes(range(32))
    store, ids = checkpointed_store(folder / "s.db", key)
    with store:
        secrets = secret_bytes(folder / "s.db", ids["alice"])
        main_file = (folder / "s.db").read_bytes()
        assert all(blob in main_file for blob in secrets)
        store.forget(ids["alice"])
        assert_gone(folder, secrets)
        assert store.list_reflections(ids["alice"]) == []
        with pytest.raises(NotAuthorised):
            store.read_reflection(ids["alice"], ids["first"])
        with pytest.raises(NotAuthorised):
            store.read_shared(ids["sup"], ids["first"])
        with pytest.raises(UnknownPractitioner):
            store.load_settings(ids["alice"])
        assert store.load_session(ids["alice"]) is None
        assert store.read_reflection(ids["bob"], ids["bob_rid"]) == "bob's"
        assert [e.action for e in store.audit_entries(ids["alice"])][-1] == "forget"
    assert_gone(folder, secrets)
    with Store.open(folder / "s.db", key) as store:
        assert store.practitioner("telegram:111") == ids["alice"]
        assert store.list_reflections(ids["alice"]) == []


def test_a_copy_taken_before_forget_dies_with_the_rotated_master_key(tmp_path: Path) -> None:
    live, backup = tmp_path / "live", tmp_path / "backup"
    key_path = tmp_path / "keys" / "master.key"
    generate_key_file(key_path)
    old_key = load_master_key(key_path, {})
    with Store.open(live / "s.db", old_key) as store:
        ids = setup_people(store)
        shutil.copytree(live, backup)
        store.forget(ids["alice"])
    # The limit, shown honestly: while the old master key exists, the copy still reads.
    with Store.open(backup / "s.db", old_key) as old_copy:
        assert old_copy.read_reflection(ids["alice"], ids["first"]) == BODY
    rotate_key_file(live / "s.db", key_path)
    del old_key
    new_key = load_master_key(key_path, {})
    with pytest.raises(WrongKeyError):
        Store.open(backup / "s.db", new_key)
    conn = sqlite3.connect(backup / "s.db")
    sql = "SELECT wrapped_key FROM practitioners WHERE id = ?"
    wrapped = conn.execute(sql, [ids["alice"]]).fetchone()[0]
    conn.close()
    with pytest.raises(TamperedError):
        unwrap_key(derive_kek(new_key), wrapped, aad("data-key", ids["alice"]))
    with Store.open(live / "s.db", new_key) as store:
        assert store.read_reflection(ids["bob"], ids["bob_rid"]) == "bob's"


def test_deleting_a_reflection_removes_its_bytes_from_the_files(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    with Store.open(folder / "s.db", bytes(range(32))) as store:
        owner = store.practitioner("telegram:1")
        rid = store.save_reflection(owner, flow_id="f", flow_version="1", title="t", body=BODY)
        keep = store.save_reflection(owner, flow_id="f", flow_version="1", title="k", body=BODY)
    with Store.open(folder / "s.db", bytes(range(32))) as store:
        conn = sqlite3.connect(folder / "s.db")
        doomed = list(
            conn.execute(
                "SELECT body, title, wrapped_key FROM reflections WHERE id = ?", [rid]
            ).fetchone()
        )
        conn.close()
        store.delete_reflection(owner, rid)
        assert_gone(folder, doomed)
        assert store.read_reflection(owner, keep) == BODY


def test_unsharing_destroys_the_supervisors_wrapped_key(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    store, ids = checkpointed_store(folder / "s.db", bytes(range(32)))
    with store:
        conn = sqlite3.connect(folder / "s.db")
        wrapped = conn.execute("SELECT wrapped_key FROM shares").fetchone()[0]
        conn.close()
        store.unshare_reflection(ids["alice"], ids["first"], ids["sup"])
        assert_gone(folder, [wrapped])
        with pytest.raises(NotAuthorised):
            store.read_shared(ids["sup"], ids["first"])


def test_the_scan_would_find_deleted_bytes_without_secure_delete(tmp_path: Path) -> None:
    """Control: proves the scans above can fail. This SQLite build may default
    secure_delete to ON, so switch it OFF on the live connection and watch bytes survive."""
    folder = tmp_path / "data"
    store, ids = checkpointed_store(folder / "s.db", bytes(range(32)))
    with store:
        secrets = secret_bytes(folder / "s.db", ids["alice"])
        store._db.execute("PRAGMA secure_delete=OFF")  # noqa: SLF001 - deliberately weakened
        store.forget(ids["alice"])
        disk = on_disk(folder)
        assert any(blob in disk for blob in secrets)
