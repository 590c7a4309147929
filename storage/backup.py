"""Backups and restores of the encrypted database, never of its key.

A backup is ``VACUUM INTO`` a new owner-only file, run through a connection that carries
Schtum's privacy pragmas: it is a consistent snapshot even while `schtum run` writes, and
unlike SQLite's page-copying backup API it leaves out freed pages, so rows already deleted
(a ``/forget``) are not carried into the copy. The copy is written under a temporary name,
checked (integrity, schema, the key check) and only then linked into place, so DEST is
complete or absent. The master key is never part of it: a backup is ciphertext that only
the key of the day can open, which is why rotating the key retires old backups.

A restore copies a backup into an *empty* data folder, after checking that the current
master key opens it; nothing existing is ever overwritten.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlite_utils import Database

from storage.connection import RetryPolicy, connect
from storage.database import check_key
from storage.errors import StoreError, WrongKeyError
from storage.files import create_private_file, make_private_dir, sync_dir
from storage.lock import StoreLock, lock_path, users_dir
from storage.migrations import LATEST_VERSION, schema_version
from storage.stats import count_rows
from storage.vault import derive_kek

BACKUP_ROLE = "schtum backup"
ROTATED_SINCE = (
    "The current master key does not open this backup: it was taken before the key was "
    "rotated (or under another installation's key), and only the key of that day can open "
    "it, which rotation destroyed on purpose (that is how /forget reaches old backups). "
    "Nothing was restored; restore a backup taken since the last rotation."
)


@dataclass(frozen=True)
class BackupInfo:
    """What an operator needs to know about a copy: where, how big, what it holds."""

    path: Path
    size: int
    schema: int
    counts: dict[str, int]


def backup_name(now: datetime | None = None) -> str:
    """A sortable file name for a backup written into a folder (UTC, to the second)."""
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%d-%H%M%SZ")
    return f"schtum-{stamp}.db"


def backup(db_path: Path, dest: Path, master_key: bytes,
           policy: RetryPolicy | None = None) -> BackupInfo:
    """Copy the live database to `dest` (a new file, or a new file inside a folder).

    Takes a shared hold on the store (it may run beside `schtum run`, never during a key
    rotation) and checks that `master_key` opens the database before copying, so every
    backup is known to match the key the operator has backed up.
    """
    policy = policy or RetryPolicy()
    if not db_path.is_file():
        raise StoreError(f"No database at {db_path}: check the configured data folder.")
    target = dest / backup_name() if dest.is_dir() else dest
    if target.exists():
        raise StoreError(f"{target} already exists: Schtum never overwrites a backup; choose a "
                         "new name (or give a folder and Schtum names the file).")
    if not target.parent.is_dir():
        raise StoreError(f"The folder {target.parent} does not exist: create it (owner-only, "
                         "mode 0700) or choose another destination.")
    with StoreLock.shared(db_path, BACKUP_ROLE):
        db = connect(db_path, policy)
        try:
            check_key(db, derive_kek(master_key))
            with _temporary_beside(target) as temporary:
                _vacuum_into(db, temporary)
                info = verify(temporary, master_key, policy)
                _publish(temporary, target)
        finally:
            db.close()
    return BackupInfo(target, info.size, info.schema, info.counts)


def restore(source: Path, db_path: Path, master_key: bytes,
            policy: RetryPolicy | None = None) -> BackupInfo:
    """Copy backup `source` into the empty data folder of `db_path`, if the key opens it."""
    policy = policy or RetryPolicy()
    if not source.is_file():
        raise StoreError(f"No backup at {source}: check the path.")
    folder = db_path.parent
    _require_empty(folder, db_path)
    make_private_dir(folder)
    with StoreLock.exclusive(db_path):
        _require_empty(folder, db_path)
        with _temporary_beside(db_path) as temporary:
            _copy(source, temporary)
            info = verify(temporary, master_key, policy)
            _publish(temporary, db_path)
    return BackupInfo(db_path, info.size, info.schema, info.counts)


def verify(path: Path, master_key: bytes, policy: RetryPolicy | None = None) -> BackupInfo:
    """Check a single-file copy: SQLite integrity, a schema this version reads, the key.

    WrongKeyError is turned into the sentence an operator needs after a rotation. The copy
    is opened in rollback-journal mode, so checking it leaves no companion files behind.
    """
    db = connect(path, policy or RetryPolicy())
    try:
        try:
            db.execute("PRAGMA journal_mode=DELETE")
            result = db.execute("PRAGMA integrity_check").fetchone()[0]
        except sqlite3.DatabaseError:
            raise StoreError(f"{path} is not a Schtum backup (or is damaged): nothing was "
                             "restored.") from None
        if result != "ok":
            raise StoreError(f"{path} failed SQLite's integrity check: it is damaged; use "
                             "another backup.")
        schema = schema_version(db)
        if not 1 <= schema <= LATEST_VERSION:
            raise StoreError(f"{path} is not a Schtum database this version can read (schema "
                             f"{schema}, this Schtum reads 1 to {LATEST_VERSION}).")
        try:
            check_key(db, derive_kek(master_key))
        except WrongKeyError:
            raise WrongKeyError(ROTATED_SINCE) from None
        counts = count_rows(db)
    finally:
        db.close()
    return BackupInfo(path, path.stat().st_size, schema, counts)


def _vacuum_into(db: Database, target: Path) -> None:
    """A transactionally consistent, compacted copy (rollback-journal mode, no freed pages)."""
    try:
        db.execute("VACUUM INTO ?", [str(target)])
    except sqlite3.OperationalError as exc:
        raise StoreError(f"The backup could not be written to {target.parent} "
                         f"({exc}): check the free space and that the folder is writable.") \
            from None


def _copy(source: Path, target: Path) -> None:
    """Copy bytes into the already-created owner-only `target`, durably."""
    with source.open("rb") as reader, target.open("r+b") as writer:
        shutil.copyfileobj(reader, writer)
        writer.flush()
        os.fsync(writer.fileno())


@contextlib.contextmanager
def _temporary_beside(target: Path) -> Iterator[Path]:
    """An empty owner-only file next to `target`, removed afterwards whatever happens."""
    temporary = target.with_name(f".{target.name}.{secrets.token_hex(6)}.tmp")
    try:
        create_private_file(temporary)
    except OSError as exc:
        raise StoreError(f"Cannot write in {target.parent} ({exc.strerror or 'I/O error'}): "
                         "check the folder is writable.") from None
    try:
        yield temporary
    finally:
        for suffix in ("", "-journal", "-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                temporary.with_name(temporary.name + suffix).unlink()


def _publish(temporary: Path, target: Path) -> None:
    """Make the checked copy appear under its name, whole; refuses to replace a file."""
    with temporary.open("rb") as handle:
        os.fsync(handle.fileno())
    try:
        os.link(temporary, target)
    except FileExistsError:
        raise StoreError(f"{target} appeared while the copy was made: nothing was "
                         "overwritten; choose another name.") from None
    sync_dir(target.parent)


def _require_empty(folder: Path, db_path: Path) -> None:
    """Restore never overwrites: only the store's own lock files may already be there."""
    if not folder.exists():
        return
    own = {lock_path(db_path).name, users_dir(db_path).name}
    present = sorted(p.name for p in folder.iterdir() if p.name not in own)
    if present:
        raise StoreError(
            f"The data folder {folder} is not empty ({len(present)} item(s), e.g. "
            f"{present[0]}): restore only goes into an empty folder, so nothing current is "
            "overwritten; move the folder aside (or point data_dir at a new one) first.")
