"""Button data for supervision and records: `v:<action>:<record id or 0>:<index>`.

No content ever: an action letter, a record's random id (meaningless outside this store)
and a small index into a list the presser sees (their supervisors, in link order). A press
is always re-checked against the presser's own rights in the store, so a button that was
forwarded, forged or left over after unsharing does nothing but say so politely.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_DATA = 64
OPEN_SHARED, VIEW, COMMENT, SEND, CANCEL = "i", "v", "c", "y", "x"
SHARE, SHARE_TO, UNSHARE, DELETE, DELETE_CONFIRM = "s", "t", "u", "d", "e"
UNLINK, PACK, REWRITE = "l", "p", "w"
PATTERN = re.compile(r"v:([a-z]):(0|[0-9a-f]{32}):(0|[1-9][0-9]{0,2})")


@dataclass(frozen=True)
class Press:
    action: str
    record: str | None
    index: int


def encode(action: str, record: str | None = None, index: int = 0) -> str:
    data = f"v:{action}:{record or '0'}:{index}"
    assert len(data.encode()) <= MAX_DATA, "callback data over Telegram's 64 bytes"
    return data


def decode(data: str | None) -> Press | None:
    """The press, or None for anything this module did not make."""
    found = PATTERN.fullmatch(data or "")
    if found is None:
        return None
    record = None if found[2] == "0" else found[2]
    return Press(found[1], record, int(found[3]))
