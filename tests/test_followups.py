"""Follow-ups made at Save from next_step/next_who/next_when, outcomes appended to the
record (re-sealed, still readable by a supervisor it is shared with), tolerance of flows
without those questions, and nothing in clear."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bot import followups, wording
from bot.messages import Input
from bot.service import Service
from flows.engine import Engine
from flows.loader import load_path
from storage.errors import TamperedError
from storage.store import Store
from tests.flowwalk import inputs_for, path_with_most_text

KEY = bytes(range(32))
SAVED_ON = 1_748_865_600.0  # Monday 2 June 2025, 12:00 UTC
NEXT_FLOW = """
id = "next-test"
version = "1"
title = "A dilemma with a next step"
description = "Test flow."
start = "what"

[states.what]
kind = "text"
section = "Dilemma"
label = "In my words"
ask = "What is the dilemma?"
next = "next_step"

[states.next_step]
kind = "text"
section = "Next"
label = "Next step"
ask = "What is the next step?"
next = "next_who"

[states.next_who]
kind = "choice"
section = "Next"
label = "Who takes it"
ask = "Who takes it?"
choices = [{ label = "Me", next = "next_when" }, { label = "My supervisor", next = "next_when" }]

[states.next_when]
kind = "choice"
section = "Next"
label = "When"
ask = "When?"
choices = [
  { label = "Today", next = "end" },
  { label = "Within a few days", next = "end" },
  { label = "Within two weeks", next = "end" },
  { label = "No date yet", next = "end" },
]

[states.end]
kind = "end"
say = "Thank you."
"""


@pytest.fixture
def store(tmp_path: Path) -> Store:
    opened = Store.open(tmp_path / "f.db", KEY)
    yield opened
    opened.close()


def service_with_next_flow(store: Store, tmp_path: Path) -> Service:
    path = tmp_path / "next-test.toml"
    path.write_text(NEXT_FLOW)
    service = Service(store, clock=lambda: SAVED_ON)
    service._engines["next-test"] = Engine(load_path(path))  # noqa: SLF001
    return service


def save_with(service: Service, who: str, step: str, when: str) -> list:
    service.begin(who, "next-test")
    service.handle(who, Input.text("Whether to tell the GP."))
    service.handle(who, Input.text(step))
    service.handle(who, Input.choice("Me"))
    service.handle(who, Input.choice(when))
    return service.handle(who, Input.choice(wording.SAVE))


@pytest.mark.parametrize(("when", "due"), [
    ("Today", date(2025, 6, 2)), ("Within a few days", date(2025, 6, 5)),
    ("Within two weeks", date(2025, 6, 16)), ("No date yet", None), ("Someday", None),
])
def test_the_due_day_follows_the_label(when: str, due: date | None) -> None:
    assert followups.due_on(when, date(2025, 6, 2)) == due


def test_save_makes_an_anonymised_follow_up_and_says_so(store: Store, tmp_path: Path) -> None:
    service = service_with_next_flow(store, tmp_path)
    who = service.who("terminal:alice")
    replies = save_with(service, who, "Ring John Smith on 07700 900123", "Within a few days")
    assert replies[0].text == wording.SAVED and replies[-1].done
    assert "Follow-up set for Thu 5 Jun" in replies[-1].text
    [item] = store.followups.open_items(who)
    assert item.due_on == date(2025, 6, 5) and item.item["who"] == "Me"
    assert "John Smith" not in item.step and "07700" not in item.step
    assert "[PERSON 1]" in item.step


def test_no_date_yet_and_flows_without_next_questions_make_none(store: Store,
                                                                tmp_path: Path) -> None:
    service = service_with_next_flow(store, tmp_path)
    who = service.who("terminal:alice")
    save_with(service, who, "Think about it", "No date yet")
    service.begin(who, "journal")  # a journal entry asks no next step, so sets no follow-up
    for given in inputs_for("journal", path_with_most_text("journal"), lambda _: "words"):
        service.handle(who, given)
    replies = service.handle(who, Input.choice(wording.SAVE))
    assert replies[-1].done and len(store.list_reflections(who)) == 2
    assert store.followups.open_items(who) == []


def test_an_outcome_becomes_part_of_the_record_for_owner_and_supervisor(store: Store) -> None:
    owner, supervisor = store.practitioner("terminal:a"), store.practitioner("terminal:b")
    rid = store.save_reflection(owner, flow_id="breach-uk", flow_version="2", title="T",
                                body="The body.")
    store.share_reflection(owner, rid, supervisor)
    approved, kinds = followups.anonymise_outcome("Spoke with Margaret Okafor; agreed.")
    assert "Margaret Okafor" not in approved and kinds
    followups.record_outcome(store, owner, rid, approved, date(2025, 6, 5))
    body = store.read_reflection(owner, rid)
    assert body.startswith("The body.") and "OUTCOME (5 June 2025)" in body
    assert approved in body and store.read_shared(supervisor, rid) == body
    assert [e.action for e in store.audit_entries(owner)].count("outcome") == 1


def test_a_follow_up_with_an_edited_due_day_fails_to_open(store: Store) -> None:
    owner = store.practitioner("terminal:a")
    rid = store.save_reflection(owner, flow_id="breach-uk", flow_version="2", title="T",
                                body="B")
    store.followups.add(owner, rid, date(2025, 6, 5), {"step": "Call"})
    store._db.execute("UPDATE followups SET due_on = '2025-07-01'")  # noqa: SLF001
    with pytest.raises(TamperedError):
        store.followups.open_items(owner)


def test_closing_deleting_and_forgetting_remove_follow_ups(store: Store) -> None:
    owner = store.practitioner("terminal:a")
    rids = [store.save_reflection(owner, flow_id="breach-uk", flow_version="2", title="T",
                                  body="B") for _ in range(3)]
    fids = [store.followups.add(owner, rid, date(2025, 6, 5), {"step": "x"}) for rid in rids]
    store.followups.close(owner, fids[0])
    store.delete_reflection(owner, rids[1])
    assert [f.id for f in store.followups.open_items(owner)] == [fids[2]]
    store.forget(owner)
    assert store._db.execute("SELECT count(*) FROM followups").fetchone()[0] == 0  # noqa: SLF001


def test_the_terminal_opening_line_counts_what_is_due(store: Store) -> None:
    owner = store.practitioner("terminal:a")
    rid = store.save_reflection(owner, flow_id="breach-uk", flow_version="2", title="T",
                                body="B")
    store.followups.add(owner, rid, date(2025, 6, 2), {"step": "Call the GP"})
    store.followups.add(owner, rid, date(2025, 6, 3), {"step": "Write it up"})
    store.followups.add(owner, rid, date(2025, 6, 9), {"step": "Later"})
    line = followups.opening_line(store.followups.open_items(owner), date(2025, 6, 3))
    assert line == ("2 follow-ups are due: Call the GP; Write it up. "
                    "Type followups to see them.")


def test_a_due_follow_up_offers_the_four_answers_the_practitioner_needs() -> None:
    from bot.telegram import later_texts as say
    from bot.telegram.later import Later

    labels = [label for label, _ in Later.followup_buttons("f" * 32)]
    assert labels == ["Done", "Not yet (remind me in 2 days)", "Record the outcome",
                      "Stop asking"]
    assert say.NOT_YET in labels and say.STOP in labels
