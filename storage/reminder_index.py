"""The reminder index: who is due next, when, as a pseudonym and a UTC minute.

A practitioner's schedule (kind, time, zone, pause, what was last sent) and where to
send it (their chat id) live in their encrypted settings. The scheduler needs only
"whom to look at, and when", so that is all this table holds: a restart rebuilds the
timetable with one indexed query, decrypting nothing, and a stolen database shows only
that some pseudonym expects something at some minute. The settings and the index row are
always written in one transaction, so they never disagree after a crash.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from storage import sessions

if TYPE_CHECKING:
    from storage.store import Store


class ReminderIndex:
    """The index side of one open Store (get it as ``store.reminders``)."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._db = store._db  # noqa: SLF001 - one database, one package
        self._lock = store._lock  # noqa: SLF001

    def save(self, owner: str, settings: dict[str, Any], due_at: int | None) -> None:
        """Write the owner's settings and their next due time (None: nothing due) together."""
        key = self._store._data_key(owner)  # noqa: SLF001

        def write() -> None:
            with self._db.atomic():
                sessions.save_settings(self._db, key, owner, settings)
                if due_at is None:
                    self._db.execute("DELETE FROM reminders WHERE owner = ?", [owner])
                else:
                    self._db.execute(
                        "INSERT INTO reminders (owner, due_at) VALUES (?, ?) "
                        "ON CONFLICT(owner) DO UPDATE SET due_at = excluded.due_at",
                        [owner, int(due_at)])

        self._store._write(write)  # noqa: SLF001

    def due(self, now: int, limit: int = 500) -> list[tuple[str, int]]:
        """(owner, due UTC second) for everything due by `now`, earliest first."""
        with self._lock:
            rows = self._db.execute(
                "SELECT owner, due_at FROM reminders WHERE due_at <= ? ORDER BY due_at "
                "LIMIT ?", [int(now), limit]).fetchall()
        return [(str(owner), int(at)) for owner, at in rows]

    def next_due(self) -> int | None:
        with self._lock:
            row = self._db.execute("SELECT min(due_at) FROM reminders").fetchone()
        return None if row is None or row[0] is None else int(row[0])

    def due_at(self, owner: str) -> int | None:
        with self._lock:
            row = self._db.execute("SELECT due_at FROM reminders WHERE owner = ?",
                                   [owner]).fetchone()
        return None if row is None else int(row[0])

    def count(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT count(*) FROM reminders").fetchone()[0])
