"""Row counts for operators (start-up log line, doctor, backups): numbers, never content."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlite_utils import Database

from storage.connection import RetryPolicy, connect

COUNTED = ("practitioners", "reflections", "shares", "sessions")


def count_rows(db: Database) -> dict[str, int]:
    """How many practitioners, reflections, shares and in-flight sessions a database holds."""
    present = set(db.table_names())
    return {table: int(db.execute(f"SELECT count(*) FROM [{table}]").fetchone()[0])  # noqa: S608
            for table in COUNTED if table in present}


def counts_at(db_path: Path) -> dict[str, int]:
    """Counts for the database at `db_path` (empty when there is none yet); reads only."""
    if not db_path.is_file():
        return {}
    db = connect(db_path, RetryPolicy())
    try:
        return count_rows(db)
    except sqlite3.DatabaseError:  # not Schtum's, or damaged: opening it will say which
        return {}
    finally:
        db.close()
