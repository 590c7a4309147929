"""The `schtum chat --jsonl` protocol under random and hostile lines, in-process: a real
Service over a real encrypted Store. No line may raise, every line gets a well-formed
reply, and a flow finished with hostile text is saved and reads back."""

from __future__ import annotations

import io
import json
import unicodedata
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot import commands, wording
from bot.messages import COMMANDS
from bot.service import Service
from bot.terminal import JsonRenderer, run_chat
from flows.loader import load_flow
from storage.store import Store
from storage.text import normalise
from tests.flowwalk import inputs_for, path_with_most_text

KEY = bytes(range(32))
FLOW = "breach-uk"
FIELDS = {"text", "choices", "expects", "progress", "done"}
EXPECTS = {"choice", "text", "optional_text", "none"}
HOSTILE = ["\ud800", "\udfff", "\u200b", "\u200d", "\u2060", "\u00ad", "\ufeff", "\u202e",
           "\u202c", "\u2066", "\u2069", "\u200f", "\u061c", "\u3164", "\x00", "\x1b",
           "\u2028", "\u00a0", "²", "٣", "ﬁ"]
LABELS = sorted({c.label for s in load_flow(FLOW).states.values() for c in s.choices}
                | set(wording.REVIEW_CHOICES))
ODD_LINES = ['{"text": "' + "x" * 100_000 + '"}', '{"text": "' + "é\u200b" * 50_000 + '"}',
             "[" * 50_000, '{"text": ' + "1" * 5000 + "}", "", "   ", "{}", '{"text": ""}',
             "null", '{"text": "a", "choice": "b"}', "reflections", "reflections ²",
             '{"command": "' + "\u202e" * 30 + '"}', '{"choice": 1e999}']
SETTINGS = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                          HealthCheck.data_too_large])

hostile_text = st.text(st.one_of(st.characters(codec=None, exclude_categories=()),
                                 st.sampled_from(HOSTILE)), max_size=200)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | hostile_text,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(hostile_text, inner,
                                                                 max_size=3),
    max_leaves=8)
one_line = st.one_of(
    hostile_text.map(lambda t: json.dumps({"text": t})),
    hostile_text.map(lambda t: json.dumps({"text": t}, ensure_ascii=False)),
    st.sampled_from(LABELS).map(lambda label: json.dumps({"choice": label})),
    st.sampled_from([c for c in COMMANDS if c != "cancel"]).map(
        lambda c: json.dumps({"command": c})),
    json_values.map(json.dumps),
    hostile_text,
    st.sampled_from(ODD_LINES),
).map(lambda line: line.replace("\n", " ").replace("\r", " "))


@pytest.fixture(scope="module")
def opened(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Service, str, Store]]:
    store = Store.open(tmp_path_factory.mktemp("jsonl") / "s.db", KEY)
    service = Service(store)
    yield service, service.who("terminal:property"), store
    store.close()


def drive(service: Service, who: str, lines: list[str]) -> tuple[bool, list[str], list[int]]:
    """Run the chat over `lines`; return whether it finished, every output line, and
    how many output lines each consumed input line produced."""
    out = io.StringIO()
    marks: list[int] = []

    def feed() -> Iterator[str]:
        for line in lines:
            marks.append(out.getvalue().count("\n"))
            yield line

    finished = run_chat(service, who, FLOW, JsonRenderer(out), feed(),
                        extra=lambda line: commands._reflections_word(service, who, line))
    written = out.getvalue().splitlines()
    counts = [b - a for a, b in zip(marks, [*marks[1:], len(written)], strict=False)]
    return finished, written, counts


def well_formed(line: str) -> dict[str, Any]:
    line.encode("utf-8")  # what a strict UTF-8 stdout needs
    message = json.loads(line)
    assert FIELDS <= set(message) <= FIELDS | {"error"}
    assert isinstance(message["text"], str) and message["text"]
    assert isinstance(message["choices"], list)
    assert all(isinstance(c, str) for c in message["choices"])
    assert message["expects"] in EXPECTS and isinstance(message["done"], bool)
    progress = message["progress"]
    assert progress is None or (len(progress) == 2 and all(isinstance(n, int) for n in progress))
    return message


@settings(SETTINGS, max_examples=150)
@given(st.lists(one_line, max_size=25))
def test_random_lines_never_raise_and_each_gets_a_well_formed_reply(
        opened: tuple[Service, str, Store], lines: list[str]) -> None:
    service, who, _ = opened
    finished, written, counts = drive(service, who, lines)
    messages = [well_formed(line) for line in written]
    for line, count in zip(lines, counts, strict=False):
        assert count >= 1 or not line.strip(), f"no reply to {line[:60]!r}"
    done = [n for n, m in enumerate(messages) if m["done"]]
    assert done == ([len(messages) - 1] if finished else [])


answer_text = st.text(st.one_of(st.characters(codec=None), st.sampled_from(HOSTILE[2:])),
                      min_size=1, max_size=200).filter(lambda t: normalise(t).strip() != "")


@settings(SETTINGS, max_examples=12)
@given(answer_text)
def test_a_flow_finished_with_hostile_text_is_saved_and_reads_back(
        opened: tuple[Service, str, Store], text: str) -> None:
    service, who, store = opened
    before = {r.id for r in store.list_reflections(who)}
    steps = inputs_for(FLOW, path_with_most_text(FLOW), lambda _: text)
    lines = [json.dumps({g.kind: g.value}) for g in steps] + [json.dumps({"choice": "Save"})]
    finished, written, _ = drive(service, who, lines)
    messages = [well_formed(line) for line in written]
    assert finished and messages[-1]["done"]
    assert any(m["text"] == wording.SAVED for m in messages[-3:])
    summary = [m for m in messages if m["choices"] == list(wording.REVIEW_CHOICES)][-1]
    (new,) = [r for r in store.list_reflections(who) if r.id not in before]
    body = store.read_reflection(who, new.id)
    assert body == summary["text"]
    assert not any(unicodedata.category(c) in ("Cf", "Cs") for c in body)


def test_the_strategies_reach_the_hostile_cases() -> None:
    """Guard against a strategy change that quietly stops testing what matters."""
    assert any(len(line) >= 100_000 for line in ODD_LINES)
    assert "\ud800" in HOSTILE and "\u202e" in HOSTILE and "" in ODD_LINES
