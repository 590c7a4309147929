"""Logging for operators: plain lines or one JSON object per line, events never content.

Handlers are given event names, pseudonym prefixes, counts and paths only, so either format
is safe to ship to a log service. Structured fields travel in ``extra={"fields": {...}}``
(see :func:`event`): the text format appends them as ``key=value``, the JSON format as keys.
A traceback is reduced to the exception's type, since its text may quote what was sent.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"
FORMATS = ("text", "json")
QUIET = ("httpx", "httpcore", "transitions", "apscheduler")


def event(logger: logging.Logger, name: str, level: int = logging.INFO, **fields: Any) -> None:
    """Log event `name` with structured `fields` (numbers, flags, paths: never content)."""
    logger.log(level, name, extra={"fields": fields})


def _fields(record: logging.LogRecord) -> dict[str, Any]:
    found = getattr(record, "fields", None)
    return found if isinstance(found, dict) else {}


class TextFormatter(logging.Formatter):
    """The classic line, with an event's fields as key=value and no traceback."""

    def __init__(self) -> None:
        super().__init__(TEXT_FORMAT)

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(_without_traceback(record))
        extra = " ".join(f"{key}={_flat(value)}" for key, value in _fields(record).items())
        return f"{line} {extra}" if extra else line


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, then the event's fields."""

    def format(self, record: logging.LogRecord) -> str:
        record = _without_traceback(record)
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in _fields(record).items():
            entry.setdefault(key, value)
        return json.dumps(entry, ensure_ascii=False, default=str)


def configure(level: str, fmt: str) -> None:
    """(Re)configure the root logger; safe to call again, as SIGHUP's reload does."""
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    logging.basicConfig(level=level.upper(), handlers=[handler], force=True)
    for noisy in QUIET:
        logging.getLogger(noisy).setLevel(logging.WARNING)


def _without_traceback(record: logging.LogRecord) -> logging.LogRecord:
    """The record with any exception reduced to its type's name (a copy; others see it too)."""
    if not record.exc_info or record.exc_info[0] is None:
        return record
    copy = logging.makeLogRecord(record.__dict__)
    copy.msg = f"{record.getMessage()} ({record.exc_info[0].__name__})"
    copy.args, copy.exc_info, copy.exc_text = None, None, None
    return copy


def _flat(value: Any) -> str:
    if isinstance(value, dict):
        return ",".join(f"{k}:{v}" for k, v in value.items())
    return str(value)
