"""The flow definition as frozen values, parsed from TOML-shaped data.

Parsing is strict (unknown fields are reported) so that a typo by a clinical author
is caught at load time rather than silently changing a conversation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from flows.errors import Problem

KINDS = ("choice", "yesno", "multi", "text", "optional_text", "end")
YES, NO, UNSURE = "Yes", "No", "Not sure"
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")
STATE_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")

TOP_REQUIRED = ("id", "version", "title", "start", "states")
TOP_OPTIONAL = ("intro", "sources", "closing", "description", "title_from", "style",
                "record_title", "abstract", "extends", "locale")
LOCALES = ("en-GB", "en-US")
STATE_FIELDS = {
    "kind", "ask", "section", "label", "why", "guidance", "note",
    "choices", "yes", "no", "unsure", "next", "say",
    "sources", "skip_when", "ask_when", "say_when", "record",
}
CHOICE_FIELDS = {"label", "next", "say", "sources", "record", "short"}
STYLES = ("answers", "document")
MULTI_SEPARATOR = "; "


@dataclass(frozen=True)
class Condition:
    """True when, for some listed state, its answer is (or, for a multi, includes) one of
    the listed labels. Conditions read only answers given on the path so far."""

    wanted: tuple[tuple[str, tuple[str, ...]], ...]

    def holds(self, answers: dict[str, str]) -> bool:
        for state, labels in self.wanted:
            given = answers.get(state)
            if given is None:
                continue
            chosen = set(given.split(MULTI_SEPARATOR))
            if chosen & set(labels):
                return True
        return False

    @property
    def states(self) -> tuple[str, ...]:
        return tuple(state for state, _ in self.wanted)


@dataclass(frozen=True)
class Variant:
    """A text used instead of the usual one when its condition holds."""

    when: Condition
    text: str


@dataclass(frozen=True)
class Choice:
    """One button: its label, the state it leads to, and an optional reply."""

    label: str
    next: str
    say: str | None = None
    sources: tuple[str, ...] = ()
    record: str | None = None
    short: str | None = None


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
    sources: tuple[str, ...] = ()
    skip_when: Condition | None = None
    ask_when: tuple[Variant, ...] = ()
    say_when: tuple[Variant, ...] = ()
    record: str | None = None

    @property
    def is_end(self) -> bool:
        return self.kind == "end"

    @property
    def targets(self) -> tuple[str, ...]:
        """Every state this one can lead to, without duplicates, in order."""
        found = [c.next for c in self.choices]
        if self.next and (self.kind in ("text", "optional_text", "multi")
                          or self.skip_when is not None):
            found.append(self.next)
        return tuple(dict.fromkeys(found))

    def choice(self, label: str) -> Choice | None:
        return next((c for c in self.choices if c.label == label), None)

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
    title_from: tuple[str, ...] = ()
    style: str = "answers"
    record_title: str | None = None
    abstract: bool = False
    locale: str = "en-GB"
    description: str | None = None

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
    title_from = data.get("title_from", [])
    if not isinstance(title_from, list) or not all(isinstance(t, str) for t in title_from):
        bad(None, "'title_from' must be a list of state names.")
        title_from = []
    style = data.get("style", "answers")
    if style not in STYLES:
        bad(None, f"'style' must be one of {', '.join(STYLES)}.")
    locale = data.get("locale", "en-GB")
    if locale not in LOCALES:
        bad(None, f"'locale' must be one of {', '.join(LOCALES)}.")
    if not isinstance(data.get("abstract", False), bool):
        bad(None, "'abstract' must be true or false.")
    if problems:
        return None, problems
    flow = Flow(
        id=data["id"], version=data["version"], title=data["title"], start=data["start"],
        states=states, intro=_opt_text(data, "intro"), sources=tuple(sources),
        closing=_opt_text(data, "closing"), source_name=source, title_from=tuple(title_from),
        style=style, record_title=_opt_text(data, "record_title"),
        abstract=bool(data.get("abstract", False)), locale=locale,
        description=_opt_text(data, "description"),
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
                "yes", "no", "unsure", "record"):
        if key in raw and key != "ask" and not isinstance(raw[key], str):
            bad(f"'{key}' must be text.")
    asks = _parse_asks(raw.get("ask"), kind, bad)
    if kind != "end" and not raw.get("section"):
        bad("the required field 'section' is missing (the summary heading for this answer).")
    choices = _parse_choices(kind, raw, bad)
    if kind in ("text", "optional_text", "multi") and not raw.get("next"):
        bad("the required field 'next' is missing.")
    skip_when = _parse_condition(raw.get("skip_when"), "skip_when", bad)
    if skip_when is not None and not raw.get("next"):
        bad("a state with 'skip_when' needs a 'next': where to go when it is skipped.")
    if kind == "end":
        for key in ("next", "choices", "yes", "no", "unsure", "skip_when"):
            if key in raw:
                bad(f"an end state cannot have '{key}'.")
    keeps_next = kind in ("text", "optional_text", "multi") or skip_when is not None
    return State(
        id=state_id, kind=kind, asks=asks, section=raw.get("section"), label=raw.get("label"),
        why=raw.get("why"), guidance=raw.get("guidance"), note=raw.get("note"),
        choices=choices, next=raw.get("next") if keeps_next else None,
        say=raw.get("say"), sources=_parse_sources(raw.get("sources", []), bad),
        skip_when=skip_when, ask_when=_parse_variants(raw.get("ask_when"), "ask_when", bad),
        say_when=_parse_variants(raw.get("say_when"), "say_when", bad),
        record=raw.get("record"),
    )


def _parse_sources(value: Any, bad: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        bad("'sources' must be a list of text values.")
        return ()
    return tuple(v.strip() for v in value)


def _parse_condition(value: Any, name: str, bad: Any) -> Condition | None:
    """`{ state = ["label", …], … }`: holds when any listed state's answer is listed."""
    if value is None:
        return None
    if not isinstance(value, dict) or not value:
        bad(f"'{name}' must be a table of state = [answers].")
        return None
    wanted = []
    for state, labels in value.items():
        if isinstance(labels, str):
            labels = [labels]
        if not isinstance(labels, list) or not labels or not all(
                isinstance(x, str) for x in labels):
            bad(f"'{name}': {state} must list the answers, e.g. [\"Yes\"].")
            continue
        wanted.append((state, tuple(labels)))
    return Condition(tuple(wanted)) if wanted else None


