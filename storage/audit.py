"""The append-only audit log: who (pseudonym) did what to which record, and when.

Rows hold pseudonyms, an action name, a random record id and a time; never content. SQLite
triggers (migration m001) make UPDATE and DELETE on the table fail, so the log can only
grow. ``forget`` keeps a practitioner's audit rows on purpose: they contain nothing but a
pseudonym, actions and times, and the erasure itself must stay accountable.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlite_utils import Database

ACTIONS = frozenset(
    {"save", "read", "delete", "share", "unshare", "read_shared", "forget", "export",
     # supervision (m004): links, comment threads, packs, the supervision log
     "invite", "link", "unlink", "comment", "pack", "log",
     # follow-ups and CPD (m005): outcomes appended to records, follow-ups closed
     "outcome", "followup", "followup_done", "cpd"}
)


@dataclass(frozen=True)
class AuditEntry:
    """One audit row. `counterpart` is the other party (the supervisor of a share, the
    owner of a record a supervisor read), so both can see what touched them."""

    actor: str
    action: str
    target: str | None
    at: str
    counterpart: str | None = None


def utc_minute() -> str:
    """UTC to the minute: as precise as a record's date needs to be, and no more."""
    return datetime.now(UTC).replace(second=0, microsecond=0).isoformat(timespec="minutes")


def utc_now() -> str:
    """ISO-8601 UTC with microseconds; sorts as text."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


def record(
    db: Database,
    actor: str,
    action: str,
    target: str | None = None,
    counterpart: str | None = None,
) -> None:
    """Append one row; call inside the transaction of the change it describes."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    db["audit"].insert(
        {
            "actor": actor,
            "action": action,
            "target": target,
            "counterpart": counterpart,
            "at": utc_now(),
        }
    )


def entries(db: Database, who: str | None = None) -> list[AuditEntry]:
    """Oldest first; with `who`, only rows where they are the actor or the counterpart."""
    where, args = (None, None) if who is None else ("actor = ? or counterpart = ?", [who, who])
    rows = db["audit"].rows_where(where, args, order_by="id")
    return [
        AuditEntry(r["actor"], r["action"], r["target"], r["at"], r["counterpart"]) for r in rows
    ]
