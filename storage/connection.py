"""SQLite connections with Schtum's privacy pragmas, and writes that survive a busy database.

Every connection gets ``secure_delete=ON`` (deleted rows are zeroed, not left in free
pages), ``temp_store=MEMORY`` (no temporary files holding content) and foreign keys; the
pragmas are per connection, so nothing may open the database any other way.
"""

import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from sqlite_utils import Database

from storage.errors import StoreError

T = TypeVar("T")
_PRAGMAS = ("PRAGMA secure_delete=ON", "PRAGMA temp_store=MEMORY", "PRAGMA foreign_keys=ON")
_BUSY = ("locked", "busy")
_FULL = ("full", "disk i/o", "readonly")


@dataclass(frozen=True)
class RetryPolicy:
    """How long a write waits for a busy database: SQLite's busy wait, then backoff."""

    attempts: int = 8
    busy_timeout: float = 0.25
    first_delay: float = 0.05
    max_delay: float = 1.0


def connect(db_path: Path, policy: RetryPolicy) -> Database:
    """Open `db_path` with the privacy pragmas; reads nothing and writes nothing."""
    try:
        conn = sqlite3.connect(str(db_path), timeout=policy.busy_timeout, check_same_thread=False)
    except sqlite3.Error as exc:
        raise StoreError(f"Cannot open the database at {db_path}: check the path.") from exc
    db = Database(conn, execute_plugins=False)
    for pragma in _PRAGMAS:
        db.execute(pragma)
    return db


def pragma_value(db: Database, name: str) -> int | str:
    """Read back one pragma (used by tests and by open to verify the settings took)."""
    return db.execute(f"PRAGMA {name}").fetchone()[0]


def with_retries(policy: RetryPolicy, action: Callable[[], T]) -> T:
    """Run a write transaction, retrying "database is locked" with backoff; else StoreError.

    `action` must be one whole transaction (e.g. a ``db.atomic()`` block), so a retry never
    repeats half of one and a failure leaves nothing behind.
    """
    delay = policy.first_delay
    for attempt in range(1, policy.attempts + 1):
        try:
            return action()
        except sqlite3.OperationalError as exc:
            reason = str(exc).lower()
            if any(word in reason for word in _FULL):
                raise StoreError(
                    "The disk is full or not writable, so nothing was saved: free some space "
                    "and try again."
                ) from exc
            if not any(word in reason for word in _BUSY) or attempt == policy.attempts:
                raise StoreError() from exc
            time.sleep(delay)
            delay = min(delay * 2, policy.max_delay)
        except sqlite3.DatabaseError as exc:
            raise StoreError(
                "The database refused the change, so nothing was saved: please try again, "
                "and report it if it keeps happening."
            ) from exc
    raise StoreError()  # pragma: no cover - the loop always returns or raises


def checkpoint(db: Database) -> bool:
    """Fold the WAL into the database and truncate it, so old pages leave the -wal file.

    True when it completed; False if a reader elsewhere kept frames alive (try again).
    """
    try:
        row = db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    except sqlite3.OperationalError:
        return False
    return row is None or row[0] == 0
