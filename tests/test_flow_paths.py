"""Path invariants of the shipped flows, checked on every path through each flow graph.

Disclosure is detected from the data, by two conventions documented in docs/flows.md:
a state whose id starts `disclose_` belongs to the disclosure branch, and a choice whose
label starts "Disclose" is a decision to disclose. `consult_*` states are consultation,
`account_*` states the accountability step. The graphs are acyclic, so every path is
enumerated exhaustively here, with our own walk rather than the engine's.
"""

from __future__ import annotations

import re

import pytest

from flows.loader import load_flow, shipped_ids
from flows.schema import Flow, State

BREACH = ["breach-uk", "breach-us"]
ALL = ["breach-uk", "breach-us", "contract", "journal"]
CRISIS_NUMBERS = {"breach-uk": ["999", "111", "116 123", "85258"], "breach-us": ["911", "988"]}
DISCLOSE_STATE, DISCLOSE_LABEL = "disclose_", "Disclose"
MUST_ASK_WHEN_DISCLOSING = ("disclose_minimum", "disclose_tell_client")
PHASES = ("Safety", "The dilemma", "Consultation", "Options", "Decision", "Accountability")

Step = tuple[str, tuple[str, ...]]  # (state id, the answers that lead on to the next state)


def walks(flow: Flow) -> list[tuple[Step, ...]]:
    """Every path from the start to a state with no way on.

    Answers leading to the same next state share one step, so a path counts as taking
    a "Disclose…" answer if any of the answers on that step is one.
    """
    found: list[tuple[Step, ...]] = []

    def go(state_id: str, so_far: tuple[Step, ...]) -> None:
        exits = _exits(flow.states[state_id])
        if not exits:
            found.append(so_far + ((state_id, ()),))
        for target, labels in exits.items():
            go(target, so_far + ((state_id, labels),))

    go(flow.start, ())
    return found


def _exits(state: State) -> dict[str, tuple[str, ...]]:
    exits: dict[str, tuple[str, ...]] = {}
    for choice in state.choices:
        exits[choice.next] = exits.get(choice.next, ()) + (choice.label,)
    if state.next and not state.choices:
        exits[state.next] = ("(text)",)
    return exits


def states_on(walk: tuple[Step, ...]) -> list[str]:
    return [state for state, _ in walk]


def discloses(walk: tuple[Step, ...]) -> bool:
    """True when the path enters the disclosure branch or may pick a "Disclose…" answer."""
    return any(state.startswith(DISCLOSE_STATE) or
               any(label.startswith(DISCLOSE_LABEL) for label in labels)
               for state, labels in walk)


def account_states(flow: Flow) -> list[str]:
    return [s for s in flow.states if s.startswith("account_")]


def visible_texts(flow: Flow) -> list[str]:
    """Everything a practitioner can read: questions, notes, replies, labels, guidance."""
    texts = [flow.title, flow.intro or "", flow.closing or ""]
    for state in flow.states.values():
        texts += [*state.asks, state.why or "", state.guidance or "", state.note or "",
                  state.say or "", state.label or ""]
        texts += [c.label for c in state.choices] + [c.say or "" for c in state.choices]
    return [t for t in texts if t]


@pytest.fixture(scope="module", params=ALL)
def any_flow(request: pytest.FixtureRequest) -> Flow:
    return load_flow(request.param)


@pytest.fixture(scope="module", params=BREACH)
def breach(request: pytest.FixtureRequest) -> Flow:
    return load_flow(request.param)


def test_the_shipped_flows_are_the_ones_documented() -> None:
    assert set(ALL) <= set(shipped_ids())


def test_no_path_ends_without_a_summary(any_flow: Flow) -> None:
    for walk in walks(any_flow):
        assert any_flow.states[walk[-1][0]].is_end, states_on(walk)


@pytest.mark.parametrize("flow_id", BREACH)
def test_every_breach_path_passes_consultation(flow_id: str) -> None:
    for walk in walks(load_flow(flow_id)):
        assert any(s.startswith("consult_") for s in states_on(walk)), states_on(walk)


def test_every_disclosing_path_asks_minimum_telling_the_client_and_accountability(
        breach: Flow) -> None:
    disclosing = [w for w in walks(breach) if discloses(w)]
    assert disclosing, "no path discloses: the convention is not being used"
    for walk in disclosing:
        visited = states_on(walk)
        for required in (*MUST_ASK_WHEN_DISCLOSING, *account_states(breach)):
            assert required in visited, (required, visited)


def test_every_disclose_choice_leads_into_the_disclosure_branch(breach: Flow) -> None:
    for state in breach.states.values():
        for choice in state.choices:
            if choice.label.startswith(DISCLOSE_LABEL):
                assert choice.next.startswith(DISCLOSE_STATE), (state.id, choice.label)


def test_the_disclosure_branch_is_entered_only_by_deciding_to_disclose(breach: Flow) -> None:
    for walk in walks(breach):
        labels = [label for _, step in walk for label in step]
        if any(s.startswith(DISCLOSE_STATE) for s in states_on(walk)):
            assert any(lab.startswith(DISCLOSE_LABEL) for lab in labels), states_on(walk)


def test_some_paths_never_disclose(breach: Flow) -> None:
    assert any(not discloses(w) for w in walks(breach))


@pytest.mark.parametrize("answer", ["Yes", "Not sure"])
def test_immediate_danger_reaches_emergency_guidance_in_one_step(breach: Flow,
                                                                   answer: str) -> None:
    danger = breach.states[breach.start]
    assert danger.kind == "yesno"
    target = next(c.next for c in danger.choices if c.label == answer)
    for ask in breach.states[target].asks:
        for number in CRISIS_NUMBERS[breach.id]:
            assert number in ask, (number, ask)


