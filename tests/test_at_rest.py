"""No plaintext at rest: every byte of every file in the data folder, while open and after.

Canary strings go into titles, bodies, settings and session snapshots, under a clear
Telegram id; then the DB, -wal, -shm and -journal files are read whole and searched for
each canary, every 8-character fragment of one, and the clear id.
"""

import os
import stat
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from storage.store import Store

CLEAR_ID = "987654321"
CANARIES = [
    "Przemyslaw Okafor-Nguyen",
    "14 Larkspur Crescent, Leeds LS6 2QX",
    "siobhan.ferreira@example.org",
    "07700 900461",
    "NHS 943 476 5919",
    "canary-7f3c2a91-hjq",
    "canary-1b9e44d0-qzx",
    "canary-5ad1c3e7-vwk",
]
ALLOWED = {"schtum.db", "schtum.db-wal", "schtum.db-shm", "schtum.db-journal",
           "schtum.db.lock", "schtum.db.users"}


@pytest.fixture
def loose_umask() -> Iterator[None]:
    old = os.umask(0o022)
    yield
    os.umask(old)


def fragments(text: str, size: int = 8) -> set[bytes]:
    encoded = text.encode("utf-8")
    return {encoded[i : i + size] for i in range(len(encoded) - size + 1)}


def assert_no_plaintext(folder: Path) -> None:
    assert {p.name for p in folder.iterdir()} <= ALLOWED
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    assert any(p.name == "schtum.db" and p.stat().st_size > 0 for p in files)
    needles = {CLEAR_ID.encode(), b"telegram:"} | {f for c in CANARIES for f in fragments(c)}
    for path in files:
        data = path.read_bytes()
        found = [n for n in needles if n in data]
        assert not found, f"{path.name} holds plaintext fragments {found[:3]}"
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700


def fill(store: Store) -> None:
    owner = store.practitioner(f"telegram:{CLEAR_ID}")
    supervisor = store.practitioner("telegram:123123123")
    text = " ".join(CANARIES)
    for n in range(6):
        rid = store.save_reflection(
            owner,
            flow_id="breach-uk",
            flow_version="1",
            title=f"{CANARIES[5]} {n}",
            body=f"{text} {n} " * (40 * (n + 1)),
        )
        store.read_reflection(owner, rid)
    store.share_reflection(owner, rid, supervisor)
    store.read_shared(supervisor, rid)
    store.save_settings(owner, {"note": CANARIES[6], "jurisdiction": "uk"})
    for n in range(3):
        store.save_session(owner, f"{CANARIES[7]} {text} {n}".encode() * 20, time.time() + 60)
    store.save_session(supervisor, CANARIES[7].encode(), expires_at=1.0)
    store.purge_expired_sessions()
    store.delete_reflection(owner, store.list_reflections(owner)[-1].id)


def test_no_canary_or_clear_id_reaches_any_file(tmp_path: Path, loose_umask) -> None:
    folder = tmp_path / "data"
    with Store.open(folder / "schtum.db", bytes(range(32))) as store:
        fill(store)
        assert (folder / "schtum.db-wal").exists()
        assert_no_plaintext(folder)
    assert_no_plaintext(folder)


def test_the_scan_finds_a_canary_written_in_the_clear(tmp_path: Path) -> None:
    """Control: proves the scan can fail, using a clear-text flow id (flow ids are stored
    in the clear by design, so they must never carry content)."""
    folder = tmp_path / "data"
    with Store.open(folder / "schtum.db", bytes(range(32))) as store:
        owner = store.practitioner("terminal:alice")
        store.save_reflection(owner, flow_id=CANARIES[0], flow_version="1", title="t", body="b")
        with pytest.raises(AssertionError, match="plaintext fragments"):
            assert_no_plaintext(folder)


def test_files_created_later_by_sqlite_are_owner_only_too(tmp_path: Path, loose_umask) -> None:
    folder = tmp_path / "data"
    Store.open(folder / "schtum.db", bytes(range(32))).close()
    with Store.open(folder / "schtum.db", bytes(range(32))) as store:
        store.practitioner("terminal:alice")
        modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in folder.rglob("*")
                 if p.is_file()}
        folders = {stat.S_IMODE(p.stat().st_mode) for p in folder.rglob("*") if p.is_dir()}
    assert set(modes) >= {"schtum.db", "schtum.db-wal", "schtum.db-shm", "schtum.db.lock"}
    assert set(modes.values()) == {0o600}
    assert folders <= {0o700}


def test_an_existing_loose_database_is_tightened_on_open(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    Store.open(folder / "schtum.db", bytes(range(32))).close()
    (folder / "schtum.db").chmod(0o644)
    Store.open(folder / "schtum.db", bytes(range(32))).close()
    assert stat.S_IMODE((folder / "schtum.db").stat().st_mode) == 0o600
