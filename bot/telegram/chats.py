"""Per-chat state held in memory: the lock, the live keyboard, the tracked message ids.

Nothing here is content: message ids, dates, a choice list copied from the flow, and flags.
It is kept out of PTB's user_data/chat_data so no persistence could ever write it out. The
tracked ids (and a pending clean-up offer) are also kept encrypted by `cleanup.py`, so a
restart does not forget which messages to delete.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

CONSUMED = -1


@dataclass(slots=True)
class Shown:
    """The message that carries the current question's keyboard."""

    message_id: int
    html: str
    choices: tuple[str, ...]
    token: str


@dataclass(slots=True)
class ChatState:
    """One practitioner's private chat with the bot (`who` is their pseudonym)."""

    chat_id: int
    who: str = ""
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    keyboard: Shown | None = None
    tracked: list[tuple[int, float]] = field(default_factory=list)
    live: dict[str, int] = field(default_factory=dict)
    listed: list[str] = field(default_factory=list)
    told_about_edits: bool = False
    restored: bool = False  # tracked ids and a pending offer reloaded after a restart
    wanted: str | None = None  # the flow asked for before onboarding, started right after
    draft: object | None = None  # a comment being written (bot.telegram.commenting), memory only

    def track(self, message_id: int, date: float) -> None:
        """Remember a message of this conversation so it can be deleted later."""
        self.tracked.append((message_id, date))

    def accept(self, kind: str, message_id: int, *, strict: bool = True) -> bool:
        """Is a press of a `kind` button on this message still live? Consumes it if so.

        `strict=False` also accepts a press this process never offered (a button shown
        before a restart), for harmless, idempotent choices such as the jurisdiction.
        """
        current = self.live.get(kind)
        if current == message_id or (not strict and current is None):
            self.live[kind] = CONSUMED
            return True
        return False


class Chats:
    """ChatState by pseudonym; created on first contact, never written anywhere."""

    def __init__(self) -> None:
        self._states: dict[str, ChatState] = {}

    def get(self, who: str, chat_id: int) -> ChatState:
        state = self._states.get(who)
        if state is None or state.chat_id != chat_id:
            state = self._states[who] = ChatState(chat_id, who)
        return state

    def find(self, who: str) -> ChatState | None:
        return self._states.get(who)

    def forget(self, who: str) -> None:
        self._states.pop(who, None)

    def __len__(self) -> int:
        return len(self._states)