def test_after_emergency_guidance_the_practitioner_can_continue_or_stop(breach: Flow) -> None:
    danger = breach.states[breach.start]
    emergency = breach.states[next(c.next for c in danger.choices if c.label == "Yes")]
    targets = {c.next for c in emergency.choices}
    continue_to = next(c.next for c in danger.choices if c.label == "No")
    assert continue_to in targets, "carrying on should join the ordinary reflection"
    assert len(targets) == 2
    for walk in walks(breach):
        if states_on(walk)[1] == emergency.id:
            assert breach.states[walk[-1][0]].is_end


def test_phases_come_in_order_on_every_path(breach: Flow) -> None:
    for walk in walks(breach):
        sections = [breach.states[s].section for s in states_on(walk)]
        firsts = [sections.index(p) for p in PHASES if p in sections]
        assert firsts == sorted(firsts), states_on(walk)
        assert sections[0] == "Safety"


def test_breach_flows_share_the_same_structure() -> None:
    uk, us = load_flow("breach-uk"), load_flow("breach-us")
    assert uk.start == us.start
    assert list(uk.states) == list(us.states)
    for state_id, mine in uk.states.items():
        theirs = us.states[state_id]
        assert mine.kind == theirs.kind, state_id
        assert [c.next for c in mine.choices] == [c.next for c in theirs.choices], state_id
        assert mine.next == theirs.next, state_id
    assert [states_on(w) for w in walks(uk)] == [states_on(w) for w in walks(us)]


def test_typical_breach_paths_stay_phone_sized(breach: Flow) -> None:
    lengths = sorted(len(w) - 1 for w in walks(breach))
    assert lengths[len(lengths) // 2] <= 24
    assert lengths[-1] <= 28


def test_every_question_says_why_in_one_sentence_and_names_a_source(any_flow: Flow) -> None:
    source = re.compile(r"\b(19|20)\d\d\b|\b\d+\.\d+|\bB\.\d|\bs\.\d|\bCFR\b")
    for state in any_flow.states.values():
        if state.is_end:
            continue
        assert state.why and state.guidance, state.id
        assert not re.search(r"[.!?]\s+[A-Z]", state.why), f"{state.id}: one sentence, please"
        assert source.search(state.guidance), f"{state.id}: name the year or clause"


def test_questions_fit_a_phone_screen(any_flow: Flow) -> None:
    asks = [a for s in any_flow.states.values() for a in s.asks]
    short = [a for a in asks if len(a) <= 200]
    assert len(short) >= 0.9 * len(asks)
    assert all(len(a) <= 300 for a in asks)


@pytest.mark.parametrize("flow_id", ["breach-uk", "breach-us", "journal"])
def test_free_text_questions_warn_against_identifying_details(flow_id: str) -> None:
    for state in load_flow(flow_id).states.values():
        if state.kind in ("text", "optional_text"):
            assert state.note and "identif" in state.note.casefold(), state.id


def test_law_questions_prompt_checking_and_advice_not_answers(breach: Flow) -> None:
    prompt = re.compile(r"check|lawyer|attorney|advi[cs]e|helpline", re.IGNORECASE)
    law = [s for s in breach.states.values() if s.section == "The law"]
    assert law
    for state in law:
        assert prompt.search(" ".join([*state.asks, state.guidance or ""])), state.id


def test_flows_leave_the_not_advice_line_to_the_engine(any_flow: Flow) -> None:
    for text in visible_texts(any_flow):
        assert not re.search(r"(not|isn't) (legal|clinical) advice", text, re.I), text


UK_ONLY = ("judgement", "counsellor", "recognis", "organis", "behaviour", "favour",
           "programme", "authoris", "colour", "centre", "practise")
US_ONLY = ("judgment", "counselor", "recogniz", "organiz", "behavior", "favor ",
           "program ", "authoriz", "color", "center")


@pytest.mark.parametrize(("flow_id", "foreign"), [
    ("breach-uk", US_ONLY), ("contract", US_ONLY), ("journal", US_ONLY),
    ("breach-us", UK_ONLY),
])
def test_each_flow_keeps_to_its_own_spelling(flow_id: str, foreign: tuple[str, ...]) -> None:
    for text in visible_texts(load_flow(flow_id)):
        for word in foreign:
            assert word not in text.casefold(), (word, text)


def test_the_journal_offers_both_forms_first_and_varies_its_prompts() -> None:
    journal = load_flow("journal")
    first = journal.states[journal.start]
    assert len(first.choices) == 2
    sections = [{journal.states[s].section for s in states_on(w)} for w in walks(journal)]
    gibbs = {"Description", "Feelings", "Evaluation", "Analysis", "Conclusion", "Action plan"}
    short = {"What?", "So what?", "Now what?"}
    assert sorted(map(len, sections)) and any(gibbs <= s for s in sections)
    assert any(short <= s and not gibbs & s for s in sections)
    for state in journal.states.values():
        if state.kind == "text":
            assert len(state.asks) >= 3, state.id


def test_the_contract_outline_covers_what_good_practice_spells_out() -> None:
    contract = load_flow("contract")
    [walk] = walks(contract)
    covered = {contract.states[s].section for s in states_on(walk)}
    assert {"Who else may know", "What stays private", "The limits",
            "If risk becomes serious", "Notes and records"} <= covered
