"""Invitations and supervision links: the SQL, and one error per way a code can fail.

A practitioner's invitation is stored only as a keyed hash of its code (the code itself
lives in the deep link the practitioner hands over), with an expiry and, once redeemed,
the time it was used. A link row says "this supervisor supervises this practitioner";
shares are only offered along links, and unlinking deletes the shares with them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlite_utils import Database

from storage import audit
from storage.errors import StorageError

INVITE_DAYS = 7


class InviteError(StorageError):
    """An invitation code that cannot be used; the subclass says why in one sentence."""

    message = "That invitation link is not valid: ask your supervisee to send /invite again."


class InviteUsed(InviteError):
    message = ("That invitation link has already been used: ask your supervisee to send "
               "/invite for a new one.")


class InviteExpired(InviteError):
    message = ("That invitation link has expired (links last 7 days): ask your supervisee "
               "to send /invite for a new one.")


class SelfInvite(InviteError):
    message = ("That is your own invitation link: send it to your supervisor, who opens it "
               "in their Telegram.")


@dataclass(frozen=True)
class Link:
    """One supervision relationship, by pseudonyms, and when it began."""

    practitioner: str
    supervisor: str
    created_at: str


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def add_invite(db: Database, owner: str, code_hash: str, now: datetime) -> None:
    """Store a new invitation's hash with its expiry, audited."""
    db["invites"].insert({"code_hash": code_hash, "owner": owner, "created_at": iso(now),
                          "expires_at": iso(now + timedelta(days=INVITE_DAYS)),
                          "used_at": None})
    audit.record(db, owner, "invite")


def redeem(db: Database, code_hash: str, supervisor: str, now: datetime) -> str:
    """Use an invitation (inside one transaction): link, mark used, audit; the owner."""
    row = db.execute("SELECT owner, expires_at, used_at FROM invites WHERE code_hash = ?",
                     [code_hash]).fetchone()
    if row is None:
        raise InviteError()
    owner, expires_at, used_at = row
    if used_at is not None:
        raise InviteUsed()
    if datetime.fromisoformat(expires_at) <= now:
        raise InviteExpired()
    if owner == supervisor:
        raise SelfInvite()
    db.execute("UPDATE invites SET used_at = ? WHERE code_hash = ?", [iso(now), code_hash])
    db["links"].insert({"practitioner": owner, "supervisor": supervisor,
                        "created_at": iso(now)}, ignore=True)
    audit.record(db, supervisor, "link", None, owner)
    return str(owner)


def links_of(db: Database, who: str) -> list[Link]:
    """Every link where `who` is practitioner or supervisor, oldest first (a stable order
    that buttons refer to by index)."""
    rows = db.execute(
        "SELECT practitioner, supervisor, created_at FROM links "
        "WHERE practitioner = ? OR supervisor = ? ORDER BY created_at, rowid", [who, who]
    ).fetchall()
    return [Link(*row) for row in rows]


def unlink(db: Database, actor: str, practitioner: str, supervisor: str) -> None:
    """End a link and destroy every share along it (inside one transaction), audited."""
    db.execute(
        "DELETE FROM shares WHERE supervisor = ? AND record_id IN "
        "(SELECT id FROM reflections WHERE owner = ?)", [supervisor, practitioner])
    db.execute("DELETE FROM links WHERE practitioner = ? AND supervisor = ?",
               [practitioner, supervisor])
    counterpart = supervisor if actor == practitioner else practitioner
    audit.record(db, actor, "unlink", None, counterpart)


def forget_rows(db: Database, who: str) -> None:
    """Delete every supervision row keyed by `who` (call inside the forget transaction,
    before the reflections and the practitioner row go)."""
    for sql in (
        "DELETE FROM comments WHERE record_id IN (SELECT id FROM reflections WHERE owner = ?)",
        "DELETE FROM comments WHERE supervisor = ?",
        "DELETE FROM invites WHERE owner = ?",
        "DELETE FROM supervision_log WHERE owner = ?",
    ):
        db.execute(sql, [who])
    db.execute("DELETE FROM shares WHERE supervisor = ? OR record_id IN "
               "(SELECT id FROM reflections WHERE owner = ?)", [who, who])
    db.execute("DELETE FROM links WHERE practitioner = ? OR supervisor = ?", [who, who])
