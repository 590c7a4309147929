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
Answer = str | None  # a choice label or typed text; None skips an optional question


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
    asks = sorted(((a, s.id) for s in load_flow(flow_id).states.values() for a in s.asks),
                  key=lambda pair: -len(pair[0]))
    path, last = [], -1
    for index, message in enumerate(messages):
        if message["expects"] == "none":
            continue
        state = next((s for a, s in asks if str(message["text"]).startswith(a)), None)
        if state is not None:
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
    sections: list[str] = field(default_factory=list)
    absent: list[str] = field(default_factory=list)


def understanding(contract: str, consent: str, law: str, advice: str,
                  us: bool = False) -> list[tuple[str, Answer]]:
    limits = "Yes, in writing (informed consent form)" if us and contract == "Yes, in writing" \
        else contract
    return [("contract_limits", limits), ("consent", consent), ("law_position", law),
            ("law_advice", advice)]


def decision_and_after(decision: str, *, disclose: tuple[str, str, str] | None = None,
                       principle: str = "Non-maleficence (avoiding harm)",
                       consulted: str = "My supervisor",
                       record: str = "My clinical notes") -> list[tuple[str, Answer]]:
    steps: list[tuple[str, Answer]] = [
        ("consult_who", consulted),
        ("consult_view", "that the risk was real and that asking first was still possible"),
        ("options", "keeping it risks harm; asking first keeps trust; sharing without "
                    "asking may end the work"),
        ("principle", principle), ("decision", decision)]
    if disclose:
        whom, how, tell = disclose
        steps += [("disclose_whom", whom),
                  ("disclose_minimum", "the nature of the concern and current risk only, "
                                       "no history"),
                  ("disclose_secure", how), ("disclose_tell_client", tell)]
    steps += [("rationale", "the risk outweighs the harm to trust, and the client knew "
                            "this limit from the start"),
              ("tests", "Yes to all three"), ("account_record", record),
              ("account_review", "At my next supervision"), ("account_supervision", None),
              ("account_selfcare", "Unsettled, but managing")]
    return steps


RISK = "Risk to the client's life (suicide, self-harm)"
DILEMMA = ("dilemma", "a client spoke of ending their life after a loss and asked me "
                      "to tell no one")
