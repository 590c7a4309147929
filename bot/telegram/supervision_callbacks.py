"""Button data for supervision and records: `v:<action>:<record id or 0>:<index>`.

No content ever: an action letter, a record's random id (meaningless outside this store)
and either a small number or a person's tag. A button that names a person (share with,
stop sharing with, comment to, unlink, a supervisee's pack) carries a short hash of that
person's pseudonym, never a position in a list: a list changes when someone unlinks, and
a position would then name somebody else. A press is always re-checked against the
presser's own rights in the store, so a button that was forwarded, forged or left over
after unsharing does nothing but say so politely.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TypeVar

MAX_DATA = 64
OPEN_SHARED, VIEW, COMMENT, SEND, CANCEL = "i", "v", "c", "y", "x"
SHARE, SHARE_TO, UNSHARE, DELETE, DELETE_CONFIRM = "s", "t", "u", "d", "e"
UNLINK, PACK, REWRITE = "l", "p", "w"
PATTERN = re.compile(r"v:([a-z]):(0|[0-9a-f]{32}):(0|[1-9][0-9]{0,2}|t[0-9a-f]{8})")
T = TypeVar("T")


@dataclass(frozen=True)
class Press:
    action: str
    record: str | None
    index: int
    tag: str | None = None


def tag(pseudonym: str) -> str:
    """A person as a button names them: 8 hex digits of a hash of their pseudonym."""
    return "t" + hashlib.blake2s(pseudonym.encode(), digest_size=4).hexdigest()


def named(press: Press, people: Iterable[T], pseudonym: Callable[[T], str]) -> T | None:
    """The one person the button names, among those the presser may choose now; None if
    that person is no longer among them (unlinked since) or the tag is ambiguous."""
    found = [p for p in people if press.tag is not None and tag(pseudonym(p)) == press.tag]
    return found[0] if len(found) == 1 else None


def encode(action: str, record: str | None = None, index: int | str = 0) -> str:
    data = f"v:{action}:{record or '0'}:{index}"
    assert len(data.encode()) <= MAX_DATA, "callback data over Telegram's 64 bytes"
    return data


def decode(data: str | None) -> Press | None:
    """The press, or None for anything this module did not make."""
    found = PATTERN.fullmatch(data or "")
    if found is None:
        return None
    record = None if found[2] == "0" else found[2]
    if found[3].startswith("t"):
        return Press(found[1], record, 0, found[3])
    return Press(found[1], record, int(found[3]))
