"""Callback data: at most 64 bytes, no content, and enough to refuse a stale press.

An answer button carries a position token (a short hash of flow, question, depth and
review stage, never of an answer) and the choice's index. A press is honoured only if
the conversation is still at that position, so a double tap, an old message's button or a
forged press gets a polite "already answered" instead of becoming an answer. The token
does not depend on the process, so a button shown before a restart still works after it.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from bot.conversation import Conversation

MAX_DATA = 64
ANSWER, JURISDICTION, FORGET, CLEANUP, OPEN = "a", "j", "f", "d", "r"
KINDS = (ANSWER, JURISDICTION, FORGET, CLEANUP, OPEN)
PATTERN = re.compile(r"([ajfdr]):([0-9a-f]{1,16}):(0|[1-9][0-9]{0,2})")


@dataclass(frozen=True)
class Press:
    """A decoded button press: its kind, a token (position or offer) and an index."""

    kind: str
    token: str
    index: int


def encode(kind: str, token: str, index: int) -> str:
    data = f"{kind}:{token}:{index}"
    assert len(data.encode()) <= MAX_DATA, "callback data over Telegram's 64 bytes"
    return data


def decode(data: str | None) -> Press | None:
    """The press, or None for anything this bot did not make."""
    found = PATTERN.fullmatch(data or "")
    if found is None:
        return None
    return Press(found[1], found[2], int(found[3]))


def position(conversation: Conversation) -> str:
    """Where the conversation is, as 8 hex digits; changes with every step."""
    session = conversation.session
    where = (f"{session.flow.id}|{session.state}|{len(session.history)}|"
             f"{conversation.stage}|{conversation.editing or ''}")
    return hashlib.blake2s(where.encode(), digest_size=4).hexdigest()


def answer_buttons(token: str, count: int) -> list[str]:
    return [encode(ANSWER, token, index) for index in range(count)]
