"""A strict local fake of the Telegram Bot API for tests with a real PTB bot.

``FakeBotApi`` serves ``/bot<token>/<method>`` on 127.0.0.1, answers the methods a PTB
bot uses, rejects what Telegram rejects with Telegram's status and description, records
every request, and lets a test play the user (``user_sends``, ``user_presses``…).
"""

from .html_entities import EntityParseError, ParsedText, parse_html, utf16_len
from .server import FakeBotApi
from .validation import ApiError
from .world import Recorded

__all__ = ["ApiError", "EntityParseError", "FakeBotApi", "ParsedText", "Recorded",
           "parse_html", "utf16_len"]
