"""Process hardening for the commands that hold plaintext in memory (`chat`, `run`).

Raw answers live in this process's memory while a conversation runs; a core dump would
write them to disk in the clear. So core files are switched off (RLIMIT_CORE 0, soft and
hard) and, on Linux, the process is marked not dumpable, which also stops other processes
of the same user from attaching a debugger and reading its memory.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import resource
import sys

log = logging.getLogger("schtum")
PR_SET_DUMPABLE, PR_GET_DUMPABLE = 4, 3


def harden() -> None:
    """No core dumps, not dumpable; best effort where the platform lacks a call."""
    try:
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    except (ValueError, OSError):
        log.warning("core_limit_not_set")
    if sys.platform.startswith("linux"):
        _prctl(PR_SET_DUMPABLE, 0)


def dumpable() -> int | None:
    """The process's dumpable flag (Linux), for checks; None where it cannot be read."""
    return _prctl(PR_GET_DUMPABLE, 0) if sys.platform.startswith("linux") else None


def _prctl(option: int, value: int) -> int | None:
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name or "libc.so.6", use_errno=True)
        result = int(libc.prctl(option, value, 0, 0, 0))
    except (OSError, AttributeError):
        log.warning("prctl_unavailable")
        return None
    return None if result < 0 else result
