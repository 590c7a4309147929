"""Owner-only folders and files: Schtum's data must not be readable by other local users.

Only what Schtum creates is tightened: an existing parent such as ``/tmp`` or ``~`` is left
alone. SQLite gives its ``-wal``, ``-shm`` and ``-journal`` files the mode of the database
file, so creating the database 0600 first keeps its companions 0600 without touching the
process-wide umask (which would race with other threads).
"""

import contextlib
import os
import secrets
from pathlib import Path

PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600
SQLITE_SUFFIXES = ("", "-wal", "-shm", "-journal")


def make_private_dir(path: Path) -> None:
    """Create `path` (and missing parents) as 0700; tighten only folders created here."""
    missing = []
    current = path
    while not current.exists():
        missing.append(current)
        current = current.parent
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=PRIVATE_DIR_MODE)
        except FileExistsError:
            continue
        folder.chmod(PRIVATE_DIR_MODE)


def create_private_file(path: Path) -> bool:
    """Create an empty 0600 file unless one exists; True if this call created it."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
    except FileExistsError:
        return False
    os.fchmod(fd, PRIVATE_FILE_MODE)
    os.close(fd)
    return True


def write_private_file(path: Path, data: bytes) -> None:
    """Write a new 0600 file durably; FileExistsError if it exists (never overwrites)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
    try:
        os.fchmod(fd, PRIVATE_FILE_MODE)
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)


def write_private_file_atomically(path: Path, data: bytes) -> None:
    """Like write_private_file, but `path` appears only complete and durable, or not at all.

    The bytes go to a private temporary file in the same folder, are fsynced, and are then
    hard-linked into place (which, unlike rename, refuses to replace an existing file), so
    a full disk or a crash never leaves an empty or half-written key behind, and several
    processes creating the same file at once all end up reading the one that won.
    """
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    try:
        write_private_file(temporary, data)
        os.link(temporary, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
    sync_dir(path.parent)


def tighten_sqlite_files(db_path: Path) -> None:
    """Make an existing database and its companion files owner-only (older installs)."""
    for suffix in SQLITE_SUFFIXES:
        candidate = db_path.with_name(db_path.name + suffix)
        if candidate.exists() and candidate.stat().st_mode & 0o077:
            candidate.chmod(PRIVATE_FILE_MODE)


def sync_dir(path: Path) -> None:
    """fsync a folder so a rename or creation inside it survives a crash."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
