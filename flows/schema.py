"""The flow definition as frozen values, parsed from TOML-shaped data.

Parsing is strict (unknown fields are reported) so that a typo by a clinical author
is caught at load time rather than silently changing a conversation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from flows.errors import Problem

KINDS = ("choice", "yesno", "text", "optional_text", "end")
YES, NO, UNSURE = "Yes", "No", "Not sure"
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")
STATE_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")

TOP_REQUIRED = ("id", "version", "title", "start", "states")
TOP_OPTIONAL = ("intro", "sources", "closing", "description")
STATE_FIELDS = {
    "kind", "ask", "section", "label", "why", "guidance", "note",
    "choices", "yes", "no", "unsure", "next", "say",
}
CHOICE_FIELDS = {"label", "next", "say"}


@dataclass(frozen=True)
class Choice:
    """One button: its label, the state it leads to, and an optional reply."""

    label: str
    next: str
    say: str | None = None


@dataclass(frozen=True)
class State:
    """One question (or an end) of a flow."""

    id: str
    kind: str
    asks: tuple[str, ...] = ()
    section: str | None = None
    label: str | None = None
    why: str | None = None
    guidance: str | None = None
    note: str | None = None
    choices: tuple[Choice, ...] = ()
    next: str | None = None
    say: str | None = None

    @property
    def is_end(self) -> bool:
        return self.kind == "end"

    @property
    def targets(self) -> tuple[str, ...]:
        """Every state this one can lead to, without duplicates, in order."""
        found = [c.next for c in self.choices]
        if self.next and self.kind in ("text", "optional_text"):
            found.append(self.next)
        return tuple(dict.fromkeys(found))

    @property
    def answer_label(self) -> str:
        return self.label or self.id.replace("_", " ").capitalize()


@dataclass(frozen=True)
class Flow:
    """A whole flow: metadata and its states keyed by id, in file order."""

    id: str
    version: str
    title: str
    start: str
    states: dict[str, State]
    intro: str | None = None
    sources: tuple[str, ...] = ()
    closing: str | None = None
    source_name: str = "<flow>"

    def state(self, state_id: str) -> State:
        return self.states[state_id]

    @property
    def sections(self) -> tuple[str, ...]:
        """Summary headings in the order the file first uses them."""
        return tuple(dict.fromkeys(s.section for s in self.states.values() if s.section))


def parse_flow(data: dict[str, Any], source: str) -> tuple[Flow | None, list[Problem]]:
    """Turn TOML data into a Flow, collecting every structural problem found."""
    problems: list[Problem] = []

    def bad(state: str | None, message: str) -> None:
        problems.append(Problem(source, state, message))

    for key in TOP_REQUIRED:
        if key not in data:
            bad(None, f"the required field '{key}' is missing.")
    for key in data:
        if key not in TOP_REQUIRED and key not in TOP_OPTIONAL:
            known = ", ".join(TOP_REQUIRED + TOP_OPTIONAL)
            bad(None, f"'{key}' is not a flow field (known: {known}).")
    if problems:
        return None, problems
    for key in ("id", "version", "title", "start"):
        if not isinstance(data[key], str) or not data[key].strip():
            bad(None, f"'{key}' must be a non-empty text value.")
    if isinstance(data["id"], str) and not ID_PATTERN.match(data["id"]):
        bad(None, "'id' may use only lower-case letters, digits and hyphens.")
    sources = data.get("sources", [])
    if not isinstance(sources, list) or not all(isinstance(s, str) for s in sources):
        bad(None, "'sources' must be a list of text values.")
        sources = []
    states_data = data["states"]
    if not isinstance(states_data, dict) or not states_data:
        bad(None, "'states' must hold at least one [states.<name>] table.")
        return None, problems
    states: dict[str, State] = {}
    for state_id, raw in states_data.items():
        state = _parse_state(state_id, raw, source, problems)
        if state is not None:
            states[state_id] = state
    if problems:
        return None, problems
    flow = Flow(
        id=data["id"], version=data["version"], title=data["title"], start=data["start"],
        states=states, intro=_opt_text(data, "intro"), sources=tuple(sources),
        closing=_opt_text(data, "closing"), source_name=source,
    )
    return flow, problems


def _opt_text(data: dict[str, Any], key: str) -> str | None:
    value = data.get(key)
    return value.strip() if isinstance(value, str) and value.strip() else None


def _parse_state(state_id: str, raw: Any, source: str, problems: list[Problem]) -> State | None:
    def bad(message: str) -> None:
        problems.append(Problem(source, state_id, message))

    if not STATE_PATTERN.match(state_id):
        bad("state names use lower-case letters, digits and underscores, starting with a letter.")
    if not isinstance(raw, dict):
        bad("must be a table of fields.")
        return None
    for key in raw:
        if key not in STATE_FIELDS:
            bad(f"'{key}' is not a state field (known: {', '.join(sorted(STATE_FIELDS))}).")
    kind = raw.get("kind")
    if kind not in KINDS:
        bad(f"'kind' must be one of {', '.join(KINDS)}.")
        return None
    for key in ("ask", "section", "label", "why", "guidance", "note", "next", "say",
                "yes", "no", "unsure"):
        if key in raw and key != "ask" and not isinstance(raw[key], str):
            bad(f"'{key}' must be text.")
    asks = _parse_asks(raw.get("ask"), kind, bad)
    if kind != "end" and not raw.get("section"):
        bad("the required field 'section' is missing (the summary heading for this answer).")
    choices = _parse_choices(kind, raw, bad)
    if kind in ("text", "optional_text") and not raw.get("next"):
        bad("the required field 'next' is missing.")
    if kind == "end":
        for key in ("next", "choices", "yes", "no", "unsure"):
            if key in raw:
                bad(f"an end state cannot have '{key}'.")
    return State(
        id=state_id, kind=kind, asks=asks, section=raw.get("section"), label=raw.get("label"),
        why=raw.get("why"), guidance=raw.get("guidance"), note=raw.get("note"),
        choices=choices, next=raw.get("next") if kind in ("text", "optional_text") else None,
        say=raw.get("say"),
    )


def _parse_asks(value: Any, kind: str, bad: Any) -> tuple[str, ...]:
    if value is None:
        if kind != "end":
            bad("the required field 'ask' is missing (the question to show).")
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value or not all(
            isinstance(v, str) and v.strip() for v in value):
        bad("'ask' must be a question, or a list of alternative wordings.")
        return ()
    return tuple(v.strip() for v in value)


def _parse_choices(kind: str, raw: dict[str, Any], bad: Any) -> tuple[Choice, ...]:
    if kind == "yesno":
        if "choices" in raw:
            bad("a yes/no question takes 'yes' and 'no', not 'choices'.")
        found = []
        for key, label in (("yes", YES), ("no", NO), ("unsure", UNSURE)):
            if key in raw:
                found.append(Choice(label, raw[key]))
            elif key != "unsure":
                bad(f"the required field '{key}' is missing (where that answer leads).")
        return tuple(found)
    if kind != "choice":
        if "choices" in raw:
            bad(f"a '{kind}' question cannot have 'choices'.")
        return ()
    items = raw.get("choices")
    if not isinstance(items, list) or not items:
        bad("the required field 'choices' is missing or empty.")
        return ()
    default_next = raw.get("next")
    result = []
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("label"), str):
            bad("each choice needs a 'label'.")
            continue
        for key in item:
            if key not in CHOICE_FIELDS:
                bad(f"choice '{item['label']}': '{key}' is not a choice field (label, next, say).")
        target = item.get("next", default_next)
        if not isinstance(target, str):
            bad(f"choice '{item['label']}' needs a 'next' (or the state a default 'next').")
            continue
        result.append(Choice(item["label"], target, item.get("say")))
    return tuple(result)
