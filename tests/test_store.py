"""The encrypted store: round-trips, ownership, sharing, sessions, audit and busy disks."""

import sqlite3
import threading
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storage.connection import RetryPolicy, pragma_value
from storage.errors import (
    NotAuthorised,
    StoreError,
    TamperedError,
    UnknownPractitioner,
    WrongKeyError,
)
from storage.store import Store

KEY = bytes(range(32))
FAST_FAIL = RetryPolicy(attempts=3, busy_timeout=0.05, first_delay=0.01, max_delay=0.02)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "schtum.db"


@pytest.fixture
def store(db_path: Path):
    with Store.open(db_path, KEY) as opened:
        yield opened


def save(store: Store, owner: str, body: str = "body", title: str = "title") -> str:
    return store.save_reflection(
        owner, flow_id="breach-uk", flow_version="1", title=title, body=body
    )


def run_sql(db_path: Path, statement: str, params: list[str] | tuple = ()) -> list[tuple]:
    """Run one statement on a separate, closed-afterwards connection (an outside writer)."""
    conn = sqlite3.connect(db_path, isolation_level=None)
    try:
        return conn.execute(statement, params).fetchall()
    finally:
        conn.close()


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(title=st.text(max_size=80), body=st.text(max_size=2000))
def test_a_saved_reflection_reads_back_exactly(store: Store, title: str, body: str) -> None:
    owner = store.practitioner("terminal:alice")
    record_id = save(store, owner, body, title)
    assert store.read_reflection(owner, record_id) == body
    assert store.list_reflections(owner)[0].title == title


def test_listing_is_newest_first_and_carries_no_body(store: Store) -> None:
    owner = store.practitioner("terminal:alice")
    ids = [save(store, owner, body=f"body {n}", title=f"title {n}") for n in range(3)]
    listed = store.list_reflections(owner)
    assert [info.id for info in listed] == ids[::-1]
    assert listed[0].flow_id == "breach-uk" and listed[0].flow_version == "1"
    assert not hasattr(listed[0], "body")


def test_reflections_survive_closing_and_reopening(db_path: Path) -> None:
    with Store.open(db_path, KEY) as store:
        owner = store.practitioner("terminal:alice")
        record_id = save(store, owner, "kept")
    with Store.open(db_path, KEY) as store:
        assert store.read_reflection(owner, record_id) == "kept"


def test_practitioner_is_created_once(store: Store, db_path: Path) -> None:
    first = store.practitioner("telegram:1")
    assert store.practitioner("telegram:1") == first
    assert run_sql(db_path, "SELECT count(*) FROM practitioners")[0][0] == 1


@pytest.mark.parametrize("record_id", ["theirs", "0" * 32], ids=["other-owner", "missing"])
def test_someone_elses_or_a_missing_record_is_not_authorised(store: Store, record_id) -> None:
    alice, bob = store.practitioner("terminal:alice"), store.practitioner("terminal:bob")
    target = save(store, alice) if record_id == "theirs" else record_id
    for action in (store.read_reflection, store.delete_reflection):
        with pytest.raises(NotAuthorised):
            action(bob, target)
    with pytest.raises(NotAuthorised):
        store.share_reflection(bob, target, alice)


def test_saving_for_an_unknown_practitioner_is_refused(store: Store) -> None:
    with pytest.raises(UnknownPractitioner):
        save(store, "f" * 64)


def test_deleting_a_reflection_removes_it_and_is_audited(store: Store) -> None:
    owner = store.practitioner("terminal:alice")
    record_id = save(store, owner)
    store.delete_reflection(owner, record_id)
    assert store.list_reflections(owner) == []
    with pytest.raises(NotAuthorised):
        store.read_reflection(owner, record_id)
    assert [e.action for e in store.audit_entries(owner)] == ["save", "delete"]


def test_every_read_share_unshare_and_delete_is_audited_without_content(store: Store) -> None:
    alice, sup = store.practitioner("terminal:alice"), store.practitioner("terminal:sup")
    record_id = save(store, alice, body="secret body words", title="secret title words")
    store.read_reflection(alice, record_id)
    store.share_reflection(alice, record_id, sup)
    store.read_shared(sup, record_id)
    store.unshare_reflection(alice, record_id, sup)
    store.delete_reflection(alice, record_id)
    entries = store.audit_entries(alice)
    assert [(e.actor, e.action, e.target, e.counterpart) for e in entries] == [
        (alice, "save", record_id, None),
        (alice, "read", record_id, None),
        (alice, "share", record_id, sup),
        (sup, "read_shared", record_id, alice),
        (alice, "unshare", record_id, sup),
        (alice, "delete", record_id, None),
    ]
    assert all("secret" not in repr(e) for e in store.audit_entries())


