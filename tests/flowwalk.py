"""Test helper: the inputs that walk a shipped flow along a realised path.

Paths come from `flows.walk.walks`, which runs the engine, so a question that earlier
answers skip is never given an input. A path is the tuple of questions asked, then the end.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from bot.messages import Input
from flows.engine import Engine
from flows.loader import load_flow
from flows.walk import Walk, walks

FREE_TEXT = ("text", "optional_text")


@cache
def _walks(flow_id: str) -> tuple[Walk, ...]:
    return tuple(walks(Engine(load_flow(flow_id))))


def path_with_most_text(flow_id: str) -> tuple[str, ...]:
    """The realised path asking the most free-text questions (the first such, stably)."""
    flow = load_flow(flow_id)
    best = max(_walks(flow_id),
               key=lambda w: sum(flow.states[s].kind in FREE_TEXT for s in w.asked))
    return best.asked + (best.end,)


def inputs_for(flow_id: str, path: tuple[str, ...], text: Callable[[str], str]) -> list[Input]:
    """The inputs of the realised walk along `path`: its choices (a multi-select's options
    then Done), and `text(state)` for each free-text question."""
    walk = next(w for w in _walks(flow_id) if w.asked + (w.end,) == tuple(path))
    flow = load_flow(flow_id)
    result, answered = [], iter(walk.asked)
    state = next(answered, None)
    for kind, value in walk.inputs:
        if kind == "choice":
            result.append(Input.choice(value))
            if flow.states[state].kind != "multi" or value == "Done":
                state = next(answered, None)
        else:
            result.append(Input.text(text(state or "")))
            state = next(answered, None)
    return result
