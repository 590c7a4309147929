"""Button data for reminders, follow-ups and CPD: `m:<action>:<token>:<number>`.

No content: an action letter, a follow-up's random id (or 0), and a number (a reminder's
occurrence as UTC seconds, or an index into buttons the presser was shown).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

START, SNOOZE, SKIP = "s", "z", "k"  # a reminder
OUTCOME, DONE, NOT_YET, STOP = "o", "d", "t", "q"  # a follow-up
KEEP, REWRITE, CANCEL = "y", "w", "x"  # an outcome shown back
CPD, MINUTES, ZONE, PRESET, NO_THANKS = "c", "m", "u", "p", "n"
PATTERN = re.compile(r"m:([a-z]):(0|[0-9a-f]{32}):(0|[1-9][0-9]{0,10})")


@dataclass(frozen=True)
class Press:
    action: str
    token: str | None
    number: int


def encode(action: str, token: str | None = None, number: int = 0) -> str:
    data = f"m:{action}:{token or '0'}:{number}"
    assert len(data.encode()) <= 64, "callback data over Telegram's 64 bytes"
    return data


def decode(data: str | None) -> Press | None:
    found = PATTERN.fullmatch(data or "")
    if found is None:
        return None
    return Press(found[1], None if found[2] == "0" else found[2], int(found[3]))
