"""The engine: walking flows through the real transitions machine, back, skip, progress."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flows.engine import Engine, Session
from flows.errors import FlowError, InvalidAnswer
from flows.loader import load_flow, load_text, shipped_ids
from flows.schema import Flow
from flows.walk import walks

TINY = """
id = "tiny"
version = "1"
title = "Tiny"
start = "ready"
sources = ["A source (2024)"]

[states.ready]
kind = "yesno"
section = "Start"
label = "Ready"
ask = "Ready?"
why = "Because."
yes = "words"
no = "stop"

[states.words]
kind = "text"
section = "Detail"
ask = ["Say something.", "Tell me something."]
next = "extra"

[states.extra]
kind = "optional_text"
section = "Detail"
label = "Anything else"
ask = "Anything else?"
next = "pick"

[states.pick]
kind = "choice"
section = "Decision"
ask = "Which?"
choices = [{ label = "Left", next = "done", say = "Left it is." }, { label = "Right" }]
next = "done"

[states.done]
kind = "end"
say = "Thanks."

[states.stop]
kind = "end"
"""


@pytest.fixture
def engine() -> Engine:
    return Engine(load_text(TINY, "tiny.toml"))


def walk(session: Session, path: tuple[str, ...]) -> None:
    """Answer so as to follow `path` (a list of states) to its end."""
    flow = session.flow
    for here, there in zip(path, path[1:], strict=False):
        assert session.state == here
        state = flow.states[here]
        if state.choices:
            session.answer(next(c.label for c in state.choices if c.next == there))
        elif state.kind == "optional_text":
            session.skip()
        else:
            session.answer("Some words about it.")
    assert session.finished


def test_answers_move_through_the_machine_and_end_with_a_reflection(engine: Engine) -> None:
    session = engine.start()
    assert session.prompt().choices == ("Yes", "No")
    session.answer("yes")
    session.answer("It is complicated.")
    session.answer("Also this.")
    step = session.answer("Left")
    assert step.reply == "Left it is."
    assert step.prompt.done and step.prompt.text == "Thanks."
    reflection = session.reflection()
    assert reflection.path == ("ready", "words", "extra", "pick", "done")
    assert reflection.fields == {"ready": "Yes", "words": "It is complicated.",
                                 "extra": "Also this.", "pick": "Left"}
    summary = reflection.summary()
    for line in ("START", "• Ready: Yes", "DETAIL", "• Words: It is complicated.",
                 "• Anything else: Also this.", "DECISION", "Sources: A source (2024).",
                 "not legal or clinical advice"):
        assert line in summary


def test_a_choice_without_its_own_next_uses_the_states_default(engine: Engine) -> None:
    session = engine.start()
    session.answer("Yes")
    session.answer("Words.")
    session.skip()
    assert session.answer("Right").prompt.state == "done"


def test_back_returns_to_the_previous_question_with_the_answer_remembered(
        engine: Engine) -> None:
    session = engine.start()
    session.answer("Yes")
    session.answer("First version.")
    prompt = session.back()
    assert prompt.state == "words" and prompt.previous == "First version."
    session.answer("Second version.")
    walk(session, ("extra", "pick", "done"))
    assert session.reflection().fields["words"] == "Second version."


def test_back_then_a_different_branch_drops_the_abandoned_answers(engine: Engine) -> None:
    session = engine.start()
    session.answer("Yes")
    session.answer("Words on the yes branch.")
    session.back()
    session.back()
    session.answer("No")
    reflection = session.reflection()
    assert reflection.path == ("ready", "stop")
    assert "Words on the yes branch." not in reflection.summary()


def test_back_at_the_first_question_says_so(engine: Engine) -> None:
    with pytest.raises(InvalidAnswer, match="first question"):
        engine.start().back()


def test_skip_works_only_on_optional_questions(engine: Engine) -> None:
    session = engine.start()
    session.answer("Yes")
    with pytest.raises(InvalidAnswer, match="can't be skipped"):
        session.skip()
    session.answer("Words.")
    assert session.skip().prompt.state == "pick"
    walk(session, ("pick", "done"))
    assert "• Anything else: (skipped)" in session.reflection().summary()


@pytest.mark.parametrize("bad", ["Maybe", "", "3"])
def test_an_unknown_choice_is_refused_and_the_state_is_unchanged(engine: Engine,
                                                                  bad: str) -> None:
    session = engine.start()
    with pytest.raises(InvalidAnswer, match="Please pick one of the options: Yes, No."):
        session.answer(bad)
    assert session.state == "ready" and session.history == []


def test_an_empty_or_oversized_text_answer_is_refused(engine: Engine) -> None:
    session = engine.start()
    session.answer("Yes")
    with pytest.raises(InvalidAnswer, match="type a few words"):
        session.answer("   ")
    with pytest.raises(InvalidAnswer, match="3,000"):
        session.answer("x" * 3001)
    assert session.state == "words"


def test_the_question_wording_follows_the_seed(engine: Engine) -> None:
    texts = set()
    for seed in range(4):
        session = engine.start(seed=seed)
        session.answer("Yes")
        texts.add(session.prompt().text)
    assert texts == {"Say something.", "Tell me something."}


def test_why_shows_why_and_guidance_or_says_there_is_none(engine: Engine) -> None:
    session = engine.start()
    assert session.why() == "Because."
    session.answer("Yes")
    assert "no further note" in session.why()


def test_the_machine_refuses_a_move_the_flow_does_not_have(engine: Engine) -> None:
    session = engine.start()
    with pytest.raises(FlowError, match="no way from 'ready' to 'done'"):
        engine.move(session, "done")


def test_one_machine_serves_many_sessions_independently(engine: Engine) -> None:
    first, second = engine.start(), engine.start()
    first.answer("Yes")
    assert (first.state, second.state) == ("words", "ready")
    assert engine.machine.models == []  # sessions are not registered: nothing to remove


@given(st.lists(st.sampled_from(["Yes", "No", "words", "skip", "back", "Left", "Right"]),
                max_size=12))
@settings(max_examples=60, deadline=None)
def test_snapshot_and_restore_give_the_same_conversation(moves: list[str]) -> None:
    engine = Engine(load_text(TINY, "tiny.toml"))
    session = engine.start(seed=3)
    for move in moves:
        if session.finished:
            break
        try:
            if move == "skip":
                session.skip()
            elif move == "back":
                session.back()
            else:
                session.answer(move)
        except InvalidAnswer:
            pass
    restored = engine.restore(session.snapshot())
    assert restored.snapshot() == session.snapshot()
    assert restored.prompt() == session.prompt()


def test_a_snapshot_from_another_flow_version_is_refused(engine: Engine) -> None:
    snapshot = engine.start().snapshot() | {"version": "0"}
    with pytest.raises(FlowError, match="another version"):
        engine.restore(snapshot)


def shipped() -> list[Flow]:
    return [load_flow(flow_id) for flow_id in shipped_ids()]


@pytest.mark.parametrize("flow", shipped(), ids=lambda f: f.id)
def test_every_realised_walk_of_every_shipped_flow_ends_with_rising_progress(
        flow: Flow) -> None:
    """Replayed on a fresh session: k rises by one per question, "about n" never rises
    (it only tightens as answers rule questions out), and the record ends where it should."""
    engine = Engine(flow)
    visited: set[str] = set()
    for number, walk in enumerate(walks(engine)):
        if number % 50:  # one walk in fifty replayed (test_flow_paths replays them all)
            visited.update(walk.asked)
            continue
        session, seen = engine.start(), {}
        for _kind, value in walk.inputs:  # a multi-select takes several inputs: count once
            seen.setdefault(len(session.history), session.prompt().progress)
            session.answer(value)
        seen = [seen[k] for k in sorted(seen)]
        asked = [k for k, _ in seen]
        totals = [n for _, n in seen]
        assert asked == list(range(1, len(walk.asked) + 1))
        assert totals == sorted(totals, reverse=True), "the estimate went up"
        assert all(k <= n for k, n in seen)
        assert session.finished and session.reflection().end == walk.end
        visited.update(walk.asked)
    assert visited | {s.id for s in flow.states.values() if s.is_end} == set(flow.states)
