"""Request decoding and the checks Telegram applies, answered in Telegram's own words.

Bot API clients send parameters as a query string, a form, multipart form data or JSON;
PTB v22 posts a form in which strings are sent raw and everything else JSON-encoded.
:func:`decode_params` turns all of these into Python values, and the ``check_*``
functions raise :class:`ApiError` with the status and description Telegram would give.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from .html_entities import EntityParseError, ParsedText, parse_html, utf16_len

MAX_TEXT = 4096
MAX_CALLBACK_DATA = 64
MAX_CALLBACK_ANSWER = 200
MAX_BUTTONS = 100
INT_FIELDS = frozenset(
    {"chat_id", "message_id", "offset", "limit", "timeout", "user_id", "cache_time",
     "reply_to_message_id", "message_thread_id", "max_connections", "from_chat_id"}
)
BOOL_FIELDS = frozenset(
    {"disable_notification", "protect_content", "show_alert", "drop_pending_updates",
     "disable_web_page_preview", "allow_sending_without_reply", "allow_paid_broadcast"}
)
JSON_FIELDS = frozenset(
    {"reply_markup", "entities", "allowed_updates", "commands", "scope", "message_ids",
     "link_preview_options", "reply_parameters"}
)
CHAT_ACTIONS = frozenset(
    {"typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice",
     "upload_document", "choose_sticker", "find_location", "record_video_note",
     "upload_video_note"}
)
BUTTON_ACTIONS = (
    "callback_data", "url", "login_url", "switch_inline_query",
    "switch_inline_query_current_chat", "switch_inline_query_chosen_chat", "callback_game",
    "pay", "web_app", "copy_text",
)
COMMAND_RE = re.compile(r"[a-z0-9_]{1,32}")


@dataclass
class ApiError(Exception):
    """A Bot API failure: the HTTP status doubles as ``error_code``, as Telegram does.

    ``parameters`` is Telegram's ResponseParameters, e.g. ``{"retry_after": 3}`` on a 429.
    """

    status: int
    description: str
    parameters: dict[str, Any] | None = None

    def body(self) -> dict[str, Any]:
        body = {"ok": False, "error_code": self.status, "description": self.description}
        if self.parameters:
            body["parameters"] = dict(self.parameters)
        return body


def bad_request(reason: str) -> ApiError:
    return ApiError(400, f"Bad Request: {reason}")


def _decode_value(name: str, value: Any) -> Any:
    """Turn one form value into what a JSON body would have carried."""
    if not isinstance(value, str):
        return value
    if name in JSON_FIELDS:
        try:
            return json.loads(value)
        except ValueError:
            return value  # left as a string; the method's check reports it
    if name in INT_FIELDS and re.fullmatch(r"-?\d+", value):
        return int(value)
    if name in BOOL_FIELDS and value.lower() in ("true", "false", "1", "0"):
        return value.lower() in ("true", "1")
    return value


def decode_params(raw: dict[str, Any]) -> dict[str, Any]:
    """Decode every parameter by its Bot API type; unknown names stay as sent."""
    return {name: _decode_value(name, value) for name, value in raw.items()}


def require_int(params: dict[str, Any], name: str, empty: str) -> int:
    value = params.get(name)
    if value is None or value == "":
        raise bad_request(empty)
    if isinstance(value, bool) or not isinstance(value, int):
        raise bad_request(f"invalid {name} specified")
    return value


def require_chat_id(params: dict[str, Any]) -> int:
    value = params.get("chat_id")
    if value is None or value == "":
        raise bad_request("chat_id is empty")
    if isinstance(value, bool) or not isinstance(value, int):
        raise bad_request("chat not found")  # e.g. an @username the fake does not know
    return value


def check_text(params: dict[str, Any], *, strict_html: bool) -> ParsedText:
    """The visible text after parsing: non-empty, at most 4096 UTF-16 code units."""
    text = params.get("text")
    if not isinstance(text, str) or not text.strip():
        raise bad_request("message text is empty")
    mode = params.get("parse_mode")
    if mode in (None, ""):
        parsed = ParsedText(text, check_entities(params.get("entities"), text))
    elif str(mode).lower() == "html":
        if params.get("entities") is not None:
            raise bad_request("can't use entities together with parse_mode")  # fake's words
        try:
            parsed = parse_html(text, strict=strict_html)
        except EntityParseError as err:
            raise bad_request(f"can't parse entities: {err}") from None
    elif str(mode).lower() in ("markdown", "markdownv2"):
        raise bad_request("the fake Bot API only checks parse_mode HTML")  # fake's words
    else:
        raise bad_request(f"unsupported parse_mode {mode}")
    if not parsed.text.strip():
        raise bad_request("message text is empty")
    if utf16_len(parsed.text) > MAX_TEXT:
        raise bad_request("message is too long")
    return parsed


def check_entities(entities: Any, text: str) -> list[dict[str, Any]]:
    if entities is None:
        return []
    if not isinstance(entities, list) or not all(isinstance(e, dict) for e in entities):
        raise bad_request("can't parse entities JSON object")
    size = utf16_len(text)
    for entity in entities:
        offset, length = entity.get("offset"), entity.get("length")
        if not isinstance(offset, int) or not isinstance(length, int) or offset < 0:
            raise bad_request("can't parse entities JSON object")
        if offset + length > size:
            raise bad_request("entity ends after the end of the text")  # fake's words
    return entities


def check_reply_markup(markup: Any) -> dict[str, Any] | None:
    """Validate any reply markup; return it only when it is an inline keyboard."""
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        check_inline_keyboard(markup["inline_keyboard"])
        return markup
    if not {"keyboard", "remove_keyboard", "force_reply"} & markup.keys():
        raise bad_request("can't parse reply keyboard markup JSON object")
    return None


def check_inline_keyboard(rows: Any) -> None:
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request(
            'field "inline_keyboard" of the InlineKeyboardMarkup should be an Array of Arrays'
        )
    if sum(len(row) for row in rows) > MAX_BUTTONS:
        raise bad_request("reply markup is too long")
    for row in rows:
        for button in row:
            check_button(button)


def check_button(button: Any) -> None:
    prefix = "can't parse inline keyboard button: "
    if not isinstance(button, dict):
        raise bad_request(prefix + "InlineKeyboardButton must be an Object")
    if "text" not in button:
        raise bad_request(prefix + 'Can\'t find field "text"')
    if not isinstance(button["text"], str):
        raise bad_request(prefix + 'Field "text" must be of type String')
    if not button["text"].strip():
        raise bad_request("BUTTON_TEXT_INVALID")
    actions = [name for name in BUTTON_ACTIONS if name in button]
    if not actions:
        raise bad_request(prefix + "Text buttons are unallowed in the inline keyboard")
    if len(actions) > 1:
        raise bad_request(prefix + "exactly one action field must be used")  # fake's words
    data = button.get("callback_data")
    if "callback_data" in button and (
        not isinstance(data, str) or not 1 <= len(data.encode()) <= MAX_CALLBACK_DATA
    ):
        raise bad_request("BUTTON_DATA_INVALID")
    if "url" in button:
        check_button_url(button["url"])


def check_button_url(url: Any) -> None:
    parts = urlsplit(url) if isinstance(url, str) else None
    if parts is None or parts.scheme not in ("http", "https", "tg") or (
        parts.scheme != "tg" and not parts.hostname
    ):
        raise bad_request(f"inline keyboard button URL '{url}' is invalid")


def check_commands(commands: Any) -> list[dict[str, str]]:
    if not isinstance(commands, list) or not all(isinstance(c, dict) for c in commands):
        raise bad_request("can't parse commands JSON object")
    if len(commands) > MAX_BUTTONS:
        raise bad_request("too many commands specified")  # fake's words
    for command in commands:
        if not COMMAND_RE.fullmatch(str(command.get("command", ""))):
            raise bad_request("BOT_COMMAND_INVALID")
        if not 1 <= len(str(command.get("description", "")).strip()) <= 256:
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
    return [{"command": c["command"], "description": c["description"]} for c in commands]
