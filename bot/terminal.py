"""The terminal channel: one conversation, for people (numbered choices) or scripts (JSON).

It only renders replies and turns typed lines into inputs; the service does the rest.
It is also the edge where bad input stops: a line that is not UTF-8, a lone surrogate,
JSON too deep or with a number too long to convert, or digits `int` cannot read ("٣")
each get one sentence and the same question again, never a traceback or a lost
reflection. Human lines are read in normal form (`storage.text.normalise`), so "２" or
"²" picks choice 2 and an invisible character cannot hide a command.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, TextIO

from bot import wording
from bot.messages import COMMANDS, Input, Reply
from storage.text import has_surrogates, normalise

if TYPE_CHECKING:
    from bot.service import Service

ParseResult = Input | str  # an input, or one sentence saying what was wrong

NOT_UTF8 = "That line is not valid UTF-8 text, so it was not used; please send it again."
LONE_SURROGATE = ("That text holds a lone surrogate escape (such as \\ud800), which is not "
                  "a character; please send valid Unicode.")
NOT_JSON = ('That line is not valid JSON; send {"text": …}, {"choice": …} '
            'or {"command": …}.')
_ASCII_DIGITS = re.compile(r"[0-9]+")


def ascii_number(text: str) -> int | None:
    """`text` as a number if it is ASCII digits only, else None.

    `str.isdigit` accepts "²" and other digits `int` refuses, and a long run of digits
    exceeds Python's conversion limit; any number too long to be a choice becomes
    `sys.maxsize`, which is out of every range."""
    if not _ASCII_DIGITS.fullmatch(text):
        return None
    digits = text.lstrip("0") or "0"
    return int(digits) if len(digits) <= 18 else sys.maxsize


def tolerate_bad_bytes(stream: object) -> None:
    """Have a text stream decode invalid UTF-8 to lone surrogates (caught per line by
    the renderers) instead of raising UnicodeDecodeError mid-conversation."""
    reconfigure = getattr(stream, "reconfigure", None)
    if callable(reconfigure):
        reconfigure(errors="surrogateescape")


# The terminal's own words for what a reply only states as a fact (flows name no commands).
INTRO_HINT = "Type back, skip, why, cancel or help at any time."
OPTIONAL_HINT = "(Optional: type skip to pass.)"
KEEP_HINT = "(Press Enter to keep it, or type a new answer.)"
NO_FLOW_HINT = "Run schtum chat to start one."
HELD_HEAD = "Your answer, to shorten:"
LEAVE_ASK = ("Input ended. Leave now and lose your {count} answers? Type yes to leave, or "
             "anything else to carry on.")
LEFT = "Left without saving. Nothing was stored."


class Renderer:
    """How replies look and how a line becomes an input; one per output style."""

    people = False  # a person at a keyboard (asked before losing work), not a script

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.choices: tuple[str, ...] = ()
        self.keeps = False  # the question on screen keeps its earlier answer on Enter

    def show(self, reply: Reply) -> None:
        raise NotImplementedError

    def error(self, sentence: str) -> None:
        raise NotImplementedError

    def parse(self, line: str) -> ParseResult:
        raise NotImplementedError


class HumanRenderer(Renderer):
    """Plain text: progress, the question, numbered choices, the terminal's own hints."""

    people = True

    def show(self, reply: Reply) -> None:
        lines = []
        if reply.progress:
            lines.append(f"[{wording.progress_text(reply.progress)}]")
        prefix = {"warning": "Note: ", "error": "Sorry: ", "held": f"{HELD_HEAD}\n"}
        lines.append(prefix.get(reply.kind, "") + reply.text)
        lines += [f"  {n}. {label}" for n, label in enumerate(reply.choices, 1)]
        lines += [hint for hint, wanted in (
            (INTRO_HINT, reply.kind == "intro"), (NO_FLOW_HINT, reply.kind == "no_flow"),
            (OPTIONAL_HINT, reply.optional), (KEEP_HINT, reply.keep)) if wanted]
        if reply.choices or reply.expects != "none":
            self.choices = reply.choices
            self.keeps = reply.keep
        self.out.write("\n".join(lines) + "\n\n")
        self.out.flush()

    def error(self, sentence: str) -> None:
        self.out.write(f"Sorry: {sentence}\n\n")

    def parse(self, line: str) -> ParseResult:
        if has_surrogates(line):
            return NOT_UTF8
        text = normalise(line).strip()  # so "can\u200bcel" is a command and "２" a number
        word = text.lstrip("/").casefold()
        if word in COMMANDS:
            return Input.command(word)
        number = ascii_number(text)
        if number is not None and self.choices:
            if 1 <= number <= len(self.choices):
                return Input.choice(self.choices[number - 1])
            return f"Please pick a number from 1 to {len(self.choices)}."
        return Input.text(text)


