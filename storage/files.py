"""Owner-only folders and files: Schtum's data must not be readable by other local users.

Only what Schtum creates is tightened: an existing parent such as ``/tmp`` or ``~`` is left
alone. SQLite gives its ``-wal``, ``-shm`` and ``-journal`` files the mode of the database
file, so creating the database 0600 first keeps its companions 0600 without touching the
process-wide umask (which would race with other threads).
"""

import os
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
