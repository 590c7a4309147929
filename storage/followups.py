"""Follow-ups: the next step a saved reflection named, and when it is due.

A follow-up belongs to one record and its owner. What the step is (already anonymised,
as the record is) is sealed under the owner's data key; the due day stays in clear, to
the day, so the bot finds what is due without decrypting anything, and it is bound into
the associated data with the row's id, owner, record and creation time, so an edited
date or a row moved to another record fails to open rather than misleading anyone.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from storage import audit
from storage.audit import utc_minute
from storage.errors import NotAuthorised
from storage.vault import aad, open_sealed, seal_padded

if TYPE_CHECKING:
    from storage.store import Store


@dataclass(frozen=True)
class FollowUp:
    """One open follow-up, decrypted for its owner."""

    id: str
    record_id: str
    created_at: str
    due_on: date
    item: dict[str, Any]  # {"step", "who", "when", "title"}

    @property
    def step(self) -> str:
        return str(self.item.get("step", ""))


def followup_aad(fid: str, owner: str, record_id: str, created_at: str, due_on: str) -> bytes:
    return aad("followup-v1", fid, owner, record_id, created_at, due_on)


class FollowUps:
    """The follow-up side of one open Store (get it as ``store.followups``)."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._db = store._db  # noqa: SLF001 - one database, one package
        self._lock = store._lock  # noqa: SLF001

    def add(self, owner: str, record_id: str, due_on: date, item: dict[str, Any]) -> str:
        """Seal and store a follow-up of one of the owner's records (audited)."""
        self._store._fetch_owned(owner, record_id, "id")  # noqa: SLF001
        fid, created = secrets.token_hex(16), utc_minute()
        row = {"id": fid, "owner": owner, "record_id": record_id, "created_at": created,
               "due_on": due_on.isoformat(), "notified_on": None,
               "body": self._seal(owner, fid, record_id, created, due_on.isoformat(), item)}

        def write() -> None:
            with self._db.atomic():
                self._db["followups"].insert(row)
                audit.record(self._db, owner, "followup", record_id)

        self._store._write(write)  # noqa: SLF001
        return fid

    def open_items(self, owner: str) -> list[FollowUp]:
        """The owner's open follow-ups, soonest due first."""
        with self._lock:
            rows = self._db.execute(
                "SELECT id, record_id, created_at, due_on, body FROM followups WHERE owner = ? "
                "ORDER BY due_on, created_at, rowid", [owner]).fetchall()
            if not rows:
                return []
            key = self._store._data_key(owner)  # noqa: SLF001
        found = []
        for fid, rid, created, due, body in rows:
            item = json.loads(open_sealed(key, body, followup_aad(fid, owner, rid, created, due)))
            found.append(FollowUp(fid, rid, created, date.fromisoformat(due), item))
        return found

    def due(self, owner: str, today: date) -> list[FollowUp]:
        return [f for f in self.open_items(owner) if f.due_on <= today]

    def to_notify(self, due_by: date, not_since: date) -> list[tuple[str, str, str | None]]:
        """(id, owner, day last announced) due by `due_by` and not announced on or after
        `not_since`: the index alone, no decryption."""
        with self._lock:
            rows = self._db.execute(
                "SELECT id, owner, notified_on FROM followups WHERE due_on <= ? AND "
                "(notified_on IS NULL OR notified_on < ?) ORDER BY due_on, rowid",
                [due_by.isoformat(), not_since.isoformat()]).fetchall()
        return [(str(fid), str(owner), notified) for fid, owner, notified in rows]

    def mark_notified(self, fid: str, day: date) -> None:
        self._store._write(lambda: self._db.execute(  # noqa: SLF001
            "UPDATE followups SET notified_on = ? WHERE id = ?", [day.isoformat(), fid]))

    def close(self, owner: str, fid: str) -> FollowUp:
        """Close (delete) one of the owner's follow-ups (audited); NotAuthorised otherwise."""
        found = self.get(owner, fid)

        def write() -> None:
            with self._db.atomic():
                self._db.execute("DELETE FROM followups WHERE id = ? AND owner = ?", [fid, owner])
                audit.record(self._db, owner, "followup_done", found.record_id)

        self._store._write(write)  # noqa: SLF001
        self._store._checkpoint()  # noqa: SLF001
        return found

    def postpone(self, owner: str, fid: str, due_on: date) -> None:
        """Move a follow-up's due day (re-sealed, since the day is bound into its AAD)."""
        found = self.get(owner, fid)
        body = self._seal(owner, fid, found.record_id, found.created_at, due_on.isoformat(),
                          found.item)
        self._store._write(lambda: self._db.execute(  # noqa: SLF001
            "UPDATE followups SET due_on = ?, notified_on = NULL, body = ? WHERE id = ?",
            [due_on.isoformat(), body, fid]))

    def get(self, owner: str, fid: str) -> FollowUp:
        for item in self.open_items(owner):
            if item.id == fid:
                return item
        raise NotAuthorised()

    def _seal(self, owner: str, fid: str, record_id: str, created: str, due: str,
              item: dict[str, Any]) -> bytes:
        key = self._store._data_key(owner)  # noqa: SLF001
        return seal_padded(key, json.dumps(item).encode("utf-8"),
                           followup_aad(fid, owner, record_id, created, due))
