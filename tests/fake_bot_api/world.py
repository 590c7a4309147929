"""What the fake Telegram knows: chats, messages, queued updates, callback queries, a clock.

Kept apart from HTTP so the server's handlers and the test's driving calls share one
state under one lock, whichever thread they run in. Messages are stored as the Bot API
``Message`` dicts the server returns, so a test reads exactly what the bot was told.
"""

from __future__ import annotations

import copy
import itertools
import re
import threading
import time
from dataclasses import dataclass, field
from typing import Any

DELETE_WINDOW = 48 * 3600
CALLBACK_WINDOW = 15.0
COMMAND_RE = re.compile(r"(?<![\w/<>])/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?![\w/<>])")
DEFAULT_EXCLUDED = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


@dataclass
class StoredMessage:
    """A message as Telegram holds it, plus who sent it and whether it is gone."""

    message: dict[str, Any]
    from_bot: bool
    deleted: bool = False


@dataclass
class Recorded:
    """One request the server answered: what was asked and what was said back.

    ``injected`` marks an error a test asked for (see ``Driver.fail_next``), not one the
    bot caused.
    """

    method: str
    params: dict[str, Any]
    status: int
    response: dict[str, Any]
    injected: bool = False


@dataclass
class Fault:
    """An error to answer the next ``times`` calls of ``method`` with, instead of working."""

    method: str  # lower-cased
    status: int
    description: str
    parameters: dict[str, Any] | None
    times: int


@dataclass
class World:
    """The fake's whole state; every public method takes the lock."""

    bot_user: dict[str, Any]
    lock: threading.RLock = field(default_factory=threading.RLock)
    clock_offset: float = 0.0
    chats: dict[int, dict[str, Any]] = field(default_factory=dict)
    bot_left: set[int] = field(default_factory=set)
    messages: dict[int, dict[int, StoredMessage]] = field(default_factory=dict)
    updates: list[dict[str, Any]] = field(default_factory=list)
    update_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    callback_queries: dict[str, float] = field(default_factory=dict)
    callback_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    allowed_updates: list[str] | None = None
    webhook_url: str = ""
    commands: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    bot_events: list[dict[str, Any]] = field(default_factory=list)
    requests: list[Recorded] = field(default_factory=list)
    faults: list[Fault] = field(default_factory=list)
    files: dict[str, bytes] = field(default_factory=dict)  # uploaded documents by file_id

    def now(self) -> int:
        return int(time.time() + self.clock_offset)

    def user(self, user_id: int, first_name: str) -> dict[str, Any]:
        return {"id": user_id, "is_bot": False, "first_name": first_name, "language_code": "en"}

    def chat(self, chat_id: int) -> dict[str, Any] | None:
        with self.lock:
            return self.chats.get(chat_id)

    def remember_chat(self, chat: dict[str, Any]) -> None:
        with self.lock:
            self.chats[chat["id"]] = chat
            self.messages.setdefault(chat["id"], {})
            self.bot_left.discard(chat["id"])

    def store(self, chat_id: int, message: dict[str, Any], *, from_bot: bool) -> dict[str, Any]:
        """Give ``message`` the chat's next id and date, store it, and return a copy."""
        with self.lock:
            chat_messages = self.messages.setdefault(chat_id, {})
            message["message_id"] = max(chat_messages, default=0) + 1
            message["date"] = self.now()
            chat_messages[message["message_id"]] = StoredMessage(message, from_bot)
            if from_bot:
                self.bot_events.append(copy.deepcopy(message))
            return copy.deepcopy(message)

    def find(self, chat_id: int, message_id: int) -> StoredMessage | None:
        with self.lock:
            stored = self.messages.get(chat_id, {}).get(message_id)
            return None if stored is None or stored.deleted else stored

    def queue(self, kind: str, payload: dict[str, Any]) -> int:
        with self.lock:
            update_id = next(self.update_ids)
            self.updates.append({"update_id": update_id, kind: copy.deepcopy(payload)})
            return update_id

    def new_callback_query(self) -> str:
        with self.lock:
            query_id = str(4_000_000_000 + next(self.callback_ids))
            self.callback_queries[query_id] = time.time() + self.clock_offset
            return query_id

    def take_callback_query(self, query_id: str) -> bool:
        """Answer a query once, within Telegram's window; False if it cannot be."""
        with self.lock:
            issued = self.callback_queries.pop(query_id, None)
            return issued is not None and self.now() - issued <= CALLBACK_WINDOW

    def pending_updates(self, offset: int | None, limit: int) -> list[dict[str, Any]]:
        """Confirm updates below ``offset`` (drop them) and return the next ones allowed."""
        with self.lock:
            if offset is not None and offset < 0:
                self.updates = self.updates[offset:]
            elif offset is not None:
                self.updates = [u for u in self.updates if u["update_id"] >= offset]
            allowed = self.allowed_updates
            chosen = [
                u for u in self.updates
                if (_kind(u) in allowed if allowed else _kind(u) not in DEFAULT_EXCLUDED)
            ]
            return copy.deepcopy(chosen[:limit])

    def take_fault(self, method: str) -> Fault | None:
        """The first pending fault for ``method`` (used up after its ``times``), or None."""
        with self.lock:
            for fault in self.faults:
                if fault.method == method.lower():
                    fault.times -= 1
                    if fault.times <= 0:
                        self.faults.remove(fault)
                    return fault
            return None

    def record(self, entry: Recorded) -> None:
        with self.lock:
            self.requests.append(entry)

    def command_entities(self, text: str) -> list[dict[str, Any]]:
        """bot_command entities as Telegram marks them in a user's text."""
        entities = []
        for match in COMMAND_RE.finditer(text):
            start = len(text[: match.start()].encode("utf-16-le")) // 2
            length = len(match.group().encode("utf-16-le")) // 2
            entities.append({"type": "bot_command", "offset": start, "length": length})
        return entities


def _kind(update: dict[str, Any]) -> str:
    return next(key for key in update if key != "update_id")
