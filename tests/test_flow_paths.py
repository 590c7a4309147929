"""Path invariants of the shipped flows, checked on every realised walk through each flow.

Walks come from `flows.walk.walks`, which runs the engine: a question that earlier answers
skip is not on the walk, so these are the questions a practitioner really meets. Naming
conventions (docs/flows.md): a state whose id starts `disclose_` belongs to the
disclosure branch, and a choice whose label starts "Disclose" is a decision to disclose;
`consult_*` is consultation; `next_*`, `unresolved` and `supervision_questions` close the
record.
"""

from __future__ import annotations

import re
import statistics
from functools import cache

import pytest

from flows.engine import Engine
from flows.loader import load_flow, shipped_ids
from flows.schema import MULTI_SEPARATOR, Flow
from flows.walk import Walk, walks

BREACH = ["breach-uk", "breach-scotland", "breach-ni", "breach-us"]
ALL = [*BREACH, "contract", "journal"]
CRISIS_NUMBERS = {"breach-uk": ["999", "111", "116 123", "85258"],
                  "breach-scotland": ["999", "111", "116 123", "85258"],
                  "breach-ni": ["999", "0808 808 8000", "116 123", "85258"],
                  "breach-us": ["911", "988"]}
QUICK, FULL = "Quick reflection (about 5 minutes)", "Full reflection (about 15 minutes)"
PHASES = ("Safety", "The dilemma", "Consultation", "Decision", "Next steps")


@cache
def realised(flow_id: str) -> tuple[Walk, ...]:
    return tuple(walks(Engine(load_flow(flow_id))))


def route_of(walk: Walk) -> str:
    """quick, full, or stopped (after a safety concern the route is the quick one)."""
    given = walk.session.answers.get("route")
    if given:
        return "full" if given == FULL else "quick"
    return "stopped" if walk.end == "end_paused" else "quick"


def visible_texts(flow: Flow) -> list[str]:
    """Everything a practitioner can read: questions, notes, replies, labels, guidance."""
    texts = [flow.title, flow.intro or "", flow.closing or "", flow.record_title or ""]
    for state in flow.states.values():
        texts += [*state.asks, state.why or "", state.guidance or "", state.note or "",
                  state.say or "", state.label or "", state.record or ""]
        texts += [v.text for v in (*state.ask_when, *state.say_when)]
        texts += [t for c in state.choices for t in (c.label, c.say or "", c.record or "")]
    return [t for t in texts if t]


@pytest.fixture(scope="module", params=ALL)
def any_flow(request: pytest.FixtureRequest) -> Flow:
    return load_flow(request.param)


@pytest.fixture(scope="module", params=BREACH)
def breach(request: pytest.FixtureRequest) -> Flow:
    return load_flow(request.param)


def test_the_shipped_flows_are_the_ones_documented() -> None:
    assert set(ALL) == set(shipped_ids())


def test_the_common_breach_graph_is_valid_but_not_offered() -> None:
    base = load_flow("breach", include_abstract=True)
    assert base.id == "breach" and "breach" not in shipped_ids()


# ── Every realised walk ───────────────────────────────────────────────────────

def test_every_walk_ends_with_a_record_and_progress_rises(any_flow: Flow) -> None:
    engine = Engine(any_flow)
    for walk in realised(any_flow.id):
        assert any_flow.states[walk.end].is_end
        session, shown = engine.start(), []
        for _kind, value in walk.inputs:
            prompt = session.prompt()
            if not shown or shown[-1][0] != prompt.state:
                shown.append((prompt.state, prompt.progress))
            session.answer(value)
        steps = [p[0] for _, p in shown]
        assert steps == list(range(1, len(steps) + 1)), walk.asked
        assert all(k <= n for _, (k, n) in shown), shown


def test_every_question_is_met_on_some_walk(any_flow: Flow) -> None:
    met = {s for w in realised(any_flow.id) for s in (*w.asked, w.end)}
    assert met == set(any_flow.states)


