"""Supervision on top of the store: invitations, links, shares along links, comment
threads, and the supervision log; each change audited, by pseudonyms only.

It borrows the store's connection, lock, retrying writes and data keys (same package,
one database), so a link and its audit row, or an unlink and the shares it destroys,
commit together. Who may do what is checked here, not by the caller: a supervisor reads
and comments only on what is shared with them, only while it is.
"""

from __future__ import annotations

import json
import secrets
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from storage import audit, links
from storage.audit import utc_now
from storage.comments import Comment, open_comment, seal_comment
from storage.errors import NotAuthorised
from storage.links import Link
from storage.records import record_key_for
from storage.vault import aad, open_sealed, seal_padded

if TYPE_CHECKING:
    from storage.store import Store

MAX_COMMENT = 3000


def _now(now: datetime | None) -> datetime:
    return now or datetime.now(UTC)


class Supervision:
    """The supervision side of one open Store (get it as ``store.supervision``)."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._db = store._db  # noqa: SLF001 - one database, one package
        self._lock = store._lock  # noqa: SLF001

    # invitations and links --------------------------------------------------------

    def create_invite(self, owner: str, now: datetime | None = None) -> str:
        """A fresh single-use code (32 URL-safe characters); only its keyed hash is kept."""
        code = secrets.token_urlsafe(24)
        digest = self._store.pseudonym_of(f"invite:{code}")
        self._store._write(lambda: self._atomic(  # noqa: SLF001
            lambda: links.add_invite(self._db, owner, digest, _now(now))))
        return code

    def redeem(self, supervisor: str, code: str, now: datetime | None = None) -> str:
        """Link the supervisor to the code's owner; InviteError (one sentence) otherwise."""
        digest = self._store.pseudonym_of(f"invite:{code}")
        return self._store._write(lambda: self._atomic(  # noqa: SLF001
            lambda: links.redeem(self._db, digest, supervisor, _now(now))))

    def links(self, who: str) -> list[Link]:
        with self._lock:
            return links.links_of(self._db, who)

    def supervisors(self, practitioner: str) -> list[Link]:
        return [link for link in self.links(practitioner) if link.practitioner == practitioner]

    def supervisees(self, supervisor: str) -> list[Link]:
        return [link for link in self.links(supervisor) if link.supervisor == supervisor]

    def linked(self, practitioner: str, supervisor: str) -> bool:
        return any(link.supervisor == supervisor for link in self.supervisors(practitioner))

    def unlink(self, actor: str, practitioner: str, supervisor: str) -> None:
        """End a link (either side may) and destroy every share along it."""
        if actor not in (practitioner, supervisor) or not self.linked(practitioner, supervisor):
            raise NotAuthorised()
        self._store._write(lambda: self._atomic(  # noqa: SLF001
            lambda: links.unlink(self._db, actor, practitioner, supervisor)))
        self._store._checkpoint()  # noqa: SLF001 - the wrapped keys leave the WAL too

    # shares -------------------------------------------------------------------------

    def share(self, owner: str, record_id: str, supervisor: str) -> None:
        """Share along a link only; NotAuthorised for anyone not linked as supervisor."""
        if not self.linked(owner, supervisor):
            raise NotAuthorised()
        self._store.share_reflection(owner, record_id, supervisor)

    def shared_with(self, owner: str, record_id: str) -> list[tuple[str, str]]:
        """(supervisor, shared at) for one of the owner's reflections."""
        self._store._fetch_owned(owner, record_id, "id")  # noqa: SLF001
        with self._lock:
            rows = self._db.execute(
                "SELECT supervisor, created_at FROM shares WHERE record_id = ? "
                "ORDER BY created_at, rowid", [record_id]).fetchall()
        return [(str(s), str(at)) for s, at in rows]

    def shares_by(self, owner: str) -> list[tuple[str, str, str]]:
        """(record id, supervisor, shared at) for everything the owner shares, newest first."""
        with self._lock:
            rows = self._db.execute(
                "SELECT s.record_id, s.supervisor, s.created_at FROM shares s "
                "JOIN reflections r ON r.id = s.record_id WHERE r.owner = ? "
                "ORDER BY s.created_at DESC, s.rowid DESC", [owner]).fetchall()
        return [(str(r), str(s), str(at)) for r, s, at in rows]

    def reads(self, supervisor: str, record_id: str) -> list[str]:
        """When the supervisor opened the record (from the audit log), oldest first."""
        with self._lock:
            rows = self._db.execute(
                "SELECT at FROM audit WHERE actor = ? AND action = 'read_shared' "
                "AND target = ? ORDER BY id", [supervisor, record_id]).fetchall()
        return [str(at) for (at,) in rows]

    # comments -----------------------------------------------------------------------

    def add_comment(self, author: str, record_id: str, supervisor: str, text: str) -> Comment:
        """Seal a comment in the thread between the record's owner and `supervisor`."""
        owner, key = self._record_key(author, record_id)
        if author != owner and author != supervisor:
            raise NotAuthorised()
        with self._lock:  # whoever writes, a thread exists only while the record is shared
            shared = self._db.execute(
                "SELECT 1 FROM shares WHERE record_id = ? AND supervisor = ?",
                [record_id, supervisor]).fetchone()
        if shared is None or not self.linked(owner, supervisor):
            raise NotAuthorised()
        text = text[:MAX_COMMENT]
        cid, at = secrets.token_hex(16), utc_now()
        row = {"id": cid, "record_id": record_id, "supervisor": supervisor, "author": author,
               "created_at": at,
               "body": seal_comment(key, record_id, cid, author, supervisor, at, text)}
        counterpart = supervisor if author == owner else owner

        def write() -> None:
            with self._db.atomic():
                self._db["comments"].insert(row)
                audit.record(self._db, author, "comment", record_id, counterpart)

        self._store._write(write)  # noqa: SLF001
        return Comment(cid, record_id, supervisor, author, at, text)

    def comments(self, reader: str, record_id: str, supervisor: str | None = None
                 ) -> list[Comment]:
        """The owner reads every thread (or one); a supervisor only their own, while shared."""
        owner, key = self._record_key(reader, record_id)
        thread = supervisor if reader == owner else reader
        sql = ("SELECT id, record_id, supervisor, author, created_at, body FROM comments "
               "WHERE record_id = ?")
        args = [record_id]
        if thread is not None:
            sql += " AND supervisor = ?"
            args.append(thread)
        with self._lock:
            rows = self._db.execute(sql + " ORDER BY created_at, rowid", args).fetchall()
        return [open_comment(key, tuple(row)) for row in rows]

    def owner_of(self, reader: str, record_id: str) -> str:
        """The record's owner, if `reader` may read it (owner, or shared with them)."""
        return self._record_key(reader, record_id)[0]

    def _record_key(self, reader: str, record_id: str) -> tuple[str, bytes]:
        with self._lock:
            row = self._db.execute("SELECT owner, wrapped_key FROM reflections WHERE id = ?",
                                   [record_id]).fetchone()
            if row is None:
                raise NotAuthorised()
            owner, wrapped = row
            if owner != reader:
                found = self._db.execute(
                    "SELECT wrapped_key FROM shares WHERE record_id = ? AND supervisor = ?",
                    [record_id, reader]).fetchone()
                if found is None:
                    raise NotAuthorised()
                wrapped = found[0]
            data_key = self._store._data_key(reader)  # noqa: SLF001
        return str(owner), record_key_for(data_key, wrapped, record_id, reader)

    # the supervision log ------------------------------------------------------------

    def add_log(self, owner: str, entry: dict[str, Any]) -> str:
        """Store one supervision session (date, minutes, individual or group size)."""
        entry_id = secrets.token_hex(16)
        sealed = seal_padded(self._store._data_key(owner),  # noqa: SLF001
                             json.dumps(entry).encode("utf-8"),
                             aad("supervision-log", owner, entry_id))
        row = {"id": entry_id, "owner": owner, "created_at": utc_now(), "entry": sealed}

        def write() -> None:
            with self._db.atomic():
                self._db["supervision_log"].insert(row)
                audit.record(self._db, owner, "log", entry_id)

        self._store._write(write)  # noqa: SLF001
        return entry_id

    def log_entries(self, owner: str) -> list[dict[str, Any]]:
        """The owner's log entries, decrypted, in the order they were added."""
        with self._lock:
            rows = self._db.execute(
                "SELECT id, entry FROM supervision_log WHERE owner = ? ORDER BY created_at, "
                "rowid", [owner]).fetchall()
            if not rows:
                return []
            key = self._store._data_key(owner)  # noqa: SLF001
        return [json.loads(open_sealed(key, sealed, aad("supervision-log", owner, eid)))
                for eid, sealed in rows]

    # audit --------------------------------------------------------------------------

    def note(self, actor: str, action: str, target: str | None = None,
             counterpart: str | None = None) -> None:
        """Audit an action that changes nothing stored (a pack or export produced)."""
        self._store._write(lambda: self._atomic(  # noqa: SLF001
            lambda: audit.record(self._db, actor, action, target, counterpart)))

    def _atomic(self, action: Any) -> Any:
        with self._db.atomic():
            return action()
