"""What passes between a channel and the service: inputs in, replies out.

Channels (terminal, JSON lines, Telegram) only render `Reply` values and turn what a
person typed or pressed into an `Input`, so one conversation behaves the same in each.
"""

from __future__ import annotations

from dataclasses import dataclass

COMMANDS = ("back", "skip", "cancel", "why", "help")


@dataclass(frozen=True)
class Input:
    """One thing the practitioner did: typed text, picked a choice, or gave a command."""

    kind: str  # "text" | "choice" | "command"
    value: str

    @classmethod
    def text(cls, value: str) -> Input:
        return cls("text", value)

    @classmethod
    def choice(cls, label: str) -> Input:
        return cls("choice", label)

    @classmethod
    def command(cls, name: str) -> Input:
        return cls("command", name)


@dataclass(frozen=True)
class Reply:
    """One bot message. `expects` says what may come next ("none" for information only).

    `private` marks text that holds the practitioner's content (summaries), so a channel
    can protect it (Telegram's protect_content) and never log it. `optional` (the question
    may be skipped) and `keep` (an empty answer keeps the earlier one) are facts, not
    words: each channel says them in its own terms (a command, a button, a key).
    """

    text: str
    choices: tuple[str, ...] = ()
    expects: str = "none"
    progress: tuple[int, int] | None = None
    done: bool = False
    kind: str = "info"  # question | intro | no_flow | info | warning | error | summary | …
    private: bool = False
    optional: bool = False
    keep: bool = False
