"""The encrypted store: practitioners, reflections, shares, settings, sessions, audit.

Envelope encryption: the master key (via an HKDF-derived KEK) wraps one data key per
practitioner; each reflection has its own record key, wrapped under its owner's data key
and, when shared, under the supervisor's. Titles and bodies are AES-GCM sealed with the
record id, field and owner as associated data, so a ciphertext moved to another row or
owner fails with TamperedError. Only ciphertext, pseudonyms, random ids, flow ids and
times reach the disk.

Every write is one transaction (a change and its audit row commit together) retried with
backoff while the database is locked; after the budget the caller gets StoreError and
should keep the text in memory so the user can try again. Deletions are followed by a
``wal_checkpoint(TRUNCATE)`` so freed (zeroed, ``secure_delete``) pages also leave the WAL.
"""

import logging
import secrets
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self, TypeVar

from sqlite_utils import Database

from storage import audit, sessions, sharing
from storage.audit import AuditEntry, utc_minute, utc_now
from storage.connection import RetryPolicy, checkpoint, with_retries
from storage.database import current_key_check, data_key_aad, open_database
from storage.errors import KeyChangedError, NotAuthorised, TamperedError, UnknownPractitioner
from storage.lock import StoreLock
from storage.pseudonym import pseudonym
from storage.records import (
    RecordMeta,
    ReflectionInfo,
    is_legacy,
    open_field,
    record_key_aad,
    record_key_for,
    seal_field,
    seal_fields,
)
from storage.sharing import SharedInfo
from storage.vault import new_key, unwrap_key, wrap_key

if TYPE_CHECKING:
    from storage.followups import FollowUps
    from storage.reminder_index import ReminderIndex
    from storage.supervision import Supervision

T = TypeVar("T")
log = logging.getLogger("schtum.store")
_META = "flow_id, flow_version, created_at"
OUTCOME_HEADING = "OUTCOME"


def _open(key: bytes, field: str, record_id: str, owner: str, meta: RecordMeta,
          sealed: bytes) -> str:
    """Decrypt a field of the current format; a legacy one after the upgrade is a replay."""
    if is_legacy(sealed):
        raise TamperedError()
    return open_field(key, field, record_id, owner, meta, sealed)


