"""Opening a Schtum database: owner-only files, key check, wrapped pepper, migrations.

The key-check value (a constant sealed under the key-encryption key) lets a wrong master
key be detected before anything is written: for an existing database the only statements
run before the check are pragmas that do not write and plain reads.
"""

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from sqlite_utils import Database

from storage.audit import utc_now
from storage.connection import RetryPolicy, connect, with_retries
from storage.errors import KeyFileError, StoreError, TamperedError, WrongKeyError
from storage.files import create_private_file, make_private_dir, tighten_sqlite_files
from storage.migrations import migrate, schema_version
from storage.vault import (
    KEY_SIZE,
    aad,
    derive_kek,
    new_key,
    open_sealed,
    seal,
    unwrap_key,
    wrap_key,
)

KEY_CHECK_PLAINTEXT = b"schtum key check v1"
KEY_CHECK_AAD = aad("key-check")
PEPPER_AAD = aad("pepper")


@dataclass(frozen=True)
class Opened:
    """An open, migrated database and the secrets unlocked by the master key."""

    db: Database
    kek: bytes
    pepper_secret: bytes
    key_check: bytes


def data_key_aad(owner: str) -> bytes:
    """Associated data for a practitioner's data key wrapped under the KEK."""
    return aad("data-key", owner)


def open_database(db_path: Path, master_key: bytes, policy: RetryPolicy) -> Opened:
    """Create (owner-only) or open `db_path`, check the key, then migrate."""
    if len(master_key) != KEY_SIZE:
        raise KeyFileError()
    kek = derive_kek(master_key)
    try:
        make_private_dir(db_path.parent)
        create_private_file(db_path)
        tighten_sqlite_files(db_path)
    except OSError as exc:
        raise _read_only(db_path) or StoreError(
            f"Cannot create the database at {db_path} ({exc.strerror or 'I/O error'}): check "
            "the data folder.") from None
    db = connect(db_path, policy)
    try:
        pepper = _prepare(db, kek, policy)
        return Opened(db, kek, pepper, current_key_check(db))
    except StoreError as problem:
        db.close()
        raise _read_only(db_path) or problem from problem.__cause__
    except BaseException:
        db.close()
        raise


def _read_only(db_path: Path) -> StoreError | None:
    """A read-only folder or file is not damage: say what it is, if that is what it is."""
    folder = db_path.parent
    if folder.is_dir() and not os.access(folder, os.W_OK):
        return StoreError(f"The data folder {folder} is read-only: Schtum needs to write "
                          "there; make it writable by this user (or point data_dir elsewhere).")
    if db_path.exists() and not os.access(db_path, os.W_OK):
        return StoreError(f"The database {db_path} is read-only: make it writable by this "
                          "user.")
    return None


def check_key(db: Database, kek: bytes) -> bytes:
    """Verify the key-check value and return the unwrapped pepper secret (reads only)."""
    rows = {r[0]: r[1] for r in db.execute("SELECT name, value FROM meta")}
    if "key_check" not in rows or "pepper" not in rows:
        raise StoreError("This database is incomplete (no key check): restore it from a backup.")
    try:
        ok = open_sealed(kek, rows["key_check"], KEY_CHECK_AAD) == KEY_CHECK_PLAINTEXT
    except TamperedError:
        ok = False
    if not ok:
        raise WrongKeyError()
    return unwrap_key(kek, rows["pepper"], PEPPER_AAD)


def current_key_check(db: Database) -> bytes:
    """The key-check value as stored now: it changes exactly when the master key is rotated."""
    row = db.execute("SELECT value FROM meta WHERE name = 'key_check'").fetchone()
    return b"" if row is None else bytes(row[0])


def write_key_check(db: Database, kek: bytes, pepper_secret: bytes) -> None:
    """(Re)write the key-check value and the wrapped pepper under `kek`."""
    db["meta"].upsert_all(
        [
            {"name": "key_check", "value": seal(kek, KEY_CHECK_PLAINTEXT, KEY_CHECK_AAD)},
            {"name": "pepper", "value": wrap_key(kek, pepper_secret, PEPPER_AAD)},
        ],
        pk="name",
    )


def _prepare(db: Database, kek: bytes, policy: RetryPolicy) -> bytes:
    try:
        fresh = _is_blank(db)
        pepper = None if fresh else check_key(db, kek)
    except sqlite3.DatabaseError as exc:
        raise StoreError(
            "The data file is not a Schtum database (or is damaged): check the configured "
            "path, or restore it from a backup."
        ) from exc
    with_retries(policy, db.enable_wal)
    if pepper is None:
        pepper = with_retries(policy, lambda: _initialise(db, kek))
        if pepper is None:  # another process initialised it first: it is theirs to check
            return check_key(db, kek)
        return pepper
    with_retries(policy, lambda: migrate(db))
    return pepper


def _is_blank(db: Database) -> bool:
    tables = db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
    if schema_version(db) == 0 and tables:
        raise StoreError(
            "The data file is another application's database, not Schtum's: check the "
            "configured path."
        )
    return tables == 0


def _initialise(db: Database, kek: bytes) -> bytes | None:
    """Create schema, key check and pepper, unless another process got there first (None).

    The blank check is repeated inside an IMMEDIATE transaction: several processes starting
    on a new folder at once all see a blank file, and only the first to take the write lock
    may initialise it; the others then open what it made.
    """
    db.execute("BEGIN IMMEDIATE")
    try:
        if not _is_blank(db):
            db.conn.rollback()
            return None
        pepper_secret = new_key()
        migrate(db)
        write_key_check(db, kek, pepper_secret)
        db["meta"].insert({"name": "created_at", "value": utc_now().encode()})
        db.execute("COMMIT")
    except BaseException:
        db.conn.rollback()
        raise
    return pepper_secret