class JsonRenderer(Renderer):
    """One JSON object per bot message and per input line, as DESIGN.md specifies."""

    def show(self, reply: Reply) -> None:
        obj: dict[str, object] = {
            "text": reply.text, "choices": list(reply.choices), "expects": reply.expects,
            "progress": list(reply.progress) if reply.progress else None, "done": reply.done,
        }
        if reply.kind == "error":
            obj["error"] = reply.text
        self.out.write(json.dumps(obj, ensure_ascii=False) + "\n")
        self.out.flush()
        if reply.choices or reply.expects != "none":
            self.keeps = reply.keep

    def error(self, sentence: str) -> None:
        self.show(Reply(sentence, kind="error"))

    def parse(self, line: str) -> ParseResult:
        if has_surrogates(line):
            return NOT_UTF8
        try:
            data = json.loads(line)
        except (ValueError, RecursionError):  # bad JSON, 5,000-digit numbers, deep nesting
            return NOT_JSON
        if not isinstance(data, dict) or len(data) != 1:
            return "Send one object with exactly one key: text, choice or command."
        (key, value), = data.items()
        if key not in ("text", "choice", "command") or not isinstance(value, str):
            return "The key must be text, choice or command, with a string value."
        if has_surrogates(value):
            return LONE_SURROGATE
        if key == "command" and value not in COMMANDS:
            shown = f" '{value}'" if len(value) <= 20 and value.isprintable() else ""
            return f"Unknown command{shown}; known: {', '.join(COMMANDS)}."
        return Input(key, value)


def run_chat(service: Service, who: str, flow_id: str, renderer: Renderer,
             lines: Iterable[str],
             extra: Callable[[str], list[Reply] | None] | None = None,
             ask_again: Callable[[], bool] = lambda: False) -> bool:
    """Run one flow until it is done (True) or the input ends first (False).

    Blank lines are skipped, except where Enter keeps an earlier answer; every other line
    gets at least one reply. When the input ends, a person with more than two answers is
    asked before they are lost, if `ask_again()` says more input can come (a terminal,
    where Ctrl-D is not the end); a script's input simply ends."""
    tolerate_bad_bytes(lines)
    for reply in service.begin(who, flow_id):
        renderer.show(reply)
    while True:
        if _converse(service, who, renderer, lines, extra):
            return True
        conversation = service.active(who)
        if not (renderer.people and conversation and conversation.answered > 2
                and ask_again()):
            return False
        renderer.show(Reply(LEAVE_ASK.format(count=conversation.answered),
                            expects="text", kind="question"))
        answer = next(iter(lines), "").strip().casefold()
        if answer in ("yes", "y", ""):
            return False
        for reply in service.current(who):
            renderer.show(reply)


def _converse(service: Service, who: str, renderer: Renderer, lines: Iterable[str],
              extra: Callable[[str], list[Reply] | None] | None) -> bool:
    for line in lines:
        if not line.strip() and not renderer.keeps:
            continue
        handled = extra(line.strip()) if extra and line.strip() else None
        if handled is not None:
            for reply in handled + service.current(who):
                renderer.show(reply)
            continue
        parsed = renderer.parse(line)
        if isinstance(parsed, str):
            renderer.error(parsed)
            for reply in service.current(who):
                renderer.show(reply)
            continue
        replies = service.handle(who, parsed)
        for reply in replies:
            renderer.show(reply)
        if any(r.done for r in replies):
            return True
    return False