SCENARIOS = [
    Scenario(
        "a suicidal client at immediate risk: act first, stop, debrief later", "breach-uk",
        [("danger", "Yes"), ("emergency", "Stop here for now"),
         ("consult_later", "My supervisor")],
        lines=["Anyone at risk of serious harm right now: Yes",
               "After the emergency guidance: Stop here for now",
               "Will talk it through with: My supervisor"],
        sections=["Safety", "Consultation"], absent=["If disclosing"]),
    Scenario(
        "a suicidal client, safe for now, who agrees to their GP being told", "breach-uk",
        [("danger", "Yes"), ("emergency", "Everyone is safe: carry on reflecting"), DILEMMA,
         ("kind", RISK), ("contract_contact", "Yes"),
         ("risk_level", "Serious, but not imminent"),
         ("risk_basis", "a plan but no means; close friends and a wish to see a child grow"),
         ("capacity", "Yes, an adult with capacity"),
         *understanding("Yes, in writing", "Given in writing, for this purpose",
                        "It permits sharing (my discretion)", "Not yet, but I will"),
         *decision_and_after("Disclose, with the client's consent",
                             disclose=("The client's GP", "By phone, then confirmed securely",
                                       "Yes, before I share"))],
        lines=["Kind of dilemma: " + RISK, "Contact agreed for serious risk: Yes",
               "How serious and how soon: Serious, but not imminent",
               "Decision: Disclose, with the client's consent",
               "To whom (role): The client's GP", "Telling the client: Yes, before I share"],
        sections=["Safety", "The dilemma", "The contract", "Consent and capacity", "The law",
                  "Risk", "Consultation", "Options", "Principles", "Decision",
                  "If disclosing", "Accountability"]),
    Scenario(
        "a child protection concern shared with children's social care", "breach-uk",
        [("danger", "No"),
         ("dilemma", "a parent in therapy described hitting their young child hard"),
         ("kind", "A child or an adult at risk (safeguarding)"),
         ("safeguard_who", "A child or young person (under 18)"),
         ("risk_level", "Serious, and could happen soon"),
         ("risk_basis", "repeated, recent, and the parent is overwhelmed; a partner helps"),
         ("capacity", "Yes, an adult with capacity"),
         *understanding("Yes, in writing", "Asking would increase the risk",
                        "It permits sharing (my discretion)",
                        "Yes, my professional body's helpline"),
         *decision_and_after("Disclose without consent",
                             principle="Justice (fairness, others' safety)",
                             consulted="My safeguarding lead",
                             disclose=("Children's or adult social care",
                                       "By phone, then confirmed securely",
                                       "Yes, before I share"))],
        lines=["Who is at risk: A child or young person (under 18)",
               "Consent: Asking would increase the risk",
               "Consulted: My safeguarding lead", "Decision: Disclose without consent",
               "To whom (role): Children's or adult social care"],
        sections=["Risk", "If disclosing"]),
    Scenario(
        "a witness summons for notes in a family case", "breach-uk",
        [("danger", "No"),
         ("dilemma", "a summons asks for my notes on a client in a custody case"),
         ("kind", "A legal demand (court, police, solicitor)"),
         ("demand_type", "A witness summons"),
         ("demand_scope", "all notes within a fortnight; a short report might do instead"),
         *understanding("Yes, in writing", "Not asked yet, and it's safe to ask",
                        "It requires me to share", "Yes, my insurer's legal helpline"),
         *decision_and_after("Disclose, with the client's consent",
                             principle="Being trustworthy (keeping faith)",
                             disclose=("A court, or the party named in an order",
                                       "Secure email or system", "Yes, before I share"))],
        lines=["Kind of demand: A witness summons", "Legal advice: Yes, my insurer's legal "
               "helpline", "To whom (role): A court, or the party named in an order"],
        sections=["The law", "If disclosing"], absent=["Risk"]),
    Scenario(
        "a letter supporting a client's claim, with written consent", "breach-uk",
        [("danger", "No"),
         ("dilemma", "a client wants a letter confirming they attend therapy for a claim"),
         ("kind", "The client asks me to share (e.g. a letter)"),
         ("request_what", "A letter or report for a claim"),
         *understanding("Yes, in writing", "Given in writing, for this purpose",
                        "Neither, as far as I know", "I don't think it's needed here"),
         *decision_and_after("Disclose, with the client's consent",
                             principle="Autonomy (the client's right to decide)",
                             disclose=("Another recipient", "In a letter the client has seen",
                                       "Yes, before I share"))],
        lines=["What the client asks for: A letter or report for a claim",
               "Consent: Given in writing, for this purpose",
               "How securely: In a letter the client has seen"],
        sections=["If disclosing"]),
    Scenario(
        "sharing with the psychiatrist in the client's care team", "breach-uk",
        [("danger", "No"),
         ("dilemma", "the team psychiatrist asks how the client is responding to therapy"),
         ("kind", "Sharing within a care team"), ("team_who", "A psychiatrist"),
         ("contract_team", "Yes"),
         *understanding("Yes, in writing", "Given by word of mouth",
                        "It permits sharing (my discretion)", "I don't think it's needed here"),
         *decision_and_after("Disclose, with the client's consent",
                             principle="Beneficence (the client's wellbeing)",
                             disclose=("A team colleague (e.g. psychiatrist)", "In person",
                                       "Yes, before I share"))],
        lines=["Sharing with: A psychiatrist", "Client knew care is shared in a team: Yes",
               "To whom (role): A team colleague (e.g. psychiatrist)"],
        sections=["The contract", "If disclosing"]),
    Scenario(
        "a client met on a bus", "breach-uk",
        [("danger", "No"),
         ("dilemma", "a client sat beside me on the bus and my companion asked who they were"),
         ("kind", "Met by chance, or the fact of therapy"),
         ("chance_what", "I met the client in public"),
         *understanding("Yes, but only by word of mouth", "Not asked yet, and it's safe to ask",
                        "Neither, as far as I know", "I don't think it's needed here"),
         *decision_and_after("Keep the confidence",
                             principle="Being trustworthy (keeping faith)",
                             record="My supervision notes")],
        lines=["What happened: I met the client in public",
               "Decision: Keep the confidence", "Recorded in: My supervision notes"],
        sections=["The dilemma", "Decision", "Accountability"],
        absent=["If disclosing"]),
    Scenario(
        "a client discloses plans that might be terrorism", "breach-uk",
        [("danger", "No"),
         ("dilemma", "a client described helping others plan an attack and meant it"),
         ("kind", "A possible duty in law (e.g. terrorism, FGM)"),
         ("duty_type", "Terrorism (might help prevent an act)"),
         *understanding("Yes, in writing", "Asking would increase the risk",
                        "It requires me to share", "Yes, a solicitor or my service's lawyers"),
         *decision_and_after("Disclose without consent",
                             principle="Justice (fairness, others' safety)",
                             consulted="My line manager",
                             disclose=("The police", "By phone, then confirmed securely",
                                       "Not yet: it would be unsafe now"))],
        lines=["Possible duty: Terrorism (might help prevent an act)",
               "What the law says, as I understand it: It requires me to share",
               "To whom (role): The police",
               "Telling the client: Not yet: it would be unsafe now"],
        sections=["The law", "If disclosing"]),
    Scenario(
        "a client's partner asks how therapy is going", "breach-uk",
        [("danger", "No"),
         ("dilemma", "a client's partner phoned to ask whether the client is coping"),
         ("kind", "Something else"), ("other_who", "The client's partner or family"),
         *understanding("Yes, in writing", "Not asked yet, and it's safe to ask",
                        "Neither, as far as I know", "I don't think it's needed here"),
         *decision_and_after("Keep the confidence", principle="Autonomy (the client's right "
                             "to decide)")],
        lines=["Kind of dilemma: Something else",
               "Who is asking or involved: The client's partner or family",
               "Decision: Keep the confidence"],
        absent=["If disclosing"]),
    Scenario(
        "a US client threatens an identifiable person: duty to warn", "breach-us",
        [("danger", "No"),
         ("dilemma", "a client said they will hurt a former coworker and has a weapon"),
         ("kind", "Risk of serious harm to others"), ("harm_who", "A person I could identify"),
         ("risk_level", "Serious, and could happen soon"),
         ("risk_basis", "a stated plan, access to a weapon, and rising anger; few supports"),
         ("capacity", "Yes, an adult with capacity"),
         *understanding("Yes, in writing", "Asking would increase the risk",
                        "Mandatory: it requires me to disclose",
                        "Yes, my malpractice insurer's risk line", us=True),
         *decision_and_after("Disclose without consent",
                             principle="Nonmaleficence (avoiding harm)",
                             record="The client's clinical record",
                             disclose=("The person at risk (a warning)",
                                       "By phone, then confirmed securely", "Yes, afterwards"))],
        lines=["Who could be harmed: A person I could identify",
               "What the law says, as I understand it: Mandatory: it requires me to disclose",
               "To whom (role): The person at risk (a warning)",
               "Documented in: The client's clinical record"],
        sections=["Informed consent at intake", "If disclosing"]),
]


