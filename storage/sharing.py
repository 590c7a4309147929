"""Supervisor shares: a record key wrapped under the supervisor's data key, one row each.

Unsharing deletes that row, which destroys the supervisor's only way to the record key.
These functions do the SQL; the Store does the crypto, retries and locking.
"""

from dataclasses import dataclass

from sqlite_utils import Database

from storage import audit
from storage.audit import utc_minute


@dataclass(frozen=True)
class SharedInfo:
    """A reflection as its supervisor sees it in a listing: whose, what, when; no body."""

    id: str
    owner: str
    flow_id: str
    flow_version: str
    title: str
    created_at: str
    shared_at: str


def add_share(db: Database, owner: str, record_id: str, supervisor: str, wrapped: bytes) -> None:
    """Store (or replace) the supervisor's wrapped record key, with its audit row."""
    share = {
        "record_id": record_id,
        "supervisor": supervisor,
        "wrapped_key": wrapped,
        "created_at": utc_minute(),
    }
    with db.atomic():
        db["shares"].upsert(share, pk=("record_id", "supervisor"))
        audit.record(db, owner, "share", record_id, supervisor)


def remove_share(db: Database, owner: str, record_id: str, supervisor: str) -> None:
    """Delete the supervisor's wrapped record key, with its audit row."""
    with db.atomic():
        db.execute(
            "DELETE FROM shares WHERE record_id = ? AND supervisor = ?", [record_id, supervisor]
        )
        audit.record(db, owner, "unshare", record_id, supervisor)


def find_shared(db: Database, supervisor: str, record_id: str) -> tuple | None:
    """(owner, sealed body, supervisor's wrapped key, flow id, flow version, created at),
    or None if the record is not shared with them."""
    row = db.execute(
        "SELECT r.owner, r.body, s.wrapped_key, r.flow_id, r.flow_version, r.created_at "
        "FROM shares s JOIN reflections r ON r.id = s.record_id "
        "WHERE s.record_id = ? AND s.supervisor = ?",
        [record_id, supervisor],
    ).fetchone()
    return None if row is None else tuple(row)


def shared_rows(db: Database, supervisor: str) -> list[tuple[str, ...]]:
    """Rows for a supervisor's listing, most recently shared first."""
    return db.execute(
        "SELECT r.id, r.owner, r.flow_id, r.flow_version, r.created_at, s.created_at, "
        "s.wrapped_key, r.title FROM shares s JOIN reflections r ON r.id = s.record_id "
        "WHERE s.supervisor = ? ORDER BY s.created_at DESC, s.rowid DESC",
        [supervisor],
    ).fetchall()


def forget_rows(db: Database, owner: str) -> None:
    """Delete everything keyed by `owner` (call inside the forget transaction)."""
    from storage import links  # supervision rows first: they refer to what follows

    links.forget_rows(db, owner)
    for sql in (
        "DELETE FROM shares WHERE record_id IN (SELECT id FROM reflections WHERE owner = ?)",
        "DELETE FROM shares WHERE supervisor = ?",
        "DELETE FROM followups WHERE owner = ?",
        "DELETE FROM reflections WHERE owner = ?",
        "DELETE FROM sessions WHERE owner = ?",
        "DELETE FROM reminders WHERE owner = ?",
        "DELETE FROM cpd WHERE owner = ?",
        "DELETE FROM practitioners WHERE id = ?",
    ):
        db.execute(sql, [owner])