@pytest.mark.parametrize("statement", ["UPDATE audit SET action = 'x'", "DELETE FROM audit"])
def test_the_audit_log_is_append_only(store: Store, db_path: Path, statement: str) -> None:
    owner = store.practitioner("terminal:alice")
    save(store, owner)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        run_sql(db_path, statement)
    assert [e.action for e in store.audit_entries(owner)] == ["save"]


def test_a_reflection_is_not_saved_when_its_audit_row_cannot_be(store: Store, db_path) -> None:
    owner = store.practitioner("terminal:alice")
    run_sql(
        db_path,
        "CREATE TRIGGER audit_broken BEFORE INSERT ON audit BEGIN SELECT RAISE(ABORT, 'no'); END",
    )
    with pytest.raises(StoreError):
        save(store, owner)
    assert run_sql(db_path, "SELECT count(*) FROM reflections")[0][0] == 0


def test_sharing_lets_the_supervisor_read_until_unshared(store: Store) -> None:
    alice, sup = store.practitioner("terminal:alice"), store.practitioner("terminal:sup")
    record_id = save(store, alice, "for supervision")
    with pytest.raises(NotAuthorised):
        store.read_shared(sup, record_id)
    store.share_reflection(alice, record_id, sup)
    assert store.read_shared(sup, record_id) == "for supervision"
    with pytest.raises(NotAuthorised):
        store.read_reflection(sup, record_id)
    store.unshare_reflection(alice, record_id, sup)
    with pytest.raises(NotAuthorised):
        store.read_shared(sup, record_id)


def test_sharing_with_someone_without_an_account_is_refused(store: Store) -> None:
    alice = store.practitioner("terminal:alice")
    with pytest.raises(UnknownPractitioner):
        store.share_reflection(alice, save(store, alice), "e" * 64)


def test_settings_round_trip_and_default_to_empty(store: Store) -> None:
    owner = store.practitioner("terminal:alice")
    assert store.load_settings(owner) == {}
    store.save_settings(owner, {"jurisdiction": "uk", "reminder": {"day": "mon", "at": "19:00"}})
    assert store.load_settings(owner)["reminder"] == {"day": "mon", "at": "19:00"}


def test_one_session_per_owner_is_kept_and_replaced(store: Store, db_path: Path) -> None:
    owner = store.practitioner("terminal:alice")
    store.save_session(owner, b"first", time.time() + 60)
    store.save_session(owner, b"second", time.time() + 60)
    assert store.load_session(owner) == b"second"
    assert run_sql(db_path, "SELECT count(*) FROM sessions")[0][0] == 1
    store.drop_session(owner)
    assert store.load_session(owner) is None


def test_an_expired_session_is_not_returned_and_is_deleted(store: Store, db_path) -> None:
    owner = store.practitioner("terminal:alice")
    store.save_session(owner, b"snapshot", expires_at=1000.0)
    assert store.load_session(owner, now=999.0) == b"snapshot"
    assert store.load_session(owner, now=1000.0) is None
    assert run_sql(db_path, "SELECT count(*) FROM sessions")[0][0] == 0


def test_purging_removes_only_expired_sessions(store: Store) -> None:
    owners = [store.practitioner(f"terminal:{n}") for n in range(3)]
    for n, owner in enumerate(owners):
        store.save_session(owner, b"s", expires_at=100.0 * (n + 1))
    assert store.purge_expired_sessions(now=200.0) == 2
    assert store.load_session(owners[2], now=200.0) == b"s"


def flip_byte(db_path: Path, table: str, column: str, position: int) -> None:
    rowid, value = run_sql(db_path, f"SELECT rowid, {column} FROM {table} LIMIT 1")[0]
    changed = bytearray(value)
    changed[position] ^= 0x01
    run_sql(db_path, f"UPDATE {table} SET {column} = ? WHERE rowid = ?", [bytes(changed), rowid])


