"""The test's side of the fake: users who write, press and edit, and what the bot said.

These calls stand in for a person on a phone. They are callable from any thread while the
server runs elsewhere; each queues an update Telegram would have produced and wakes the
bot's long poll.
"""

from __future__ import annotations

import asyncio
import copy
import re
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

from .world import Fault, Recorded, World

Predicate = Callable[[dict[str, Any]], bool]
DEEP_LINK = re.compile(r"[A-Za-z0-9_-]{1,64}")
GROUP_TYPES = ("group", "supergroup")


class Driver:
    """Driving and inspection API shared by every way of running the server."""

    def __init__(self, world: World) -> None:
        self.world = world
        self._cursor: dict[int, int] = {}

    def _notify(self) -> None:
        """Wake long polls; the server overrides this."""

    def _private_chat(self, user: dict[str, Any]) -> dict[str, Any]:
        return {"id": user["id"], "type": "private", "first_name": user["first_name"]}

    def user_sends(self, user_id: int, text: str, chat_type: str = "private",
                   first_name: str = "Tess", chat_id: int | None = None) -> int:
        """Queue a Message update from ``user_id``; returns its message_id.

        A private message makes the chat known (the user has started the bot); for
        ``chat_type`` "group" or "supergroup" pass the group's negative ``chat_id``.
        """
        user = self.world.user(user_id, first_name)
        if chat_type == "private":
            chat = self._private_chat(user)
        elif chat_type in GROUP_TYPES and chat_id is not None:
            chat = {"id": chat_id, "type": chat_type, "title": f"Group {chat_id}"}
        else:
            raise ValueError("a group message needs chat_type 'group'/'supergroup' and chat_id")
        message: dict[str, Any] = {"from": user, "chat": chat, "text": text}
        entities = self.world.command_entities(text)
        if entities:
            message["entities"] = entities
        with self.world.lock:
            self.world.remember_chat(chat)
            stored = self.world.store(chat["id"], message, from_bot=False)
            self.world.queue("message", stored)
        self._notify()
        return stored["message_id"]

    def user_opens_link(self, user_id: int, url: str, first_name: str = "Tess") -> int:
        """Open a ``https://t.me/<bot>?start=<payload>`` deep link, as Telegram does: the
        bot receives "/start <payload>". A link to another bot, or a payload Telegram would
        not pass (over 64 characters, or outside A-Za-z0-9_-), raises ValueError."""
        parts = urlsplit(url)
        username = self.world.bot_user["username"]
        query = parse_qs(parts.query)
        if (parts.scheme != "https" or parts.netloc != "t.me"
                or parts.path.strip("/").casefold() != username.casefold()
                or list(query) != ["start"] or len(query["start"]) != 1):
            raise ValueError(f"not a start link for @{username}: {url}")
        payload = query["start"][0]
        if not DEEP_LINK.fullmatch(payload):
            raise ValueError("Telegram does not pass this start payload")
        return self.user_sends(user_id, f"/start {payload}", first_name=first_name)

    def document(self, file_id: str) -> bytes:
        """The bytes of a document the bot uploaded."""
        with self.world.lock:
            return self.world.files[file_id]

    def user_presses(self, user_id: int, message_id: int, data: str, *,
                     chat_id: int | None = None, check_button: bool = True) -> str:
        """Queue a CallbackQuery on a bot message; returns the callback_query_id.

        With ``check_button`` (the default) the message must currently show a button with
        that callback_data, as on a real phone; pass False to forge a stale or crafted press.
        """
        chat_id = user_id if chat_id is None else chat_id
        with self.world.lock:
            stored = self.world.find(chat_id, message_id)
            if stored is None or not stored.from_bot:
                raise ValueError(f"no bot message {message_id} in chat {chat_id} to press")
            rows = stored.message.get("reply_markup", {}).get("inline_keyboard", [])
            shown = {b.get("callback_data") for row in rows for b in row}
            if check_button and data not in shown:
                raise ValueError(f"message {message_id} shows no button with that data")
            query_id = self.world.new_callback_query()
            user = self.world.user(user_id, "Tess")
            self.world.queue("callback_query", {
                "id": query_id, "from": user, "message": stored.message,
                "chat_instance": str(chat_id * 7 + 1), "data": data,
            })
        self._notify()
        return query_id

    def user_edits(self, user_id: int, message_id: int, new_text: str,
                   chat_id: int | None = None) -> None:
        """Queue an edited_message update for one of the user's own messages."""
        chat_id = user_id if chat_id is None else chat_id
        with self.world.lock:
            stored = self.world.find(chat_id, message_id)
            if stored is None or stored.from_bot:
                raise ValueError(f"user {user_id} has no message {message_id} to edit")
            stored.message["text"] = new_text
            stored.message["edit_date"] = self.world.now()
            entities = self.world.command_entities(new_text)
            stored.message.pop("entities", None)
            if entities:
                stored.message["entities"] = entities
            self.world.queue("edited_message", stored.message)
        self._notify()

    def add_to_group(self, chat_id: int, user_id: int, chat_type: str = "group") -> None:
        """Queue a my_chat_member update: ``user_id`` added the bot to a group."""
        chat = {"id": chat_id, "type": chat_type, "title": f"Group {chat_id}"}
        bot = self.world.bot_user
        with self.world.lock:
            self.world.remember_chat(chat)
            self.world.queue("my_chat_member", {
                "chat": chat, "from": self.world.user(user_id, "Tess"), "date": self.world.now(),
                "old_chat_member": {"status": "left", "user": bot},
                "new_chat_member": {"status": "member", "user": bot},
            })
        self._notify()

    async def wait_for_bot_message(self, chat_id: int, predicate: Predicate | None = None,
                                   timeout: float = 5.0,  # noqa: ASYNC109 - the agreed API
                                   ) -> dict[str, Any]:
        """The next bot message sent or edited in ``chat_id`` that matches ``predicate``.

        Each call consumes the chat's bot messages up to the one it returns, so successive
        calls walk through the conversation. Works from any thread's event loop.
        """
        deadline = time.monotonic() + timeout
        while True:
            with self.world.lock:
                events = self.world.bot_events
                for index in range(self._cursor.get(chat_id, 0), len(events)):
                    event = events[index]
                    if event["chat"]["id"] == chat_id and (predicate is None or predicate(event)):
                        self._cursor[chat_id] = index + 1
                        return copy.deepcopy(event)
            if time.monotonic() >= deadline:
                raise TimeoutError(f"no matching bot message in chat {chat_id} in {timeout} s")
            await asyncio.sleep(0.01)

    @property
    def requests(self) -> list[Recorded]:
        """Every request answered so far, in order."""
        with self.world.lock:
            return list(self.world.requests)

    @property
    def errors(self) -> list[Recorded]:
        """The requests the bot got a 4xx for by its own doing (injected faults excluded)."""
        return [r for r in self.requests if 400 <= r.status < 500 and not r.injected]

    def fail_next(self, method: str, status: int, description: str, *,
                  retry_after: int | None = None, times: int = 1) -> None:
        """Answer the next ``times`` calls of ``method`` with Telegram's error instead.

        E.g. ``fail_next("sendMessage", 429, "Too Many Requests: retry after 1",
        retry_after=1)`` or ``fail_next("answerCallbackQuery", 400, "Bad Request: query is
        too old…")``. The request is recorded with ``injected=True``.
        """
        parameters = {"retry_after": retry_after} if retry_after is not None else None
        with self.world.lock:
            self.world.faults.append(Fault(method.lower(), status, description, parameters,
                                           times))

    def forge(self, kind: str, payload: dict[str, Any]) -> int:
        """Queue any update exactly as given (no checks): what an attacker could post to a
        webhook without its secret. Returns the update_id."""
        with self.world.lock:
            update_id = self.world.queue(kind, payload)
        self._notify()
        return update_id

    def messages(self, chat_id: int) -> list[dict[str, Any]]:
        """The chat's messages (user's and bot's) in order, each with a ``deleted`` flag."""
        with self.world.lock:
            stored = self.world.messages.get(chat_id, {})
            return [{**copy.deepcopy(s.message), "deleted": s.deleted}
                    for _, s in sorted(stored.items())]

    def advance_clock(self, seconds: float) -> None:
        """Move the fake's clock forward, e.g. past the 48-hour deletion window."""
        with self.world.lock:
            self.world.clock_offset += seconds
