"""Test helper: the inputs that walk a shipped flow along a chosen path."""

from __future__ import annotations

from collections.abc import Callable

from bot.messages import Input
from flows.graph import paths
from flows.loader import load_flow

FREE_TEXT = ("text", "optional_text")


def path_with_most_text(flow_id: str) -> tuple[str, ...]:
    flow = load_flow(flow_id)
    return max(paths(flow), key=lambda p: sum(flow.states[s].kind in FREE_TEXT for s in p))


def inputs_for(flow_id: str, path: tuple[str, ...], text: Callable[[str], str]) -> list[Input]:
    """One input per step: the choice leading on, or `text(state)` for free-text questions."""
    flow = load_flow(flow_id)
    result = []
    for here, there in zip(path, path[1:], strict=False):
        state = flow.states[here]
        if state.choices:
            result.append(Input.choice(next(c.label for c in state.choices if c.next == there)))
        else:
            result.append(Input.text(text(here)))
    return result
