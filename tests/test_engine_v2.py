"""Schema 2 on the real machine: multi-select, answers that skip, reword and speak up,
path-specific sources, titles from answers, document records and overlays."""

from __future__ import annotations

import textwrap

import pytest

from flows.engine import DONE, Engine
from flows.errors import FlowError, InvalidAnswer
from flows.loader import load_text, merged
from flows.walk import walks

FLOW = textwrap.dedent('''
    id = "demo"
    version = "1"
    title = "Demo"
    start = "route"
    sources = ["Always cited"]
    title_from = ["kind", "decision"]

    [states.route]
    kind = "choice"
    section = "Route"
    ask = "Quick or full?"
    choices = [{ label = "Quick", next = "kind" }, { label = "Full", next = "kind" }]

    [states.kind]
    kind = "choice"
    section = "Dilemma"
    ask = "What kind?"
    next = "consulted"
    choices = [
      { label = "Risk to life", short = "Suicide risk", sources = ["NICE NG225"] },
      { label = "A solicitor's letter", short = "Solicitor's request", sources = ["CPR 31.17"] },
    ]

    [states.consulted]
    kind = "multi"
    section = "Consultation"
    ask = "Whom have you consulted?"
    next = "consult_view"
    choices = [{ label = "My supervisor" }, { label = "A colleague" }, { label = "No one yet" }]

    [states.consult_view]
    kind = "optional_text"
    section = "Consultation"
    ask = "What did that help you see?"
    skip_when = { consulted = ["No one yet"], route = ["Quick"] }
    next = "law"

    [states.law]
    kind = "choice"
    section = "Law"
    ask = "Does the request require you to share?"
    sources = ["Law source"]
    next = "decision"
    choices = [{ label = "It requires me" }, { label = "It does not" }]

    [[states.law.ask_when]]
    when = { kind = ["A solicitor's letter"] }
    text = "Does the letter require you to share?"

    [[states.law.say_when]]
    when = { law = ["It requires me"] }
    text = "A letter is not a court order."

    [states.decision]
    kind = "choice"
    section = "Decision"
    ask = "What have you decided?"
    next = "end"

    [[states.decision.choices]]
    label = "Keep the confidence"
    short = "Keep confidence"
    record = "I decided to keep the confidence."

    [[states.decision.choices]]
    label = "Not decided yet"
    record = "I have not decided yet."

    [states.end]
    kind = "end"
    say = "Thank you."
''')


@pytest.fixture
def engine() -> Engine:
    return Engine(load_text(FLOW, "demo.toml"))


def test_a_multi_select_toggles_until_done_and_records_every_choice(engine: Engine) -> None:
    session = engine.start()
    session.answer("Full")
    session.answer("Risk to life")
    assert session.prompt().choices[-1] == DONE
    with pytest.raises(InvalidAnswer, match="at least one"):
        session.answer(DONE)
    session.answer("A colleague")
    session.answer("My supervisor")
    assert "Chosen so far: My supervisor; A colleague" in session.prompt().text
    assert session.prompt().choices[:2] == ("✓ My supervisor", "✓ A colleague")
    session.answer("✓ A colleague")  # pressing a chosen one again takes it away
    session.answer(DONE)
    assert session.answers["consulted"] == "My supervisor"
    assert session.state == "consult_view"


def test_an_answer_can_make_a_later_question_unnecessary(engine: Engine) -> None:
    session = engine.start()
    for given in ("Full", "Risk to life", "No one yet", DONE):
        session.answer(given)
    assert session.state == "law"  # "What did that help you see?" is not asked
    session.back()
    assert session.state == "consulted"  # and back passes over it too


def test_the_quick_route_skips_what_the_full_route_asks(engine: Engine) -> None:
    quick = engine.start()
    for given in ("Quick", "Risk to life", "My supervisor", DONE):
        quick.answer(given)
    assert quick.state == "law"


def test_questions_are_reworded_and_contradictions_named_at_once(engine: Engine) -> None:
    session = engine.start()
    for given in ("Quick", "A solicitor's letter", "My supervisor", DONE):
        session.answer(given)
    assert session.prompt().text == "Does the letter require you to share?"
    step = session.answer("It requires me")
    assert step.reply == "A letter is not a court order."