def test_the_record_holds_only_questions_asked_and_options_chosen(any_flow: Flow) -> None:
    for walk in realised(any_flow.id):
        reflection = walk.session.reflection()
        assert [a.state for a in reflection.answers] == list(walk.asked)
        for answer in reflection.answers:
            state = any_flow.states[answer.state]
            if state.choices and state.kind != "multi":
                chosen = state.choice(answer.text)
                assert chosen is not None, (answer.state, answer.text)
                assert answer.sentence == chosen.record
            elif state.kind == "multi":
                labels = {c.label for c in state.choices}
                assert set(answer.text.split(MULTI_SEPARATOR)) <= labels


def test_no_record_sentence_belongs_to_an_option_not_chosen(any_flow: Flow) -> None:
    for walk in realised(any_flow.id):
        summary = walk.session.reflection().summary()
        for state_id in walk.asked:
            state = any_flow.states[state_id]
            given = walk.session.answers.get(state_id)
            for choice in state.choices:
                if choice.record and choice.label != given and choice.record not in {
                        c.record for c in state.choices if c.label == given}:
                    assert choice.record not in summary, (state_id, choice.label)


def test_sources_are_the_flows_own_and_those_the_walk_touched(any_flow: Flow) -> None:
    for walk in realised(any_flow.id):
        allowed = set(any_flow.sources)
        for state_id in walk.asked:
            state = any_flow.states[state_id]
            allowed |= set(state.sources)
            for label in walk.session.answers.get(state_id, "").split(MULTI_SEPARATOR):
                choice = state.choice(label)
                allowed |= set(choice.sources) if choice else set()
        assert set(walk.session.reflection().sources) <= allowed


def test_a_suicide_record_does_not_cite_terrorism_or_road_traffic_law(breach: Flow) -> None:
    for walk in realised(breach.id):
        if walk.session.answers.get("kind", "").startswith("Risk to the client's life"):
            cited = " ".join(walk.session.reflection().sources)
            assert "Terrorism" not in cited and "Road Traffic" not in cited


# ── The breach flows: routes and counts ───────────────────────────────────────

def test_the_quick_route_asks_at_most_ten_and_typically_eight(breach: Flow) -> None:
    quick = [w.questions for w in realised(breach.id) if route_of(w) == "quick"]
    assert max(quick) <= 10
    assert statistics.median(quick) <= 8


def test_the_full_route_typically_asks_eighteen_or_fewer(breach: Flow) -> None:
    full = [w.questions for w in realised(breach.id) if route_of(w) == "full"]
    assert statistics.median(full) <= 18


def test_the_quick_route_keeps_the_essentials(breach: Flow) -> None:
    for walk in realised(breach.id):
        if route_of(walk) == "quick":
            for state in ("danger", "dilemma", "kind", "consult_who", "decision",
                          "next_step", "next_when"):
                assert state in walk.asked, (state, walk.asked)


def test_the_full_route_ends_with_next_steps_unresolved_and_supervision(breach: Flow) -> None:
    for walk in realised(breach.id):
        if route_of(walk) == "full":
            assert walk.asked[-5:-3] == ("next_step", "next_who")[:len(walk.asked[-5:-3])] \
                or "next_step" in walk.asked
            assert walk.asked[-3:] == ("next_when", "unresolved", "supervision_questions") \
                or walk.asked[-2:] == ("unresolved", "supervision_questions")


def test_the_route_question_follows_safety_with_quick_and_full(breach: Flow) -> None:
    route = breach.states["route"]
    assert [c.label.split()[0] for c in route.choices] == ["Quick", "Full"]
    assert breach.states["danger"].choice("No").next == "route"


def test_every_breach_walk_passes_consultation(breach: Flow) -> None:
    for walk in realised(breach.id):
        assert any(s.startswith("consult_") for s in walk.asked), walk.asked


def test_every_full_disclosing_walk_asks_whom_telling_the_client_and_what(
        breach: Flow) -> None:
    disclosing = [w for w in realised(breach.id) if route_of(w) == "full"
                  and w.session.answers.get("decision", "").startswith("Disclose")]
    assert disclosing
    for walk in disclosing:
        assert "disclose_tell_client" in walk.asked and "next_step" in walk.asked


def test_the_disclosure_branch_is_entered_only_by_deciding_to_disclose(breach: Flow) -> None:
    for walk in realised(breach.id):
        if any(s.startswith("disclose_") for s in walk.asked):
            assert walk.session.answers["decision"].startswith("Disclose")


