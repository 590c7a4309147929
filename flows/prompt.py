"""What the engine asks a channel to show: one value per bot turn."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Prompt:
    """The current question (or the end), ready for any channel to render.

    `expects` is what the channel should accept next: "choice", "text",
    "optional_text", or "none" at an end.
    """

    state: str
    text: str
    expects: str
    choices: tuple[str, ...] = ()
    progress: tuple[int, int] | None = None
    note: str | None = None
    previous: str | None = None
    has_why: bool = False
    multi: bool = False

    @property
    def done(self) -> bool:
        return self.expects == "none"


@dataclass(frozen=True)
class Step:
    """The result of an answer: an optional reply to it, then the next prompt."""

    prompt: Prompt
    reply: str | None = None
