"""Who has the store open: a shared lock for every user, an exclusive one for key rotation.

Rotating the master key under a running process is what destroys data: the process keeps
the old key in memory and wraps new data keys under it after the rotation deleted it. So
every process that opens the store holds a *shared* ``flock`` on ``<db>.lock`` for as long
as it is open, and rotation takes it *exclusively* without waiting: if anyone has the store
open, rotation is refused and names them.

To name them, each holder also keeps a small file ``<db>.users/<pid>-<random>`` saying
what it is ("schtum run"), itself exclusively locked while the holder lives. A holder killed
with SIGKILL releases both locks with its process; its leftover file is recognised as stale
(its lock can be taken) and removed. The files hold a process id and a command name only.

``flock`` locks belong to an open file description, so two opens in one process conflict
just as two processes do (tests rely on this). They do not work across NFS: keep the data
folder on a local disk (the running bot's key-check guard in storage.store is the second
line of defence).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from storage.errors import StoreBusyError, StoreError
from storage.files import PRIVATE_FILE_MODE, make_private_dir


def lock_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".lock")


def users_dir(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".users")


@dataclass
class Holder:
    """A live process that has the store open."""

    pid: int
    role: str

    def describe(self) -> str:
        return f"{self.role} (process {self.pid})"


class StoreLock:
    """One hold on the store: shared for ordinary use, exclusive for rotation."""

    def __init__(self, lock_fd: int, user_fd: int | None, user_file: Path | None) -> None:
        self._lock_fd: int | None = lock_fd
        self._user_fd = user_fd
        self._user_file = user_file

    @classmethod
    def shared(cls, db_path: Path, role: str) -> StoreLock:
        """Hold the store open as `role`; StoreBusyError while a rotation is running."""
        fd = _open_lock(db_path)
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise StoreBusyError(
                "The master key is being rotated right now: wait for `schtum rotate-key` to "
                "finish, then start again."
            ) from None
        try:
            user_fd, user_file = _register(db_path, role)
        except OSError:
            user_fd, user_file = None, None  # naming holders is a courtesy; the lock is not
        return cls(fd, user_fd, user_file)

    @classmethod
    def exclusive(cls, db_path: Path) -> StoreLock:
        """Hold the store alone; StoreBusyError naming whoever has it open otherwise."""
        fd = _open_lock(db_path)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            holders = live_holders(db_path)
            named = ", ".join(h.describe() for h in holders) or "another Schtum process"
            raise StoreBusyError(
                f"{named} has the store open, so the key was not rotated (rotating under a "
                "running process would make its new records unreadable): stop it, then run "
                "`schtum rotate-key` again."
            ) from None
        return cls(fd, None, None)

    def release(self) -> None:
        """Let go (idempotent); the OS does the same if the process dies."""
        if self._user_file is not None:
            with contextlib.suppress(OSError):
                self._user_file.unlink()
            with contextlib.suppress(OSError):
                self._user_file.parent.rmdir()  # only succeeds when empty: tidy when idle
            self._user_file = None
        if self._user_fd is not None:
            os.close(self._user_fd)
            self._user_fd = None
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None

    def __enter__(self) -> StoreLock:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def live_holders(db_path: Path) -> list[Holder]:
    """The processes that have the store open; stale entries (killed holders) are removed."""
    folder = users_dir(db_path)
    try:
        entries = sorted(folder.iterdir())
    except OSError:
        return []
    holders = []
    for entry in entries:
        try:
            fd = os.open(entry, os.O_RDONLY)
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holders.append(_read_holder(fd, entry))
        else:
            with contextlib.suppress(OSError):
                entry.unlink()
        finally:
            os.close(fd)
    return holders


def _open_lock(db_path: Path) -> int:
    make_private_dir(db_path.parent)
    try:
        return os.open(lock_path(db_path), os.O_RDWR | os.O_CREAT, PRIVATE_FILE_MODE)
    except OSError as exc:
        raise StoreError(
            f"Cannot create the lock file beside {db_path} ({exc.strerror or 'I/O error'}): "
            "check the data folder is writable."
        ) from None


def _register(db_path: Path, role: str) -> tuple[int, Path]:
    folder = users_dir(db_path)
    path = folder / f"{os.getpid()}-{secrets.token_hex(4)}"
    for attempt in (1, 2):  # another holder may remove the empty folder as we create it
        make_private_dir(folder)
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
            break
        except FileNotFoundError:
            if attempt == 2:
                raise
    fcntl.flock(fd, fcntl.LOCK_EX)
    os.write(fd, f"{os.getpid()}\n{role}\n".encode())
    return fd, path


def _read_holder(fd: int, entry: Path) -> Holder:
    try:
        pid_text, role = os.read(fd, 256).decode("utf-8", "replace").split("\n")[:2]
        return Holder(int(pid_text), role.strip() or "a Schtum process")
    except (OSError, ValueError):
        pid = entry.name.split("-")[0]
        return Holder(int(pid) if pid.isascii() and pid.isdigit() else 0, "a Schtum process")
