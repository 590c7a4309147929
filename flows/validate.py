"""Load-time validation of a flow: every problem, located by file and state."""

from __future__ import annotations

from collections.abc import Callable

from flows.errors import Problem
from flows.graph import can_reach_end, find_loop, reachable
from flows.schema import Flow, State

MAX_BUTTON_BYTES = 64
MAX_TEXT_CHARS = 1000


def validate(flow: Flow) -> list[Problem]:
    """Check targets, reachability, ends, loops and the limits a phone screen imposes."""
    problems: list[Problem] = []

    def bad(state: str | None, message: str) -> None:
        problems.append(Problem(flow.source_name, state, message))

    if flow.start not in flow.states:
        bad(None, f"'start' names '{flow.start}', which is not a state.")
    if not any(s.is_end for s in flow.states.values()):
        bad(None, "the flow has no end state (kind = \"end\").")
    for state in flow.states.values():
        _check_state_text(state.id, state, bad)
        for target in state.targets:
            if target not in flow.states:
                bad(state.id, f"leads to '{target}', which is not a state.")
    if problems:
        return problems
    unreachable = [s for s in flow.states if s not in reachable(flow)]
    for state in unreachable:
        bad(state, "cannot be reached from the start.")
    ending = can_reach_end(flow)
    for state in flow.states:
        if state not in ending:
            bad(state, "cannot reach an end: a conversation here would never finish.")
    loop = find_loop(flow)
    if loop:
        bad(loop[0], f"is part of a loop ({' → '.join(loop)}); flows must move forward only.")
    return problems


def _check_state_text(state_id: str, state: State, bad: Callable[[str | None, str], None]) -> None:
    for ask in state.asks:
        if len(ask) > MAX_TEXT_CHARS:
            bad(state_id, f"the question is {len(ask)} characters; "
                          f"keep it within {MAX_TEXT_CHARS}.")
    for name in ("why", "guidance", "note", "say"):
        value = getattr(state, name)
        if value and len(value) > MAX_TEXT_CHARS:
            bad(state_id, f"'{name}' is {len(value)} characters; keep it within {MAX_TEXT_CHARS}.")
    labels = [c.label for c in state.choices]
    for label in labels:
        if not label.strip():
            bad(state_id, "a choice label is empty.")
        elif len(label.encode()) > MAX_BUTTON_BYTES:
            bad(state_id, f"the choice '{label}' is {len(label.encode())} bytes; "
                          f"Telegram buttons allow {MAX_BUTTON_BYTES}.")
    for label in {lab for lab in labels if labels.count(lab) > 1}:
        bad(state_id, f"the choice '{label}' appears more than once.")
    for label in labels:
        if label.strip().isdigit():
            bad(state_id, f"the choice '{label}' is a number, which reads as a choice's position.")
        if any(c.say and len(c.say) > MAX_TEXT_CHARS for c in state.choices if c.label == label):
            bad(state_id, f"the reply to '{label}' is over {MAX_TEXT_CHARS} characters.")
