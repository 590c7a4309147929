"""Why the bot cannot start: each error's message is one sentence saying what to do."""

from __future__ import annotations


class SetupError(Exception):
    """The bot cannot start as configured; the message says what to do."""


class TokenError(SetupError):
    """The bot token is missing or malformed; the message says what to do."""
