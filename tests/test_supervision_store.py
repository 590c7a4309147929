"""Invitations, links, comments and the log in the store: who may read what, and when."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from storage.errors import NotAuthorised, TamperedError
from storage.links import InviteError, InviteExpired, InviteUsed, SelfInvite
from storage.store import Store

KEY = bytes(range(32))


@pytest.fixture
def store(tmp_path: Path) -> Store:
    opened = Store.open(tmp_path / "s.db", KEY)
    yield opened
    opened.close()


def linked(store: Store) -> tuple[str, str, str]:
    """A practitioner, their supervisor (linked), and one saved reflection."""
    me, sup = store.practitioner("telegram:1"), store.practitioner("telegram:2")
    code = store.supervision.create_invite(me)
    assert store.supervision.redeem(sup, code) == me
    rid = store.save_reflection(me, flow_id="breach-uk", flow_version="2", title="T",
                                body="B")
    return me, sup, rid


def test_an_invitation_is_single_use_expires_and_is_kept_only_as_a_hash(
        store: Store, tmp_path: Path) -> None:
    me, other = store.practitioner("telegram:1"), store.practitioner("telegram:2")
    code = store.supervision.create_invite(me)
    assert 16 <= len(code) <= 64
    with pytest.raises(SelfInvite):
        store.supervision.redeem(me, code)
    later = datetime.now(UTC) + timedelta(days=7, minutes=1)
    with pytest.raises(InviteExpired):
        store.supervision.redeem(other, code, now=later)
    store.supervision.redeem(other, code)
    with pytest.raises(InviteUsed):
        store.supervision.redeem(store.practitioner("telegram:3"), code)
    with pytest.raises(InviteError):
        store.supervision.redeem(other, "forged-code-forged-code")
    assert code.encode() not in (tmp_path / "s.db").read_bytes()


def test_sharing_needs_a_link_and_unlinking_revokes_every_share(store: Store) -> None:
    me, sup, rid = linked(store)
    stranger = store.practitioner("telegram:9")
    with pytest.raises(NotAuthorised):
        store.supervision.share(me, rid, stranger)
    store.supervision.share(me, rid, sup)
    assert store.read_shared(sup, rid) == "B"
    store.supervision.unlink(sup, me, sup)
    with pytest.raises(NotAuthorised):
        store.read_shared(sup, rid)
    assert store.supervision.links(me) == []


def test_comments_are_readable_by_owner_and_supervisor_only_while_shared(store: Store) -> None:
    me, sup, rid = linked(store)
    store.supervision.share(me, rid, sup)
    store.supervision.add_comment(sup, rid, sup, "A question from supervision.")
    store.supervision.add_comment(me, rid, sup, "My answer.")
    assert [c.text for c in store.supervision.comments(sup, rid)] == [
        "A question from supervision.", "My answer."]
    stranger = store.practitioner("telegram:9")
    with pytest.raises(NotAuthorised):
        store.supervision.comments(stranger, rid)
    with pytest.raises(NotAuthorised):
        store.supervision.add_comment(stranger, rid, stranger, "sneaky")
    store.unshare_reflection(me, rid, sup)
    with pytest.raises(NotAuthorised):
        store.supervision.comments(sup, rid)
    with pytest.raises(NotAuthorised):
        store.supervision.add_comment(sup, rid, sup, "too late")
    assert len(store.supervision.comments(me, rid)) == 2
    actions = [e.action for e in store.audit_entries(me)]
    assert actions.count("comment") == 2 and "unshare" in actions


def test_a_comment_moved_to_another_reflection_fails_its_check(store: Store,
                                                               tmp_path: Path) -> None:
    me, sup, rid = linked(store)
    other = store.save_reflection(me, flow_id="journal", flow_version="1", title="J", body="J")
    store.supervision.share(me, rid, sup)  # a thread exists only while shared
    store.supervision.add_comment(me, rid, sup, "Moved?")
    conn = sqlite3.connect(tmp_path / "s.db")
    conn.execute("UPDATE comments SET record_id = ?", [other])
    conn.commit()
    conn.close()
    with pytest.raises(TamperedError):
        store.supervision.comments(me, other)


def test_reads_are_taken_from_the_audit_log(store: Store) -> None:
    me, sup, rid = linked(store)
    store.supervision.share(me, rid, sup)
    assert store.supervision.reads(sup, rid) == []
    store.read_shared(sup, rid)
    assert len(store.supervision.reads(sup, rid)) == 1


def test_forget_and_delete_take_the_supervision_rows_with_them(store: Store,
                                                               tmp_path: Path) -> None:
    me, sup, rid = linked(store)
    store.supervision.share(me, rid, sup)
    store.supervision.add_comment(sup, rid, sup, "Comment")
    store.supervision.add_log(me, {"date": "2025-01-01", "minutes": 90, "kind": "individual",
                                   "size": 1})
    store.delete_reflection(me, rid)
    rid2 = store.save_reflection(me, flow_id="journal", flow_version="1", title="J", body="J")
    store.supervision.share(me, rid2, sup)
    store.supervision.add_comment(me, rid2, sup, "Another")
    store.forget(me)
    conn = sqlite3.connect(tmp_path / "s.db")
    for table in ("comments", "links", "invites", "supervision_log", "shares"):
        assert conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0, table
    conn.close()


def test_log_entries_are_sealed_and_come_back(store: Store, tmp_path: Path) -> None:
    me = store.practitioner("telegram:1")
    store.supervision.add_log(me, {"date": "2025-03-04", "minutes": 77, "kind": "group",
                                   "size": 6})
    assert store.supervision.log_entries(me)[0]["minutes"] == 77
    assert b"2025-03-04" not in (tmp_path / "s.db").read_bytes()