def _parse_variants(value: Any, name: str, bad: Any) -> tuple[Variant, ...]:
    """`[{ when = {…}, text = "…" }, …]`: the first whose condition holds is used."""
    if value is None:
        return ()
    if not isinstance(value, list):
        bad(f"'{name}' must be a list of {{ when = {{…}}, text = \"…\" }} tables.")
        return ()
    found = []
    for item in value:
        if not isinstance(item, dict) or set(item) != {"when", "text"} or not isinstance(
                item.get("text"), str):
            bad(f"each '{name}' entry needs exactly 'when' and 'text'.")
            continue
        when = _parse_condition(item["when"], name, bad)
        if when is not None:
            found.append(Variant(when, item["text"].strip()))
    return tuple(found)


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
    if kind == "multi":
        return _parse_multi(raw, bad)
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
        result.append(_choice(item, target, bad))
    return tuple(result)


def _choice(item: dict[str, Any], target: str, bad: Any) -> Choice:
    for key in ("say", "record", "short"):
        if key in item and not isinstance(item[key], str):
            bad(f"choice '{item['label']}': '{key}' must be text.")
    return Choice(item["label"], target, item.get("say"),
                  _parse_sources(item.get("sources", []), bad), item.get("record"),
                  item.get("short"))


def _parse_multi(raw: dict[str, Any], bad: Any) -> tuple[Choice, ...]:
    """A multi-select: every option leads on to the state's own 'next'."""
    items = raw.get("choices")
    if not isinstance(items, list) or not items:
        bad("the required field 'choices' is missing or empty.")
        return ()
    result = []
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("label"), str):
            bad("each choice needs a 'label'.")
            continue
        for key in item:
            if key not in CHOICE_FIELDS - {"next"}:
                bad(f"choice '{item['label']}': '{key}' is not a field of a multi-select "
                    "option (they all lead to the state's 'next').")
        result.append(_choice(item, str(raw.get("next", "")), bad))
    return tuple(result)