class Store:
    """One open Schtum database; safe to share between threads (calls are serialised)."""

    def __init__(self, db: Database, kek: bytes, pepper_secret: bytes, retry: RetryPolicy,
                 *, key_check: bytes = b"", hold: StoreLock | None = None):
        self._db = db
        self._kek = kek
        self._pepper_secret = pepper_secret
        self._retry = retry
        self._lock = threading.RLock()
        self._key_check = key_check or current_key_check(db)
        self._hold = hold
        self._unsettled = False

    @classmethod
    def open(cls, db_path: Path, master_key: bytes, *, retry: RetryPolicy | None = None,
             role: str = "a Schtum process") -> Self:
        """Open or create the database; WrongKeyError (nothing written) for a wrong key.

        The store stays held open (a shared lock naming `role`) until close, so that
        `schtum rotate-key` refuses to run under this process.
        """
        policy = retry or RetryPolicy()
        hold = StoreLock.shared(Path(db_path), role)
        try:
            opened = open_database(Path(db_path), master_key, policy)
        except BaseException:
            hold.release()
            raise
        store = cls(opened.db, opened.kek, opened.pepper_secret, policy,
                    key_check=opened.key_check, hold=hold)
        try:
            store._upgrade_legacy_records()
        except BaseException:
            store.close()
            raise
        return store

    def close(self) -> None:
        """Close the connection (SQLite folds the WAL back in when the last one closes)."""
        with self._lock:
            self._db.close()
            if self._hold is not None:
                self._hold.release()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # identity -------------------------------------------------------------------------

    def pseudonym_of(self, subject: str) -> str:
        """The stable pseudonym for `subject` ("telegram:123"), without creating anything."""
        return pseudonym(self._pepper_secret, subject)

    def practitioner(self, subject: str) -> str:
        """The subject's pseudonym; creates the practitioner and data key on first use."""
        owner = self.pseudonym_of(subject)
        with self._lock:
            sql = "SELECT 1 FROM practitioners WHERE id = ?"
            if self._db.execute(sql, [owner]).fetchone():
                return owner
        row = {
            "id": owner,
            "wrapped_key": wrap_key(self._kek, new_key(), data_key_aad(owner)),
            "created_at": utc_now(),
        }
        self._write(lambda: self._db["practitioners"].insert(row, ignore=True))
        return owner

    # reflections ----------------------------------------------------------------------

    def save_reflection(
        self, owner: str, *, flow_id: str, flow_version: str, title: str, body: str
    ) -> str:
        """Encrypt and store an approved reflection with its audit row; return its id."""
        data_key = self._data_key(owner)
        record_id = secrets.token_hex(16)
        meta = RecordMeta(flow_id, flow_version, utc_minute())
        row = {
            "id": record_id,
            "owner": owner,
            "flow_id": flow_id,
            "flow_version": flow_version,
            "created_at": meta.created_at,
            **seal_fields(data_key, record_id, owner, meta, {"title": title, "body": body}),
        }

        def write() -> None:
            with self._db.atomic():
                self._db["reflections"].insert(row)
                audit.record(self._db, owner, "save", record_id)

        self._write(write)
        return record_id

    def list_reflections(self, owner: str) -> list[ReflectionInfo]:
        """The owner's reflections, newest first, titles decrypted, no bodies."""
        with self._lock:
            rows = self._db.execute(
                "SELECT id, flow_id, flow_version, created_at, wrapped_key, title "
                "FROM reflections WHERE owner = ? ORDER BY created_at DESC, rowid DESC",
                [owner],
            ).fetchall()
            if not rows:
                return []
            data_key = self._data_key(owner)
        infos = []
        for rid, flow_id, flow_version, created_at, wrapped, title in rows:
            record_key = record_key_for(data_key, wrapped, rid, owner)
            meta = RecordMeta(flow_id, flow_version, created_at)
            text = _open(record_key, "title", rid, owner, meta, title)
            infos.append(ReflectionInfo(rid, flow_id, flow_version, text, created_at))
        return infos

    def read_reflection(self, owner: str, record_id: str) -> str:
        """Decrypt one of the owner's reflections (audited); NotAuthorised otherwise."""
        row = self._fetch_owned(owner, record_id, f"wrapped_key, body, {_META}")
        record_key = record_key_for(self._data_key(owner), row[0], record_id, owner)
        body = _open(record_key, "body", record_id, owner, RecordMeta(*row[2:]), row[1])
        self._write(lambda: self._audited(owner, "read", record_id))
        return body

    def add_outcome(self, owner: str, record_id: str, text: str, on: str) -> None:
        """Append a dated Outcome section to one of the owner's records (audited).

        The body is re-sealed under the record's own key with the same metadata, so every
        supervisor's wrapped copy of the key still opens it; `text` must already be
        anonymised and approved, `on` is the date as the record shows dates.
        """
        row = self._fetch_owned(owner, record_id, f"wrapped_key, body, {_META}")
        meta = RecordMeta(*row[2:])
        key = record_key_for(self._data_key(owner), row[0], record_id, owner)
        body = _open(key, "body", record_id, owner, meta, row[1])
        body = f"{body.rstrip()}\n\n{OUTCOME_HEADING} ({on})\n{text.strip()}"
        sealed = seal_field(key, "body", record_id, owner, meta, body)

        def write() -> None:
            with self._db.atomic():
                self._db.execute("UPDATE reflections SET body = ? WHERE id = ? AND owner = ?",
                                 [sealed, record_id, owner])
                audit.record(self._db, owner, "outcome", record_id)

        self._write(write)
        self._checkpoint()  # the older body leaves the WAL at once

    def delete_reflection(self, owner: str, record_id: str) -> None:
        """Delete a reflection and every wrapped copy of its key (audited, checkpointed)."""
        self._fetch_owned(owner, record_id, "id")

        def write() -> None:
            with self._db.atomic():
                self._db.execute("DELETE FROM comments WHERE record_id = ?", [record_id])
                self._db.execute("DELETE FROM followups WHERE record_id = ?", [record_id])
                self._db.execute("DELETE FROM shares WHERE record_id = ?", [record_id])
                self._db.execute("DELETE FROM reflections WHERE id = ?", [record_id])
                audit.record(self._db, owner, "delete", record_id)

        self._write(write)
        self._checkpoint()

    def forget(self, owner: str) -> None:
        """Crypto-shred a practitioner: data key, reflections, shares, session, settings.

        The audit rows stay (pseudonym, actions, times only) so the erasure is accountable.
        A backup taken earlier still holds the wrapped data key: it becomes unreadable once
        the master key is rotated and the old one destroyed (see storage.rotation).
        """

        def write() -> None:
            with self._db.atomic():
                sharing.forget_rows(self._db, owner)
                audit.record(self._db, owner, "forget")

        self._write(write)
        self._checkpoint()

    # sharing --------------------------------------------------------------------------

    def share_reflection(self, owner: str, record_id: str, supervisor: str) -> None:
        """Wrap the record key for the supervisor's data key (audited)."""
        row = self._fetch_owned(owner, record_id, "wrapped_key")
        record_key = record_key_for(self._data_key(owner), row[0], record_id, owner)
        aad_ = record_key_aad(record_id, supervisor)
        wrapped = wrap_key(self._data_key(supervisor), record_key, aad_)
        self._write(lambda: sharing.add_share(self._db, owner, record_id, supervisor, wrapped))

    def unshare_reflection(self, owner: str, record_id: str, supervisor: str) -> None:
        """Destroy the supervisor's wrapped record key (audited, checkpointed)."""
        self._fetch_owned(owner, record_id, "id")
        self._write(lambda: sharing.remove_share(self._db, owner, record_id, supervisor))
        self._checkpoint()

    def read_shared(self, supervisor: str, record_id: str) -> str:
        """Decrypt a reflection shared with `supervisor` (audited); NotAuthorised otherwise."""
        with self._lock:
            found = sharing.find_shared(self._db, supervisor, record_id)
        if found is None:
            raise NotAuthorised()
        owner, body, wrapped, *meta = found
        key = record_key_for(self._data_key(supervisor), wrapped, record_id, supervisor)
        text = _open(key, "body", record_id, owner, RecordMeta(*meta), body)
        self._write(lambda: self._audited(supervisor, "read_shared", record_id, owner))
        return text

    def list_shared(self, supervisor: str) -> list[SharedInfo]:
        """Reflections shared with `supervisor`, most recently shared first; no bodies."""
        with self._lock:
            rows = sharing.shared_rows(self._db, supervisor)
        if not rows:
            return []
        data_key = self._data_key(supervisor)
        infos = []
        for rid, owner, flow_id, flow_version, created_at, shared_at, wrapped, title in rows:
            key = record_key_for(data_key, wrapped, rid, supervisor)
            text = _open(key, "title", rid, owner, RecordMeta(flow_id, flow_version, created_at),
                         title)
            infos.append(SharedInfo(rid, owner, flow_id, flow_version, text, created_at, shared_at))
        return infos

    def export_reflections(self, owner: str) -> list[tuple[ReflectionInfo, str]]:
        """Every reflection of the owner with its body, for their own export (audited)."""
        exported = []
        for info in self.list_reflections(owner):
            row = self._fetch_owned(owner, info.id, f"wrapped_key, body, {_META}")
            key = record_key_for(self._data_key(owner), row[0], info.id, owner)
            exported.append((info, _open(key, "body", info.id, owner, RecordMeta(*row[2:]),
                                         row[1])))

        def write() -> None:
            with self._db.atomic():
                for info, _ in exported:
                    audit.record(self._db, owner, "export", info.id)

        self._write(write)
        return exported

    @property
    def followups(self) -> "FollowUps":
        """Follow-ups from saved records (storage.followups)."""
        from storage.followups import FollowUps

        return FollowUps(self)

    @property
    def reminders(self) -> "ReminderIndex":
        """Who is due a reminder when (pseudonym and UTC time only; storage.reminder_index)."""
        from storage.reminder_index import ReminderIndex

        return ReminderIndex(self)

    @property
    def supervision(self) -> "Supervision":
        """Invitations, links, comment threads and the supervision log (storage.supervision)."""
        from storage.supervision import Supervision

        return Supervision(self)

    # settings and sessions ------------------------------------------------------------

    def save_settings(self, owner: str, settings: dict[str, Any]) -> None:
        """Store the owner's settings as encrypted JSON."""
        key = self._data_key(owner)
        self._write(
            lambda: self._atomic(lambda: sessions.save_settings(self._db, key, owner, settings))
        )

    def load_settings(self, owner: str) -> dict[str, Any]:
        """The owner's settings, or {}."""
        with self._lock:
            return sessions.load_settings(self._db, self._data_key(owner), owner)

    def save_session(self, owner: str, snapshot: bytes, expires_at: float) -> None:
        """Store (replace) the owner's encrypted in-flight conversation snapshot."""
        key = self._data_key(owner)
        self._write(
            lambda: self._atomic(
                lambda: sessions.save_session(self._db, key, owner, snapshot, expires_at)
            )
        )

    def load_session(self, owner: str, now: float | None = None) -> bytes | None:
        """The owner's snapshot, or None if missing or expired (an expired one is deleted)."""
        with self._lock:
            found = sessions.read_session(self._db, owner)
        if found is None:
            return None
        if found[1] <= (time.time() if now is None else now):
            self.drop_session(owner)
            return None
        return sessions.open_session(self._data_key(owner), owner, found[0])

    def drop_session(self, owner: str) -> None:
        """Delete the owner's snapshot, if any, and at once every older copy of it.

        A snapshot holds raw answers. Its row is zeroed in the file (secure_delete), and
        the checkpoint moves the zeroed pages into the database and truncates the WAL,
        where every earlier version of the snapshot still sat.
        """
        self._write(lambda: self._atomic(lambda: sessions.drop_session(self._db, owner)))
        self._checkpoint()

    def purge_expired_sessions(self, now: float | None = None) -> int:
        """Delete every expired snapshot (and their older copies in the WAL); how many."""
        moment = time.time() if now is None else now
        count = self._write(lambda: self._atomic(lambda: sessions.purge_expired(self._db, moment)))
        if count:
            self._checkpoint()
        return count

    def settle(self) -> bool:
        """Checkpoint and truncate the WAL if anything was written since the last time.

        A running bot calls this every second or so: the WAL then never holds more than
        about a second of history, so a snapshot superseded or deleted is gone from every
        file within that time, and an idle bot's -wal file is empty. True if settled.
        """
        if not self._unsettled:
            return True
        return self._checkpoint()

    def audit_entries(self, owner: str | None = None) -> list[AuditEntry]:
        """Audit rows (oldest first), all or those where `owner` is actor or counterpart."""
        with self._lock:
            return audit.entries(self._db, owner)

    # internals ------------------------------------------------------------------------

    def _upgrade_legacy_records(self) -> int:
        """Re-seal records written before 0.2 (unpadded, metadata not bound), once.

        The record keys (and so every supervisor's wrapped copy) stay the same; only the
        title and body are sealed again, padded and bound to their row's metadata. The
        database then records format 2, after which a legacy field can only be a replay
        (say, from an old backup, with its date edited) and is refused, never upgraded.
        """
        with self._lock:
            done = self._db.execute(
                "SELECT 1 FROM meta WHERE name = 'record_format' AND value = x'32'"
            ).fetchone()
            if done:
                return 0
            rows = self._db.execute(
                f"SELECT id, owner, wrapped_key, title, body, {_META} FROM reflections "  # noqa: S608
                "WHERE substr(title, 1, 1) = x'01' OR substr(body, 1, 1) = x'01'"
            ).fetchall()
        updates = []
        for rid, owner, wrapped, title, body, *meta_row in rows:
            meta = RecordMeta(*meta_row)
            key = record_key_for(self._data_key(owner), wrapped, rid, owner)
            fields = {name: seal_field(key, name, rid, owner, meta,
                                       open_field(key, name, rid, owner, meta, sealed))
                      for name, sealed in (("title", title), ("body", body))}
            updates.append((fields["title"], fields["body"], rid))

        def write() -> None:
            self._db.conn.executemany(
                "UPDATE reflections SET title = ?, body = ? WHERE id = ?", updates)
            self._db["meta"].upsert({"name": "record_format", "value": b"2"}, pk="name")

        self._write(write)
        if updates:
            self._checkpoint()
            log.info("records_upgraded count=%d", len(updates))
        return len(updates)

    def _data_key(self, owner: str) -> bytes:
        with self._lock:
            row = self._db.execute(
                "SELECT wrapped_key FROM practitioners WHERE id = ?", [owner]
            ).fetchone()
            if row is None:
                raise UnknownPractitioner()
            try:
                return unwrap_key(self._kek, row[0], data_key_aad(owner))
            except TamperedError:
                self._ensure_key_current()  # a rotation explains it better than tampering
                raise

    def _ensure_key_current(self) -> None:
        """Refuse to go on under a master key that a rotation has replaced (and destroyed)."""
        if current_key_check(self._db) != self._key_check:
            log.error("master_key_changed: this process refuses to write; restart it")
            raise KeyChangedError()

    def _fetch_owned(self, owner: str, record_id: str, columns: str) -> tuple[Any, ...]:
        with self._lock:
            row = self._db.execute(
                f"SELECT {columns} FROM reflections WHERE id = ? AND owner = ?",  # noqa: S608
                [record_id, owner],
            ).fetchone()
        if row is None:
            raise NotAuthorised()
        return tuple(row)

    def _audited(
        self, actor: str, action: str, target: str, counterpart: str | None = None
    ) -> None:
        with self._db.atomic():
            audit.record(self._db, actor, action, target, counterpart)

    def _atomic(self, action: Callable[[], T]) -> T:
        with self._db.atomic():
            return action()

    def _write(self, action: Callable[[], T]) -> T:
        """One write transaction, begun IMMEDIATE and checked against a rotated key.

        The key check is read inside the transaction that writes, so a rotation cannot slip
        in between the check and the write: either it committed first (and this refuses,
        KeyChangedError) or it waits for this write, which it then re-wraps.
        """

        def guarded() -> T:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._ensure_key_current()
                result = action()
                self._db.execute("COMMIT")
            except BaseException:
                self._db.conn.rollback()
                raise
            return result

        with self._lock:
            result = with_retries(self._retry, guarded)
            self._unsettled = True
            return result

    def _checkpoint(self) -> bool:
        with self._lock:
            done = checkpoint(self._db)
            self._unsettled = not done
            return done
