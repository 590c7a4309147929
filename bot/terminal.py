"""The terminal channel: one conversation, for people (numbered choices) or scripts (JSON).

It only renders replies and turns typed lines into inputs; the service does the rest.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TextIO

from bot import wording
from bot.messages import COMMANDS, Input, Reply
from bot.service import Service

ParseResult = Input | str  # an input, or one sentence saying what was wrong


class Renderer:
    """How replies look and how a line becomes an input; one per output style."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.choices: tuple[str, ...] = ()

    def show(self, reply: Reply) -> None:
        raise NotImplementedError

    def error(self, sentence: str) -> None:
        raise NotImplementedError

    def parse(self, line: str) -> ParseResult:
        raise NotImplementedError


class HumanRenderer(Renderer):
    """Plain text: progress, the question, numbered choices, a prompt."""

    def show(self, reply: Reply) -> None:
        lines = []
        if reply.progress:
            lines.append(f"[{wording.progress_text(reply.progress)}]")
        prefix = {"warning": "Note: ", "error": "Sorry: "}.get(reply.kind, "")
        lines.append(prefix + reply.text)
        lines += [f"  {n}. {label}" for n, label in enumerate(reply.choices, 1)]
        if reply.choices or reply.expects != "none":
            self.choices = reply.choices
        self.out.write("\n".join(lines) + "\n\n")
        self.out.flush()

    def error(self, sentence: str) -> None:
        self.out.write(f"Sorry: {sentence}\n\n")

    def parse(self, line: str) -> ParseResult:
        text = line.strip()
        word = text.lstrip("/").casefold()
        if word in COMMANDS:
            return Input.command(word)
        if text.isdigit() and self.choices:
            number = int(text)
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

    def error(self, sentence: str) -> None:
        self.show(Reply(sentence, kind="error"))

    def parse(self, line: str) -> ParseResult:
        try:
            data = json.loads(line)
        except json.JSONDecodeError:
            return ('That line is not valid JSON; send {"text": …}, {"choice": …} '
                    'or {"command": …}.')
        if not isinstance(data, dict) or len(data) != 1:
            return "Send one object with exactly one key: text, choice or command."
        (key, value), = data.items()
        if key not in ("text", "choice", "command") or not isinstance(value, str):
            return "The key must be text, choice or command, with a string value."
        if key == "command" and value not in COMMANDS:
            return f"Unknown command '{value}'; known: {', '.join(COMMANDS)}."
        return Input(key, value)


def run_chat(service: Service, who: str, flow_id: str, renderer: Renderer, lines: TextIO,
             extra: Callable[[str], list[Reply] | None] | None = None) -> bool:
    """Run one flow until it is done (True) or the input ends first (False)."""
    for reply in service.begin(who, flow_id):
        renderer.show(reply)
    for line in lines:
        if not line.strip():
            continue
        handled = extra(line.strip()) if extra else None
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
