"""Situations from practice, played through `schtum chat --jsonl` as a script would.

Each scenario answers the flow's questions in turn and checks the questions actually
asked (the path) and the key lines of the anonymised summary the practitioner reviews.
Free-text answers are written without names, as the flows ask, so the anonymiser
leaves them alone.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from flows.loader import load_flow

ROOT = Path(__file__).resolve().parent.parent
Answer = str | list[str] | None  # a choice, typed text, options of a multi-select; None skips


@dataclass(frozen=True)
class Transcript:
    """What the bot said, split into the questions asked and what followed them."""

    messages: list[dict[str, object]]
    path: list[str]
    summary: str

    @property
    def done(self) -> bool:
        return bool(self.messages) and self.messages[-1]["done"] is True

    def message_for(self, state: str, flow_id: str) -> str:
        asks = load_flow(flow_id).states[state].asks
        return next(str(m["text"]) for m in self.messages
                    if any(str(m["text"]).startswith(a) for a in asks))


def inputs_for(flow_id: str, steps: list[tuple[str, Answer]]) -> list[dict[str, str]]:
    """One JSON input per step: a button, typed text, or /skip."""
    flow = load_flow(flow_id)
    lines = []
    for state, answer in steps:
        if answer is None:
            lines.append({"command": "skip"})
        elif isinstance(answer, list):
            lines += [{"choice": option} for option in [*answer, "Done"]]
        elif flow.states[state].choices:
            lines.append({"choice": answer})
        else:
            lines.append({"text": answer})
    return lines


def start(flow_id: str, data_dir: Path) -> subprocess.Popen[str]:
    """The terminal channel in JSON mode, with its own data folder."""
    env = {**os.environ, "SCHTUM_STORAGE_DATA_DIR": str(data_dir)}
    return subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "chat", "--jsonl", "--flow", flow_id],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, env=env, cwd=ROOT)


def finish(process: subprocess.Popen[str], flow_id: str,
           lines: list[dict[str, str]]) -> Transcript:
    """Write the whole script of inputs at once, then read every message."""
    out, err = process.communicate("".join(json.dumps(x) + "\n" for x in lines), timeout=60)
    assert process.returncode == 0, err[-500:]
    return read(flow_id, [json.loads(line) for line in out.splitlines() if line.strip()])


def chat(flow_id: str, lines: list[dict[str, str]], data_dir: Path) -> Transcript:
    return finish(start(flow_id, data_dir), flow_id, lines)


def chat_all(jobs: dict[str, tuple[str, list[dict[str, str]]]],
             base: Path) -> dict[str, Transcript]:
    """Run many scripts, two at a time (the machine has two cores), keyed like `jobs`."""
    names, done = list(jobs), {}
    for pair in (names[i:i + 2] for i in range(0, len(names), 2)):
        running = {n: start(jobs[n][0], base / f"data{names.index(n)}") for n in pair}
        for name, process in running.items():
            done[name] = finish(process, jobs[name][0], jobs[name][1])
    return done


def read(flow_id: str, messages: list[dict[str, object]]) -> Transcript:
    """Recognise each question by its wording; everything after the last is the summary."""
    asks = sorted(((a, s.id) for s in load_flow(flow_id).states.values()
                   for a in (*s.asks, *(v.text for v in s.ask_when))),
                  key=lambda pair: -len(pair[0]))
    path, last = [], -1
    for index, message in enumerate(messages):
        if message["expects"] == "none":
            continue
        state = next((s for a, s in asks if str(message["text"]).startswith(a)), None)
        if state is not None:
            if not path or path[-1] != state:  # a multi-select asks again after each pick
                path.append(state)
            last = index
    summary = "\n".join(str(m["text"]) for m in messages[last + 1:])
    return Transcript(messages, path, summary)


def has_heading(summary: str, heading: str) -> bool:
    """A section heading is a line of its own, whatever its case."""
    return any(line.strip().casefold() == heading.casefold() for line in summary.splitlines())


@dataclass(frozen=True)
class Scenario:
    """A situation from practice: the flow, the answers given, what the record must say."""

    name: str
    flow: str
    steps: list[tuple[str, Answer]]
    lines: list[str] = field(default_factory=list)
    absent_text: list[str] = field(default_factory=list)
    absent_sources: list[str] = field(default_factory=list)
    said_after: dict[str, list[str]] = field(default_factory=dict)
    asked_text: dict[str, list[str]] = field(default_factory=dict)
    choices_at: dict[str, list[str]] = field(default_factory=dict)


QUICK, FULL = "Quick reflection (about 5 minutes)", "Full reflection (about 15 minutes)"
RISK = "Risk to the client's life (suicide, self-harm)"
REQUEST = "A request from police, a lawyer or an insurer"
NOTE = "a few careful words without names"


def quick(kind: str, *middle: tuple[str, Answer], decision: str = "Consult before deciding",
          consulted: Answer = None, flow_start: tuple[tuple[str, Answer], ...] = (
              ("danger", "No"), ("route", QUICK))) -> list[tuple[str, Answer]]:
    """A quick reflection: safety, route, the dilemma and its kind, then the essentials."""
    return [*flow_start, ("dilemma", "a client said something that may mean I must share"),
            ("kind", kind), *middle, ("consult_who", consulted or ["My supervisor"]),
            ("decision", decision), ("next_step", "talk it through at supervision this week"),
            ("next_when", "Within a few days")]


def full_tail(decision: str = "Consult before deciding", *, tests: str | None = None,
              consulted: Answer = None, disclose: tuple[str, str] | None = None
              ) -> list[tuple[str, Answer]]:
    """The full route from consultation to the end."""
    steps: list[tuple[str, Answer]] = [("consult_who", consulted or ["My supervisor"])]
    if consulted is None or not any(c.startswith("No one") for c in consulted):
        steps.append(("consult_view", "that there is more time than I feared"))
    steps += [("options", "keeping it risks harm; asking first keeps trust; I lean to asking"),
              ("decision", decision)]
    if disclose:
        steps += [("disclose_whom", disclose[0]), ("disclose_tell_client", disclose[1])]
    if tests:
        steps.append(("tests", tests))
    steps.append(("next_step", "speak to the client at our next session"))
    if decision not in ("Keep the confidence", "Consult before deciding", "Not decided yet"):
        steps.append(("next_who", "Me"))
    steps += [("next_when", "Within a few days"), ("unresolved", None),
              ("supervision_questions", "how to hold the worry between sessions")]
    return steps


def full(kind: str, *middle: tuple[str, Answer]) -> list[tuple[str, Answer]]:
    return [("danger", "No"), ("route", FULL),
            ("dilemma", "a client said something that may mean I must share"),
            ("kind", kind), *middle]


SCENARIOS = [
    Scenario(
        "not sure at safety is recorded as not sure, with a way on that says so", "breach-uk",
        quick(RISK, ("risk_plan", ["A safety plan we made together"]), flow_start=(
            ("danger", "Not sure"),
            ("safety_unsure", "Still not sure: reflect, keeping safety open"))),
        lines=["Anyone at risk of serious harm right now: Not sure",
               "still not sure whether anyone was at immediate risk",
               "Suicide risk: Consult before deciding"],
        absent_text=["Everyone is safe", "everyone safe"]),
    Scenario(
        "a solicitor's letter taken for a demand is named as a request at once", "breach-uk",
        full(REQUEST, ("request_from", "A lawyer for another party"),
             ("request_law", "It requires me to share"),
             ("request_options", ["A short report instead of the notes",
                                  "Wait for a court order, and ask to limit it"]),
             ("consent", "Not asked yet, and it's safe to ask"),
             ("contract_limits", "Yes, in writing"),
             ("law_advice", "Not yet, but I will"))
        + full_tail("Ask the client's consent first"),
        lines=["Request for records: Ask consent first",
               "I first thought it required me to share; the flow noted then that a request "
               "is not a court order.",
               "A short report instead of the notes; Wait for a court order, and ask to "
               "limit it"],
        said_after={"request_law": ["not a court order", "court order or summons would"]},
        choices_at={"request_options": ["A short report instead of the notes",
                                        "The client's own subject access request",
                                        "Wait for a court order, and ask to limit it"]}),
    Scenario(
        "a police request answered as binding, then shared with consent to the solicitor",
        "breach-uk",
        full(REQUEST, ("request_from", "The client's own lawyer"),
             ("request_law", "It requires me to share"),
             ("request_options", ["Ask the client for informed, written consent"]),
             ("consent", "Given in writing, for this purpose"),
             ("law_advice", "Yes, my insurer's legal helpline"))
        + full_tail("Disclose, with the client's consent", tests="Yes to all three",
                    disclose=("The client's solicitor", "Yes, before I share")),
        lines=["To whom (role): The client's solicitor",
               "Request for records: Share with consent"],
        said_after={"request_from": ["subject access request"],
                    "request_law": ["not a court order"]},
        choices_at={"disclose_whom": ["The client's solicitor"]}),
    Scenario(
        "a suicidal sixteen-year-old: safety plan, agreed contact, GP or crisis team, "
        "parents and the safeguarding lead", "breach-uk",
        full(RISK, ("risk_basis", "low mood and a plan, but a close friend and hope of a course"),
             ("capacity", "16 or 17, able to decide this"),
             ("risk_plan", ["The contact we agreed at the start",
                            "My safeguarding lead knows (under 18)"]),
             ("consent", "Not asked yet, and it's safe to ask"))
        + full_tail("Ask the client's consent first",
                    consulted=["My supervisor", "My safeguarding lead"]),
        lines=["The client's age and capacity: 16 or 17, able to decide this",
               "In place for the client's safety: The contact we agreed at the start; "
               "My safeguarding lead knows (under 18)",
               "Talked it through with, or will: My supervisor; My safeguarding lead"],
        asked_text={"risk_plan": ["parents or carers", "safeguarding lead", "safety plan",
                                  "GP or crisis team", "contact you agreed"]},
        choices_at={"risk_plan": ["A safety plan we made together",
                                  "The contact we agreed at the start",
                                  "The GP or crisis team is involved",
                                  "Parents or carers are involved (under 18)"]},
        absent_sources=["Terrorism", "Road Traffic"]),
    Scenario(
        "no one consulted yet: the question about what it showed is not asked", "breach-uk",
        full("Met by chance, or the fact of therapy",
             ("chance_what", "I met the client in public"),
             ("contract_limits", "Yes, but only by word of mouth"))
        + full_tail("Keep the confidence", tests="Not sure yet",
                    consulted=["No one yet, and I will"]),
        lines=["Chance meeting: Keep the confidence",
               "Talked it through with, or will: No one yet, and I will"],
        asked_text={"unresolved": ["What would help you answer the three tests"]}),
    Scenario(
        "FGM disclosed to a counsellor: the duty's scope is said at once", "breach-uk",
        quick("A possible duty in law to report",
              ("duty_type", "FGM in someone under 18")),
        said_after={"kind": ["FGM reporting duty"],
                    "duty_type": ["accredited registers", "not covered", "Safeguarding"]},
        lines=["Sources:", "FGM Act 2003, s.5B"]),
    Scenario(
        "an adult at risk in England and Wales cites the Care Act and the Welsh Act",
        "breach-uk", quick("An adult at risk of abuse or neglect"),
        lines=["Care Act 2014, s.42", "Social Services and Well-being (Wales) Act 2014"],
        absent_text=["Scotland", "Northern Ireland"]),
    Scenario(
        "an adult at risk in Scotland cites Scots law only", "breach-scotland",
        quick("An adult at risk of abuse or neglect"),
        lines=["Adult Support and Protection (Scotland) Act 2007"],
        absent_text=["Care Act", "Wales", "Northern Ireland"]),
    Scenario(
        "historic abuse in Northern Ireland: the duty to report relevant offences",
        "breach-ni",
        full("Abuse in the past, disclosed now",
             ("historic_risk", "No one at risk now, as far as I know"),
             ("risk_level", "Less serious"),
             ("risk_basis", "the person who harmed them died some years ago, they think"),
             ("consent", "The client has refused"), ("contract_limits", "Yes, in writing"),
             ("law_position", "I don't know yet"), ("law_advice", "Not yet, but I will"))
        + full_tail("Consult before deciding"),
        said_after={"kind": ["s.5 of the Criminal Law Act (NI) 1967"],
                    "historic_risk": ["reasonable excuse"]},
        lines=["Criminal Law Act (Northern Ireland) 1967, s.5",
               "Past abuse: Consult before deciding"],
        absent_text=["Care Act", "Children Act 1989"]),
    Scenario(
        "a US client threatens an identifiable person: duty to warn", "breach-us",
        full("Risk of serious harm to others", ("harm_who", "A person I could identify"),
             ("risk_level", "Serious, and could happen soon"),
             ("risk_basis", "a stated plan, access to a weapon, and rising anger"),
             ("consent", "Asking would increase the risk"),
             ("contract_limits", "Yes, in writing"),
             ("law_position", "It requires me to share"),
             ("law_advice", "Yes, my malpractice insurer's risk line"))
        + full_tail("Disclose without consent", tests="Yes to all three",
                    disclose=("The person at risk (a warning)", "Yes, afterwards")),
        lines=["Risk to others: Share without consent",
               "To whom (role): The person at risk (a warning)", "Tarasoff"],
        absent_text=["BACP", "solicitor"]),
]


@pytest.fixture(scope="module")
def transcripts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Transcript]:
    """Every scenario played once, up front, so the subprocesses can run in pairs."""
    jobs = {s.name: (s.flow, inputs_for(s.flow, s.steps) + [{"choice": "Discard"}])
            for s in SCENARIOS}
    return chat_all(jobs, tmp_path_factory.mktemp("scenarios"))


def after(transcript: Transcript, state: str, flow_id: str) -> str:
    """Everything the bot said from the answer to `state` up to the next question."""
    flow = load_flow(flow_id)
    wordings = [*flow.states[state].asks, *(v.text for v in flow.states[state].ask_when)]
    texts = [str(m["text"]) for m in transcript.messages]
    at = max(i for i, t in enumerate(texts) if any(t.startswith(w) for w in wordings))
    return "\n".join(texts[at + 1:at + 3])


def asked(transcript: Transcript, state: str, flow_id: str) -> dict[str, object]:
    flow = load_flow(flow_id)
    wordings = [*flow.states[state].asks, *(v.text for v in flow.states[state].ask_when)]
    return next(m for m in transcript.messages
                if any(str(m["text"]).startswith(w) for w in wordings))


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.name)
def test_scenario_takes_its_path_and_records_what_was_said(
        scenario: Scenario, transcripts: dict[str, Transcript]) -> None:
    transcript = transcripts[scenario.name]
    assert transcript.path == [state for state, _ in scenario.steps]
    assert transcript.done
    for line in scenario.lines:
        assert line in transcript.summary, line
    for missing in scenario.absent_text:
        assert missing not in transcript.summary, missing
    sources = next((x for x in transcript.summary.splitlines() if x.startswith("Sources:")), "")
    for missing in scenario.absent_sources:
        assert missing not in sources, missing
    for state, fragments in scenario.said_after.items():
        said = after(transcript, state, scenario.flow)
        for fragment in fragments:
            assert fragment in said, (state, fragment, said)
    for state, fragments in scenario.asked_text.items():
        text = str(asked(transcript, state, scenario.flow)["text"])
        for fragment in fragments:
            assert fragment in text, (state, fragment)
    for state, labels in scenario.choices_at.items():
        offered = asked(transcript, state, scenario.flow)["choices"]
        assert set(labels) <= set(offered), (state, offered)  # type: ignore[arg-type]


def test_the_capacity_guidance_separates_sixteen_and_over_from_gillick(
        tmp_path: Path) -> None:
    steps = full(RISK, ("risk_basis", NOTE))
    transcript = chat("breach-uk", inputs_for("breach-uk", steps) + [{"command": "why"},
                                                                     {"command": "cancel"}],
                      tmp_path)
    why = next(str(m["text"]) for m in transcript.messages
               if "Mental Capacity Act 2005" in str(m["text"]))
    assert "applies from 16" in why and "Under 16, Gillick" in why
    assert "still children for safeguarding" in why


def test_immediate_danger_shows_uk_crisis_numbers_in_one_step(tmp_path: Path) -> None:
    script = [{"command": "why"}, {"choice": "Yes"}, {"command": "cancel"}]
    transcript = chat("breach-uk", script, tmp_path)
    assert transcript.path == ["danger", "emergency"]
    assert any(str(m["text"]).startswith("If someone is in danger") and "BACP" in str(m["text"])
               for m in transcript.messages), "why shows the reason and names the framework"
    emergency = transcript.message_for("emergency", "breach-uk")
    for number in ("999", "111", "116 123", "85258"):
        assert number in emergency


def test_immediate_danger_shows_us_crisis_numbers_in_one_step(tmp_path: Path) -> None:
    transcript = chat("breach-us", [{"choice": "Yes"}, {"command": "cancel"}], tmp_path)
    assert transcript.path == ["danger", "emergency"]
    emergency = transcript.message_for("emergency", "breach-us")
    assert "911" in emergency and "988" in emergency


@pytest.mark.parametrize(("form", "steps", "sections"), [
    ("Ten minutes: Gibbs' cycle",
     ["description", "feelings", "evaluation", "analysis", "conclusion", "action_plan"],
     ["Description", "Feelings", "Evaluation", "Analysis", "Conclusion", "Action plan"]),
    ("Three minutes: What? So what? Now what?", ["what", "so_what", "now_what"],
     ["What?", "So what?", "Now what?"]),
])
def test_a_journal_entry_follows_the_chosen_form(form: str, steps: list[str],
                                                 sections: list[str], tmp_path: Path) -> None:
    script: list[tuple[str, Answer]] = [("form", form)]
    script += [(s, f"a reflection on the {s.replace('_', ' ')} of a hard session")
               for s in steps]
    script += [("supervision", None), ("wellbeing", "Tired, but fine")]
    transcript = chat("journal", inputs_for("journal", script) + [{"choice": "Discard"}],
                      tmp_path)
    assert transcript.path == [state for state, _ in script]
    assert transcript.done
    assert "How I am: Tired, but fine" in transcript.summary
    for heading in sections:
        assert has_heading(transcript.summary, heading), heading


def test_the_contract_flow_gives_words_for_a_new_client(tmp_path: Path) -> None:
    script: list[tuple[str, Answer]] = [
        ("setting", "Private practice"), ("client_group", "A young person under 18"),
        ("who_knows", "My supervisor, without names"), ("supervision_words", None),
        ("never_shared", "talk about you outside our sessions."),
        ("public_meeting", "Wait for the client to greet me first"),
        ("exceptions", "Yes, all of them"), ("exceptions_words", None),
        ("tell_first", "Yes, first, where it's safe"),
        ("risk_contact", "Their GP and someone they name"),
        ("notes", "An encrypted digital system"),
        ("notes_access", "In the first session, then in writing"),
        ("agreement", "A written agreement we talk through")]
    transcript = chat("contract", inputs_for("contract", script) + [{"choice": "Discard"}],
                      tmp_path)
    assert transcript.path == [state for state, _ in script]
    summary = transcript.summary
    assert "What I tell new clients about confidentiality" in summary
    for line in ("I will never talk about you outside our sessions.",
                 "You have the right to see what I write about you and to have a copy",
                 "I would contact your GP and someone you name for me now.",
                 "Because you are under 18"):
        assert line in summary, line
    for heading in ("Your notes and your right to see them", "When I might have to share"):
        assert has_heading(summary, heading), heading
    assert "Private practice:" not in summary and "Whom I'd contact:" not in summary
