"""The Bot API methods a PTB bot uses, each checked as Telegram checks it.

Every handler takes decoded parameters and returns the ``result`` Telegram would send,
or raises :class:`ApiError`. getUpdates lives in the server, because it waits.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

from .html_entities import utf16_len
from .validation import (
    CHAT_ACTIONS,
    MAX_CALLBACK_ANSWER,
    ApiError,
    bad_request,
    check_commands,
    check_reply_markup,
    check_text,
    require_chat_id,
    require_int,
)
from .world import DELETE_WINDOW, StoredMessage, World

Handler = Callable[[dict[str, Any]], Any]
MAX_CAPTION = 1024
MAX_UPLOAD = 50 * 1024 * 1024
TOO_OLD_QUERY = "query is too old and response timeout expired or query ID is invalid"
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)
GIFTS = {name: False for name in ("unlimited_gifts", "limited_gifts", "unique_gifts",
                                  "premium_subscription", "gifts_from_channels")}


class Methods:
    """Bot API method handlers over one :class:`World`."""

    def __init__(self, world: World, *, strict_html: bool) -> None:
        self.world = world
        self.strict_html = strict_html

    def table(self) -> dict[str, Handler]:
        """Handlers by lower-cased method name (Telegram matches names case-insensitively)."""
        handlers: dict[str, Handler] = {
            "getMe": lambda p: copy.deepcopy(self.world.bot_user),
            "close": lambda p: True,
            "logOut": lambda p: True,
            "deleteWebhook": self.delete_webhook,
            "setWebhook": self.set_webhook,
            "getWebhookInfo": self.get_webhook_info,
            "setMyCommands": self.set_my_commands,
            "getMyCommands": self.get_my_commands,
            "deleteMyCommands": self.delete_my_commands,
            "sendMessage": self.send_message,
            "sendDocument": self.send_document,
            "editMessageText": self.edit_message_text,
            "editMessageReplyMarkup": self.edit_message_reply_markup,
            "answerCallbackQuery": self.answer_callback_query,
            "deleteMessage": self.delete_message,
            "deleteMessages": self.delete_messages,
            "sendChatAction": self.send_chat_action,
            "leaveChat": self.leave_chat,
            "getChat": self.get_chat,
        }
        return {name.lower(): handler for name, handler in handlers.items()}

    def writable_chat(self, params: dict[str, Any]) -> dict[str, Any]:
        """The chat the bot may post to: one whose user started it, and not left."""
        chat_id = require_chat_id(params)
        chat = self.world.chat(chat_id)
        if chat is None:
            raise bad_request("chat not found")
        if chat_id in self.world.bot_left:
            raise ApiError(403, "Forbidden: bot is not a member of the group chat")
        return chat

    def delete_webhook(self, params: dict[str, Any]) -> bool:
        with self.world.lock:
            self.world.webhook_url = ""
            if params.get("drop_pending_updates"):
                self.world.updates.clear()
        return True

    def set_webhook(self, params: dict[str, Any]) -> bool:
        url = str(params.get("url") or "")
        if url and not url.startswith("https://"):
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        self.world.webhook_url = url  # the fake records it but does not deliver to it
        return True

    def get_webhook_info(self, params: dict[str, Any]) -> dict[str, Any]:
        with self.world.lock:
            info = {"url": self.world.webhook_url, "has_custom_certificate": False,
                    "pending_update_count": len(self.world.updates)}
        if info["url"]:
            info["max_connections"] = 40
        return info

    @staticmethod
    def _commands_key(params: dict[str, Any]) -> str:
        scope = params.get("scope") or {"type": "default"}
        return json.dumps([scope, params.get("language_code") or ""], sort_keys=True)

    def set_my_commands(self, params: dict[str, Any]) -> bool:
        commands = check_commands(params.get("commands"))
        with self.world.lock:
            self.world.commands[self._commands_key(params)] = commands
        return True

    def get_my_commands(self, params: dict[str, Any]) -> list[dict[str, str]]:
        with self.world.lock:
            return copy.deepcopy(self.world.commands.get(self._commands_key(params), []))

    def delete_my_commands(self, params: dict[str, Any]) -> bool:
        with self.world.lock:
            self.world.commands.pop(self._commands_key(params), None)
        return True

    def send_message(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self.writable_chat(params)
        parsed = check_text(params, strict_html=self.strict_html)
        markup = check_reply_markup(params.get("reply_markup"))
        message: dict[str, Any] = {"from": self.world.bot_user, "chat": chat, "text": parsed.text}
        if parsed.entities:
            message["entities"] = parsed.entities
        if markup is not None:
            message["reply_markup"] = markup
        if params.get("protect_content"):
            message["has_protected_content"] = True
        return self.world.store(chat["id"], message, from_bot=True)

    def send_document(self, params: dict[str, Any]) -> dict[str, Any]:
        """An uploaded file (multipart) or a known file_id, with an optional caption."""
        chat = self.writable_chat(params)
        document = params.get("document")
        if isinstance(document, dict) and document.get("upload"):
            content = document["content"]
            if not content:
                raise bad_request("file must be non-empty")
            if len(content) > MAX_UPLOAD:
                raise ApiError(413, "Request Entity Too Large")
            with self.world.lock:
                file_id = f"BQAC{len(self.world.files) + 1:08d}"
                self.world.files[file_id] = content
            info = {"file_id": file_id, "file_unique_id": f"u{file_id}",
                    "file_name": document["filename"] or "document",
                    "mime_type": document["content_type"] or "application/octet-stream",
                    "file_size": len(content)}
        elif isinstance(document, str) and document in self.world.files:
            info = {"file_id": document, "file_unique_id": f"u{document}",
                    "file_size": len(self.world.files[document])}
        elif document in (None, ""):
            raise bad_request("there is no document in the request")
        else:
            raise bad_request("wrong remote file identifier specified: wrong padding length")
        message: dict[str, Any] = {"from": self.world.bot_user, "chat": chat,
                                   "document": info}
        caption = params.get("caption")
        if caption:
            parsed = check_text({"text": caption, "parse_mode": params.get("parse_mode")},
                                strict_html=self.strict_html)
            if utf16_len(parsed.text) > MAX_CAPTION:
                raise bad_request("message caption is too long")
            message["caption"] = parsed.text
        markup = check_reply_markup(params.get("reply_markup"))
        if markup is not None:
            message["reply_markup"] = markup
        if params.get("protect_content"):
            message["has_protected_content"] = True
        return self.world.store(chat["id"], message, from_bot=True)

    def editable(self, params: dict[str, Any]) -> StoredMessage:
        if params.get("inline_message_id"):
            raise bad_request("MESSAGE_ID_INVALID")  # the fake sends no inline messages
        chat = self.writable_chat(params)
        message_id = require_int(params, "message_id", "message identifier is not specified")
        stored = self.world.find(chat["id"], message_id)
        if stored is None:
            raise bad_request("message to edit not found")
        if not stored.from_bot:
            raise bad_request("message can't be edited")
        return stored

    def apply_edit(self, stored: StoredMessage, changes: dict[str, Any]) -> dict[str, Any]:
        """Edit a stored message; identical content and markup is Telegram's error."""
        with self.world.lock:
            current = stored.message
            keys = ("text", "entities", "reply_markup")
            if all(current.get(key) == changes.get(key, current.get(key)) for key in keys):
                raise bad_request(NOT_MODIFIED)
            for key, value in changes.items():
                if value is None:
                    current.pop(key, None)
                else:
                    current[key] = value
            current["edit_date"] = self.world.now()
            self.world.bot_events.append(copy.deepcopy(current))
            return copy.deepcopy(current)

    def edit_message_text(self, params: dict[str, Any]) -> dict[str, Any]:
        stored = self.editable(params)
        parsed = check_text(params, strict_html=self.strict_html)
        markup = check_reply_markup(params.get("reply_markup"))
        changes = {"text": parsed.text, "entities": parsed.entities or None,
                   "reply_markup": markup}
        return self.apply_edit(stored, changes)

    def edit_message_reply_markup(self, params: dict[str, Any]) -> dict[str, Any]:
        stored = self.editable(params)
        markup = check_reply_markup(params.get("reply_markup"))
        return self.apply_edit(stored, {"reply_markup": markup})

    def answer_callback_query(self, params: dict[str, Any]) -> bool:
        text = params.get("text")
        if isinstance(text, str) and len(text) > MAX_CALLBACK_ANSWER:
            raise bad_request("MESSAGE_TOO_LONG")
        if not self.world.take_callback_query(str(params.get("callback_query_id", ""))):
            raise bad_request(TOO_OLD_QUERY)
        return True

    def deletable(self, chat_id: int, message_id: Any) -> StoredMessage | None:
        stored = self.world.find(chat_id, message_id) if isinstance(message_id, int) else None
        if stored is not None and self.world.now() - stored.message["date"] > DELETE_WINDOW:
            raise bad_request("message can't be deleted for everyone")
        return stored

    def delete_message(self, params: dict[str, Any]) -> bool:
        chat = self.writable_chat(params)
        message_id = require_int(params, "message_id", "message identifier is not specified")
        stored = self.deletable(chat["id"], message_id)
        if stored is None:
            raise bad_request("message to delete not found")
        stored.deleted = True
        return True

    def delete_messages(self, params: dict[str, Any]) -> bool:
        """Delete 1-100 messages; unknown ones are skipped, as the Bot API documents."""
        chat = self.writable_chat(params)
        ids = params.get("message_ids")
        if not isinstance(ids, list) or not all(isinstance(i, int) for i in ids):
            raise bad_request("can't parse message identifiers JSON object")  # fake's words
        if not 1 <= len(ids) <= 100:
            raise bad_request("message identifiers are not specified" if not ids
                              else "too many messages to delete")  # fake's words
        with self.world.lock:
            found = [self.deletable(chat["id"], i) for i in ids]
            for stored in found:
                if stored is not None:
                    stored.deleted = True
        return True

    def send_chat_action(self, params: dict[str, Any]) -> bool:
        self.writable_chat(params)
        if params.get("action") not in CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        return True

    def leave_chat(self, params: dict[str, Any]) -> bool:
        chat = self.writable_chat(params)
        if chat["type"] == "private":
            raise bad_request("chat member status can't be changed in private chats")
        with self.world.lock:
            self.world.bot_left.add(chat["id"])
        return True

    def get_chat(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self.world.chat(require_chat_id(params))
        if chat is None:
            raise bad_request("chat not found")
        return {**chat, "accent_color_id": 0, "max_reaction_count": 11,
                "accepted_gift_types": GIFTS}