@pytest.mark.parametrize("answer", ["Yes", "Not sure"])
def test_a_safety_concern_reaches_crisis_numbers_in_one_step(breach: Flow,
                                                              answer: str) -> None:
    target = breach.states[breach.states["danger"].choice(answer).next]
    for number in CRISIS_NUMBERS[breach.id]:
        assert number in target.asks[0], (number, target.id)


def test_not_sure_at_safety_has_a_way_on_that_says_so(breach: Flow) -> None:
    unsure = breach.states[breach.states["danger"].choice("Not sure").next]
    assert unsure.id != breach.states["danger"].choice("Yes").next
    ways_on = [c for c in unsure.choices if c.next != "consult_later"]
    assert any("not sure" in c.label.casefold() for c in ways_on)
    for choice in ways_on:
        assert "safe" not in (choice.record or "").casefold().replace("safety", "")


def test_phases_come_in_order_on_every_walk(breach: Flow) -> None:
    for walk in realised(breach.id):
        sections = [breach.states[s].section for s in walk.asked]
        firsts = [sections.index(p) for p in PHASES if p in sections]
        assert firsts == sorted(firsts), walk.asked
        assert sections[0] == "Safety"


def test_breach_overlays_keep_the_common_shape() -> None:
    base = load_flow("breach", include_abstract=True)
    for flow_id in BREACH:
        flow = load_flow(flow_id)
        assert list(flow.states) == list(base.states), flow_id
        for state_id, mine in flow.states.items():
            theirs = base.states[state_id]
            assert mine.kind == theirs.kind and mine.next == theirs.next, state_id
            assert {c.next for c in mine.choices} == {c.next for c in theirs.choices}, state_id
            assert mine.skip_when == theirs.skip_when, state_id
        assert [c.label for c in flow.states["kind"].choices] == \
            [c.label for c in base.states["kind"].choices]


def test_the_record_is_titled_by_kind_and_decision(breach: Flow) -> None:
    for walk in realised(breach.id):
        if walk.end == "end_reflection":
            kind = breach.states["kind"].choice(walk.session.answers["kind"])
            decision = breach.states["decision"].choice(walk.session.answers["decision"])
            assert walk.session.reflection().title == \
                f"{kind.short}: {decision.short or decision.label}"


# ── Wording ───────────────────────────────────────────────────────────────────

def test_every_question_says_why_in_one_sentence_and_names_a_source(any_flow: Flow) -> None:
    source = re.compile(r"\b(19|20)\d\d\b|\b\d+\.\d+|\bB\.\d|\bs\.\d|\bCFR\b|\bArts?\. \d")
    for state in any_flow.states.values():
        if state.is_end:
            continue
        assert state.why and state.guidance, state.id
        assert not re.search(r"[.!?]\s+[A-Z]", state.why), f"{state.id}: one sentence, please"
        assert source.search(state.guidance), f"{state.id}: name the year or clause"


def test_questions_fit_a_phone_screen(any_flow: Flow) -> None:
    asks = [a for s in any_flow.states.values() for a in s.asks]
    asks += [v.text for s in any_flow.states.values() for v in s.ask_when]
    short = [a for a in asks if len(a) <= 200]
    assert len(short) >= 0.8 * len(asks)
    assert all(len(a) <= 320 for a in asks)


@pytest.mark.parametrize("flow_id", [*BREACH, "journal"])
def test_free_text_questions_warn_against_identifying_details(flow_id: str) -> None:
    for state in load_flow(flow_id).states.values():
        if state.kind in ("text", "optional_text"):
            assert state.note and "identif" in state.note.casefold(), state.id


def test_law_questions_prompt_checking_and_advice_not_answers(breach: Flow) -> None:
    prompt = re.compile(r"check|lawyer|attorney|advi[cs]e|helpline|risk line",
                        re.IGNORECASE)
    law = [s for s in breach.states.values() if s.section == "The law"]
    assert law
    for state in law:
        assert prompt.search(" ".join([*state.asks, state.guidance or ""])), state.id


def test_flows_leave_the_not_advice_line_to_the_engine(any_flow: Flow) -> None:
    for text in visible_texts(any_flow):
        assert not re.search(r"(not|isn't) (legal|clinical) advice", text, re.I), text


