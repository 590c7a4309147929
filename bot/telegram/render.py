"""Replies as Telegram messages: escaped HTML, a progress line, keyboards, 4,096-char parts.

Every fragment from a flow or a person goes through `html.escape`; the only tags are the
channel's own, each on one line, so splitting at paragraph or line breaks never cuts one.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import wording
from bot.messages import Reply

MAX_TEXT = 4096
PREFIX = {"warning": "⚠️ ", "error": "Sorry: ", "held": "Your answer, to shorten:\n"}
KEEP_LABEL = "Keep my earlier answer"
# Telegram's own words for what a reply only states as a fact (flows name no commands).
HINTS = (
    ("intro", "Use /back, /skip, /why, /cancel or /help at any time."),
    ("no_flow", "Send /dilemma or /journal to start one, or /help."),
    ("optional", "<i>Optional: send /skip to pass.</i>"),
    ("keep", "<i>Send a new answer, or keep the earlier one with the button.</i>"),
)


def _hints(reply: Reply) -> list[str]:
    facts = {"intro": reply.kind == "intro", "no_flow": reply.kind == "no_flow",
             "optional": reply.optional, "keep": reply.keep and not reply.choices}
    return [text for name, text in HINTS if facts[name]]


@dataclass(frozen=True)
class Outgoing:
    """One Telegram message to send: HTML, its buttons' labels, and whether to protect it."""

    html: str
    choices: tuple[str, ...] = ()
    private: bool = False


def reply_html(reply: Reply) -> str:
    """One reply as HTML: an italic progress line, then the escaped text."""
    lines = []
    if reply.progress:
        lines.append(f"<i>{html.escape(wording.progress_text(reply.progress))}</i>")
    lines.append(PREFIX.get(reply.kind, "") + html.escape(reply.text))
    lines += _hints(reply)
    return "\n".join(lines)


def outgoing(replies: Iterable[Reply]) -> list[Outgoing]:
    """Merge consecutive replies into as few messages as fit, keyboards on the last part.

    A reply with choices closes its message (the keyboard belongs under it), and private
    text is never merged with other text, so protect_content covers exactly the summary.
    """
    result: list[Outgoing] = []
    pending: list[str] = []
    private = False

    def flush(choices: tuple[str, ...] = ()) -> None:
        if pending:
            parts = split_html("\n\n".join(pending))
            result.extend(Outgoing(p, (), private) for p in parts[:-1])
            result.append(Outgoing(parts[-1], choices, private))
        pending.clear()

    for reply in replies:
        if pending and reply.private != private:
            flush()
        private = reply.private
        pending.append(reply_html(reply))
        if reply.choices:
            flush(reply.choices)
        elif reply.keep:
            flush((KEEP_LABEL,))  # a typed question answered before: one tap keeps it
    flush()
    return result


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def split_html(text: str, limit: int = MAX_TEXT) -> list[str]:
    """Parts within `limit`, cut at paragraphs, then lines, then spaces, then anywhere."""
    parts: list[str] = []
    for separator in ("\n\n", "\n", " "):
        if utf16_len(text) <= limit:
            break
        parts, current = [], ""
        for piece in text.split(separator):
            joined = f"{current}{separator}{piece}" if current else piece
            if utf16_len(joined) <= limit:
                current = joined
                continue
            if current:
                parts.append(current)
            current = piece
        parts.append(current)
        if all(utf16_len(p) <= limit for p in parts):
            return [p for p in parts if p.strip()]
    if utf16_len(text) <= limit:
        return [text]
    return [chunk for p in parts for chunk in _hard_split(p, limit)]


def _hard_split(text: str, limit: int) -> list[str]:
    """Cut a run with no spaces, never inside an escaped entity such as &amp;."""
    chunks, start, units = [], 0, 0
    for index, char in enumerate(text):
        width = 2 if ord(char) > 0xFFFF else 1
        if units + width > limit:
            cut = index
            amp = text.rfind("&", max(start, cut - 8), cut)
            if amp > start and ";" not in text[amp:cut]:
                cut = amp
            chunks.append(text[start:cut])
            start, units = cut, utf16_len(text[cut:index])
        units += width
    return chunks + [text[start:]]


def keyboard(choices: Sequence[str], data: Sequence[str]) -> InlineKeyboardMarkup:
    """One button per row: labels are sentences, and a phone screen is narrow."""
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=d)] for label, d in zip(choices, data,
                                                                            strict=True)])


def with_answer(shown_html: str, label: str) -> str:
    """A question message once answered: its text, then the chosen answer, no buttons."""
    return f"{shown_html}\n\n✓ <b>{html.escape(label)}</b>"
