"""Errors of the application layer, each with one sentence for the person at the keyboard."""


class ConfigError(Exception):
    """The configuration cannot be used; the message says what to change."""