UK_ONLY = ("judgement", "counsellor", "recognis", "organis", "behaviour", "favour",
           "programme", "authoris", "colour", "centre", "practise", "solicitor", "GP",
           "BACP", "Caldicott", "UK GDPR", "safeguarding lead", "carers")
US_ONLY = ("judgment", "counselor", "recogniz", "organiz", "behavior", "favor ",
           "program ", "authoriz", "color", "center", "attorney", "HIPAA")


@pytest.mark.parametrize(("flow_id", "foreign"), [
    ("breach-uk", US_ONLY), ("breach-scotland", US_ONLY), ("breach-ni", US_ONLY),
    ("contract", US_ONLY), ("journal", US_ONLY), ("breach-us", UK_ONLY),
])
def test_each_flow_keeps_to_its_own_spelling_and_terms(flow_id: str,
                                                       foreign: tuple[str, ...]) -> None:
    for text in visible_texts(load_flow(flow_id)):
        for word in foreign:
            found = re.search(rf"\b{re.escape(word)}" if word.isupper() else re.escape(word),
                              text if word.isupper() else text.casefold())
            assert not found, (word, text)


ENGLAND_AND_WALES_ONLY = ("Care Act", "Children Act 1989", "Mental Capacity Act 2005",
                          "s.5B", "Civil Procedure Rules", "CPR")
SCOTLAND_ONLY = ("(Scotland) Act", "Court of Session", "sheriff court", "NHS 24")
NI_ONLY = ("(Northern Ireland)", "(NI)", "0808 808 8000")


@pytest.mark.parametrize(("flow_id", "foreign"), [
    ("breach-uk", SCOTLAND_ONLY + NI_ONLY),
    ("breach-scotland", ENGLAND_AND_WALES_ONLY + NI_ONLY),
    ("breach-ni", ENGLAND_AND_WALES_ONLY + SCOTLAND_ONLY),
    ("breach-us", ENGLAND_AND_WALES_ONLY + SCOTLAND_ONLY + NI_ONLY),
])
def test_each_jurisdiction_cites_only_its_own_law(flow_id: str,
                                                  foreign: tuple[str, ...]) -> None:
    flow = load_flow(flow_id)
    for text in visible_texts(flow):
        for law in foreign:
            if law in text:
                assert "England and Wales" in text and law in ("s.5B",), (law, text)
    for walk in realised(flow_id):
        for cited in walk.session.reflection().sources:
            assert not any(law in cited for law in foreign), (law, cited)


def test_the_base_names_no_law_that_only_some_jurisdictions_have() -> None:
    base = load_flow("breach", include_abstract=True)
    for text in visible_texts(base):
        for law in ENGLAND_AND_WALES_ONLY + SCOTLAND_ONLY + NI_ONLY:
            assert law not in text, (law, text)


def test_the_journal_offers_both_forms_first_and_varies_its_prompts() -> None:
    journal = load_flow("journal")
    first = journal.states[journal.start]
    assert len(first.choices) == 2
    sections = [{journal.states[s].section for s in w.asked} for w in realised("journal")]
    gibbs = {"Description", "Feelings", "Evaluation", "Analysis", "Conclusion", "Action plan"}
    short = {"What?", "So what?", "Now what?"}
    assert any(gibbs <= s for s in sections)
    assert any(short <= s and not gibbs & s for s in sections)
    for state in journal.states.values():
        if state.kind == "text":
            assert len(state.asks) >= 3, state.id


def test_the_contract_is_a_document_for_the_client_that_always_gives_the_right_of_access(
) -> None:
    contract = load_flow("contract")
    assert contract.style == "document"
    assert "reflection" not in (contract.record_title or "").casefold()
    for walk in realised("contract"):
        summary = walk.session.reflection().summary()
        assert summary.startswith("What I tell new clients about confidentiality")
        assert "right to see what I write about you" in summary
        covered = {contract.states[s].section for s in walk.asked}
        assert {"Who else may know", "What stays between us", "When I might have to share",
                "If I'm worried about your safety",
                "Your notes and your right to see them"} <= covered
    access = contract.states["notes_access"]
    assert access.kind == "choice" and all(c.record for c in access.choices)
