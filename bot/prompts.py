"""What a reminder says: an opening question from the journal flow's own bank.

The wordings are the journal's `ask` lists for its opening questions, so a reminder
asks what the journal would, and nothing names or points to a client. A reminder never
repeats the prompt of the last few sent, so no two weeks running share a prompt, for
daily and weekly schedules alike.
"""

from __future__ import annotations

import functools
import secrets

from flows.loader import load_flow

OPENING_STATES = ("description", "what")
RECENT = 7  # prompts remembered (indices only) to avoid repeating


@functools.cache
def bank() -> tuple[str, ...]:
    """Every opening wording of the journal flow, none mentioning a client."""
    flow = load_flow("journal")
    found: list[str] = []
    for state in OPENING_STATES:
        for asked in flow.states[state].asks:
            text = asked.removeprefix("What? ")  # the short form's heading, not a question
            if "client" not in text.casefold() and text not in found:
                found.append(text)
    return tuple(found)


def choose(recent: list[int]) -> int:
    """A prompt index not among the recent ones (as many as the bank allows)."""
    wordings = bank()
    avoid = set(recent[-min(RECENT, len(wordings) - 1):]) if len(wordings) > 1 else set()
    allowed = [i for i in range(len(wordings)) if i not in avoid]
    return allowed[secrets.randbelow(len(allowed))]


def remember(recent: list[int], chosen: int) -> list[int]:
    return [*recent, chosen][-RECENT:]
