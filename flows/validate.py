"""Load-time validation of a flow: every problem, located by file and state."""

from __future__ import annotations

import re
from collections.abc import Callable

from flows.errors import Problem
from flows.graph import can_reach_end, find_loop, reachable
from flows.schema import Condition, Flow, State

MAX_BUTTON_BYTES = 64
MAX_TEXT_CHARS = 1000
RESERVED_LABELS = ("Done",)  # a multi-select's own button
# Flows are channel-neutral: each channel names its own commands and controls.
CHANNEL_WORDS = re.compile(
    r"(?<![\w/])/[a-z]+\b|\b(buttons?|tap|click|press)\b|\btype (back|skip|why|cancel|help)\b",
    re.IGNORECASE)


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
        _check_conditions(flow, state, bad)
        for target in state.targets:
            if target not in flow.states:
                bad(state.id, f"leads to '{target}', which is not a state.")
    for state_id in flow.title_from:
        if state_id not in flow.states or not flow.states[state_id].choices:
            bad(None, f"'title_from' names '{state_id}', which is not a question with choices.")
    _check_channel_words(flow, bad)
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


def _check_conditions(flow: Flow, state: State,
                      bad: Callable[[str | None, str], None]) -> None:
    """Every condition names a question with choices, and answers it really offers."""
    conditions: list[tuple[str, Condition]] = []
    if state.skip_when is not None:
        conditions.append(("skip_when", state.skip_when))
    conditions += [("ask_when", v.when) for v in state.ask_when]
    conditions += [("say_when", v.when) for v in state.say_when]
    for name, condition in conditions:
        for other, labels in condition.wanted:
            target = flow.states.get(other)
            if target is None or not target.choices:
                bad(state.id, f"'{name}' refers to '{other}', which is not a question with "
                              "choices.")
                continue
            offered = {c.label for c in target.choices}
            for label in labels:
                if label not in offered:
                    bad(state.id, f"'{name}' expects '{label}' from '{other}', which does not "
                                  "offer it.")


def _check_channel_words(flow: Flow, bad: Callable[[str | None, str], None]) -> None:
    """A flow's words are shown in Telegram and the terminal alike: naming a /command or a
    button would be wrong in one of them, so each channel adds its own hints."""
    texts: list[tuple[str | None, str]] = [(None, flow.intro or ""), (None, flow.closing or "")]
    for state in flow.states.values():
        texts += [(state.id, t) for t in state.asks]
        texts += [(state.id, t or "") for t in (state.why, state.guidance, state.note,
                                                state.say, state.record)]
        texts += [(state.id, v.text) for v in (*state.ask_when, *state.say_when)]
        texts += [(state.id, c.say or "") for c in state.choices]
        texts += [(state.id, c.record or "") for c in state.choices]
    for state_id, text in texts:
        found = CHANNEL_WORDS.search(text)
        if found:
            bad(state_id, f"names '{found.group(0)}': flows are shown in every channel, so "
                          "they must not name commands or buttons.")


def _check_state_text(state_id: str, state: State, bad: Callable[[str | None, str], None]) -> None:
    for ask in state.asks:
        if len(ask) > MAX_TEXT_CHARS:
            bad(state_id, f"the question is {len(ask)} characters; "
                          f"keep it within {MAX_TEXT_CHARS}.")
    if state.kind == "multi":
        for label in RESERVED_LABELS:
            if any(c.label == label for c in state.choices):
                bad(state_id, f"'{label}' is the multi-select's own button; use another label.")
    for variant in (*state.ask_when, *state.say_when):
        if len(variant.text) > MAX_TEXT_CHARS:
            bad(state_id, f"a conditional text is over {MAX_TEXT_CHARS} characters.")
    for name in ("why", "guidance", "note", "say", "record"):
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