@pytest.mark.parametrize(
    ("table", "column"),
    [("reflections", "body"), ("reflections", "wrapped_key"), ("practitioners", "wrapped_key")],
)
@pytest.mark.parametrize("position", [0, 5, 20, -1], ids=["version", "nonce", "body", "tag"])
def test_a_tampered_stored_value_is_rejected(store, db_path, table, column, position) -> None:
    owner = store.practitioner("terminal:alice")
    record_id = save(store, owner, "a body long enough to have a middle")
    flip_byte(db_path, table, column, position)
    with pytest.raises(TamperedError):
        store.read_reflection(owner, record_id)


def test_a_tampered_title_is_rejected_when_listing(store: Store, db_path: Path) -> None:
    owner = store.practitioner("terminal:alice")
    save(store, owner, title="a title long enough")
    flip_byte(db_path, "reflections", "title", 20)
    with pytest.raises(TamperedError):
        store.list_reflections(owner)


def test_a_truncated_body_is_rejected(store: Store, db_path: Path) -> None:
    owner = store.practitioner("terminal:alice")
    record_id = save(store, owner, "a body to truncate")
    run_sql(db_path, "UPDATE reflections SET body = substr(body, 1, length(body) - 1)")
    with pytest.raises(TamperedError):
        store.read_reflection(owner, record_id)


def test_a_body_moved_to_another_row_is_rejected(store: Store, db_path: Path) -> None:
    owner = store.practitioner("terminal:alice")
    first, second = save(store, owner, "first"), save(store, owner, "second")
    run_sql(
        db_path,
        "UPDATE reflections SET body = (SELECT body FROM reflections WHERE id = ?) WHERE id = ?",
        [first, second],
    )
    with pytest.raises(TamperedError):
        store.read_reflection(owner, second)


def test_a_record_moved_to_another_owner_is_rejected(store: Store, db_path: Path) -> None:
    alice, mallory = store.practitioner("terminal:alice"), store.practitioner("terminal:mal")
    record_id = save(store, alice)
    run_sql(db_path, "UPDATE reflections SET owner = ? WHERE id = ?", [mallory, record_id])
    with pytest.raises(TamperedError):
        store.read_reflection(mallory, record_id)


@pytest.mark.parametrize("table", ["sessions", "practitioners"])
def test_a_session_or_data_key_moved_to_another_owner_is_rejected(store, db_path, table) -> None:
    alice, mallory = store.practitioner("terminal:alice"), store.practitioner("terminal:mal")
    store.save_session(alice, b"alice", time.time() + 60)
    store.save_session(mallory, b"mallory", time.time() + 60)
    column, key = ("snapshot", "owner") if table == "sessions" else ("wrapped_key", "id")
    run_sql(
        db_path,
        f"UPDATE {table} SET {column} = (SELECT {column} FROM {table} WHERE {key} = ?) "
        f"WHERE {key} = ?",
        [alice, mallory],
    )
    with pytest.raises(TamperedError):
        store.load_session(mallory)


def test_wrong_key_at_open_is_refused_and_writes_nothing(db_path: Path) -> None:
    with Store.open(db_path, KEY) as store:
        save(store, store.practitioner("terminal:alice"))
    before = {p.name: p.read_bytes() for p in db_path.parent.iterdir()}
    with pytest.raises(WrongKeyError) as caught:
        Store.open(db_path, bytes(32))
    assert "nothing was changed" in str(caught.value)
    assert {p.name: p.read_bytes() for p in db_path.parent.iterdir()} == before


@pytest.mark.parametrize(
    "setup",
    [
        lambda p: p.write_bytes(b"this is not a database at all" * 100),
        lambda p: run_sql(p, "CREATE TABLE other (x)"),
    ],
    ids=["garbage-file", "another-apps-db"],
)
def test_a_file_that_is_not_a_schtum_database_is_refused(db_path: Path, setup) -> None:
    db_path.parent.mkdir()
    setup(db_path)
    with pytest.raises(StoreError, match="not"):
        Store.open(db_path, KEY)


def test_a_database_from_a_newer_schtum_is_refused(db_path: Path) -> None:
    Store.open(db_path, KEY).close()
    run_sql(db_path, "PRAGMA user_version = 99")
    with pytest.raises(StoreError, match="newer version"):
        Store.open(db_path, KEY)


def test_every_connection_has_the_privacy_pragmas(store: Store) -> None:
    db = store._db  # noqa: SLF001 - the pragmas are per connection; check the live one
    assert pragma_value(db, "secure_delete") == 1
    assert pragma_value(db, "temp_store") == 2
    assert pragma_value(db, "journal_mode") == "wal"
    assert pragma_value(db, "foreign_keys") == 1