def test_title_sources_and_record_come_from_the_path_taken(engine: Engine) -> None:
    session = engine.start()
    for given in ("Quick", "Risk to life", "My supervisor", DONE, "It does not",
                  "Keep the confidence"):
        session.answer(given)
    reflection = session.reflection()
    assert reflection.title == "Suicide risk: Keep confidence"
    assert reflection.sources == ("Always cited", "NICE NG225", "Law source")
    summary = reflection.summary("30 November 2026")
    assert "30 November 2026" in summary.splitlines()[1]
    assert "I decided to keep the confidence." in summary
    assert "I have not decided yet." not in summary
    assert "What did that help you see" not in summary and "Consultation view" not in summary


def test_an_empty_answer_after_back_keeps_the_earlier_words() -> None:
    flow = load_text(textwrap.dedent('''
        id = "t"
        version = "1"
        title = "T"
        start = "a"
        [states.a]
        kind = "text"
        section = "S"
        ask = "Tell me."
        next = "b"
        [states.b]
        kind = "yesno"
        section = "S"
        ask = "Sure?"
        yes = "end"
        no = "end"
        [states.end]
        kind = "end"
    '''), "t.toml")
    session = Engine(flow).start()
    session.answer("My first, careful answer.")
    session.back()
    assert session.prompt().previous == "My first, careful answer."
    session.answer("")
    assert session.answers["a"] == "My first, careful answer."


def test_a_snapshot_keeps_a_multi_select_half_made(engine: Engine) -> None:
    session = engine.start()
    for given in ("Full", "Risk to life", "A colleague"):
        session.answer(given)
    again = engine.restore(session.snapshot())
    again.answer(DONE)
    assert again.answers["consulted"] == "A colleague"


def test_walks_follow_the_engine_not_the_graph(engine: Engine) -> None:
    counts = sorted({w.questions for w in walks(engine)})
    assert counts == [5, 6]  # consult_view only on the full route, after a consultation
    assert all("consult_view" not in w.asked for w in walks(engine)
               if ("choice", "Quick") in w.inputs)


@pytest.mark.parametrize("text, problem", [
    ('ask = "Tap the button below."', "names 'Tap'"),
    ('ask = "Use /back if unsure."', "names '/back'"),
    ('ask = "Type skip to pass."', "names 'Type skip'"),
])
def test_flows_may_not_name_commands_or_buttons(text: str, problem: str) -> None:
    flow = FLOW.replace('ask = "What have you decided?"', text)
    with pytest.raises(FlowError) as caught:
        load_text(flow, "demo.toml")
    assert any(problem in str(p) for p in caught.value.problems)


@pytest.mark.parametrize("condition, problem", [
    ('skip_when = { nowhere = ["x"] }', "'nowhere', which is not a question"),
    ('skip_when = { route = ["Slow"] }', "expects 'Slow' from 'route'"),
])
def test_a_condition_naming_a_missing_answer_is_refused(condition: str, problem: str) -> None:
    flow = FLOW.replace('skip_when = { consulted = ["No one yet"], route = ["Quick"] }',
                        condition)
    with pytest.raises(FlowError) as caught:
        load_text(flow, "demo.toml")
    assert any(problem in str(p) for p in caught.value.problems)


def test_an_overlay_replaces_fields_and_can_add_questions() -> None:
    base = {"id": "base", "version": "1", "title": "Base", "start": "a", "abstract": True,
            "sources": ["Shared"],
            "states": {"a": {"kind": "text", "section": "S", "ask": "Base words?",
                             "why": "Base why.", "next": "end"},
                       "end": {"kind": "end"}}}
    import flows.loader as loader

    original = loader._raw
    loader._raw = lambda flow_id: base if flow_id == "base" else original(flow_id)
    try:
        data = merged({"extends": "base", "id": "local", "title": "Local",
                       "states": {"a": {"ask": "Local words?", "next": "extra"},
                                  "extra": {"kind": "text", "section": "S",
                                            "ask": "Local only?", "next": "end"}}},
                      "local.toml")
    finally:
        loader._raw = original
    assert data["id"] == "local" and "abstract" not in data and data["sources"] == ["Shared"]
    assert data["states"]["a"] == {"kind": "text", "section": "S", "ask": "Local words?",
                                   "why": "Base why.", "next": "extra"}
    assert "extra" in data["states"]