@pytest.fixture(scope="module")
def transcripts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Transcript]:
    """Every scenario played once, up front, so the subprocesses can run in pairs."""
    jobs = {s.name: (s.flow, inputs_for(s.flow, s.steps) + [{"choice": "Discard"}])
            for s in SCENARIOS}
    return chat_all(jobs, tmp_path_factory.mktemp("scenarios"))


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.name)
def test_scenario_takes_its_path_and_records_the_decision(
        scenario: Scenario, transcripts: dict[str, Transcript]) -> None:
    transcript = transcripts[scenario.name]
    assert transcript.path == [state for state, _ in scenario.steps]
    assert transcript.done
    for line in scenario.lines:
        assert line in transcript.summary
    for heading in scenario.sections:
        assert has_heading(transcript.summary, heading), heading
    for missing in scenario.absent:
        assert not has_heading(transcript.summary, missing), missing


def test_immediate_danger_shows_uk_crisis_numbers_in_one_step(tmp_path: Path) -> None:
    script = [{"command": "why"}, {"choice": "Yes"}, {"command": "cancel"}]
    transcript = chat("breach-uk", script, tmp_path)
    assert transcript.path == ["danger", "danger", "emergency"]
    assert any(str(m["text"]).startswith("If someone is in danger") and "BACP" in str(m["text"])
               for m in transcript.messages), "why shows the reason and names the framework"
    emergency = transcript.message_for("emergency", "breach-uk")
    for number in ("999", "111", "116 123", "85258"):
        assert number in emergency


def test_immediate_danger_shows_us_crisis_numbers_in_one_step(tmp_path: Path) -> None:
    transcript = chat("breach-us", [{"choice": "Not sure"}, {"command": "cancel"}], tmp_path)
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


def test_the_contract_flow_produces_an_outline_to_adapt(tmp_path: Path) -> None:
    script: list[tuple[str, Answer]] = [
        ("setting", "Private practice"), ("client_group", "An adult"),
        ("who_knows", "My supervisor, without names"), ("supervision_words", None),
        ("never_shared", "talk about our work socially, or write about it without consent"),
        ("public_meeting", "Wait for the client to greet me first"),
        ("exceptions", "Yes, all of them"),
        ("exceptions_words", "if you or someone else were at serious risk, I might have "
                             "to tell someone, and I would talk to you first if I could"),
        ("tell_first", "Yes, first, where it's safe"),
        ("risk_contact", "Their GP and someone they name"),
        ("notes", "An encrypted digital system"), ("notes_access", "Yes"),
        ("agreement", "A written agreement we talk through")]
    transcript = chat("contract", inputs_for("contract", script) + [{"choice": "Discard"}],
                      tmp_path)
    assert transcript.path == [state for state, _ in script]
    assert transcript.done
    for line in ("Who else may hear about our work: My supervisor, without names",
                 "If we meet by chance: Wait for the client to greet me first",
                 "Whom I'd contact: Their GP and someone they name",
                 "How notes are kept: An encrypted digital system"):
        assert line in transcript.summary