def hold_write_lock(db_path: Path) -> sqlite3.Connection:
    blocker = sqlite3.connect(db_path, isolation_level=None, check_same_thread=False)
    blocker.execute("BEGIN IMMEDIATE")
    blocker.execute("INSERT INTO meta (name, value) VALUES ('blocker', x'00')")
    return blocker


def test_a_locked_database_is_retried_until_the_save_succeeds(db_path: Path) -> None:
    with Store.open(db_path, KEY, retry=RetryPolicy(busy_timeout=0.05)) as store:
        owner = store.practitioner("terminal:alice")
        blocker = hold_write_lock(db_path)
        release = threading.Timer(0.4, blocker.rollback)
        release.start()
        started = time.monotonic()
        record_id = save(store, owner, "survived the lock")
        release.join()
        blocker.close()
        assert time.monotonic() - started >= 0.3
        assert store.read_reflection(owner, record_id) == "survived the lock"


def test_a_lock_outlasting_the_retries_raises_and_loses_nothing(db_path: Path) -> None:
    with Store.open(db_path, KEY, retry=FAST_FAIL) as store:
        owner = store.practitioner("terminal:alice")
        blocker = hold_write_lock(db_path)
        with pytest.raises(StoreError, match="try again"):
            save(store, owner, "kept in memory by the caller")
        blocker.rollback()
        blocker.close()
        record_id = save(store, owner, "kept in memory by the caller")
        assert [info.id for info in store.list_reflections(owner)] == [record_id]


def test_a_full_disk_raises_a_clear_error_and_writes_nothing(store: Store, db_path) -> None:
    owner = store.practitioner("terminal:alice")
    db = store._db  # noqa: SLF001 - max_page_count is per connection: fill this one's disk
    db.execute(f"PRAGMA max_page_count = {pragma_value(db, 'page_count')}")
    with pytest.raises(StoreError, match="disk is full"):
        save(store, owner, "x" * 20_000)
    assert run_sql(db_path, "SELECT count(*) FROM reflections")[0][0] == 0


def test_a_supervisor_lists_what_was_shared_with_them_newest_first(store: Store) -> None:
    alice, bob = store.practitioner("terminal:alice"), store.practitioner("terminal:bob")
    sup = store.practitioner("terminal:sup")
    first = save(store, alice, title="alice's")
    second = save(store, bob, title="bob's")
    save(store, alice, title="not shared")
    assert store.list_shared(sup) == []
    store.share_reflection(alice, first, sup)
    store.share_reflection(bob, second, sup)
    listed = store.list_shared(sup)
    assert [(i.id, i.owner, i.title) for i in listed] == [
        (second, bob, "bob's"),
        (first, alice, "alice's"),
    ]
    store.unshare_reflection(bob, second, sup)
    assert [i.id for i in store.list_shared(sup)] == [first]


def test_exporting_returns_every_body_and_audits_each_record(store: Store) -> None:
    owner = store.practitioner("terminal:alice")
    ids = [save(store, owner, body=f"body {n}") for n in range(2)]
    exported = store.export_reflections(owner)
    assert [(info.id, body) for info, body in exported] == [(ids[1], "body 1"), (ids[0], "body 0")]
    exports = [e.target for e in store.audit_entries(owner) if e.action == "export"]
    assert sorted(exports) == sorted(ids)


def test_a_title_swapped_into_the_body_of_its_own_row_is_rejected(store, db_path) -> None:
    owner = store.practitioner("terminal:alice")
    record_id = save(store, owner, body="the body", title="the title")
    run_sql(db_path, "UPDATE reflections SET body = title")
    with pytest.raises(TamperedError):
        store.read_reflection(owner, record_id)


def test_a_whole_record_copied_onto_another_row_is_rejected(store, db_path) -> None:
    owner = store.practitioner("terminal:alice")
    first, second = save(store, owner, "first"), save(store, owner, "second")
    run_sql(
        db_path,
        "UPDATE reflections SET (body, title, wrapped_key) = "
        "(SELECT body, title, wrapped_key FROM reflections WHERE id = ?) WHERE id = ?",
        [first, second],
    )
    with pytest.raises(TamperedError):
        store.read_reflection(owner, second)
