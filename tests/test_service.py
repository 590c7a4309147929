"""The service with a real encrypted store: live warnings, review, save, failures, resume."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot import wording
from bot.messages import Input, Reply
from bot.service import Service
from storage.connection import RetryPolicy
from storage.store import Store
from tests.flowwalk import inputs_for, path_with_most_text

KEY = bytes(range(32))
FLOW = "breach-uk"


@pytest.fixture
def store(tmp_path: Path) -> Store:
    opened = Store.open(tmp_path / "s.db", KEY,
                        retry=RetryPolicy(attempts=2, busy_timeout=0.05, first_delay=0.01,
                                          max_delay=0.02))
    yield opened
    opened.close()


def finish(service: Service, who: str, text: str = "The client said something hard.") -> Reply:
    """Walk the flow to the review; return the summary reply."""
    service.begin(who, FLOW)
    replies: list[Reply] = []
    for given in inputs_for(FLOW, path_with_most_text(FLOW), lambda _: text):
        replies = service.handle(who, given)
    assert replies[-1].kind == "summary" and replies[-1].choices == wording.REVIEW_CHOICES
    return replies[-1]


def test_an_identifying_answer_is_flagged_gently_and_the_flow_continues(store: Store) -> None:
    service = Service(store)
    who = service.who("terminal:t")
    service.begin(who, FLOW)
    steps = inputs_for(FLOW, path_with_most_text(FLOW), lambda _: "x")
    replies: list[Reply] = []
    for given in steps:
        if given.kind == "text":
            replies = service.handle(who, Input.text("My client Siobhan rang me on 07700 900123."))
            break
        service.handle(who, given)
    warning = replies[0]
    assert warning.kind == "warning"
    assert warning.text.startswith("That looks like a name and a phone number")
    assert replies[-1].kind == "question"


def test_the_summary_is_anonymised_and_nothing_is_stored_before_save(store: Store) -> None:
    service = Service(store)
    who = service.who("terminal:t")
    summary = finish(service, who, "Siobhan Okafor told me on 3 March 2024 about it.")
    assert "Siobhan" not in summary.text and "[PERSON 1]" in summary.text
    assert "[DATE]" in summary.text and summary.private
    assert store.list_reflections(who) == []
    done = service.handle(who, Input.choice("Save"))
    assert done[-1].done and done[0].text == wording.SAVED  # then any follow-up it set
    saved = store.list_reflections(who)
    assert len(saved) == 1 and saved[0].flow_id == FLOW
    body = store.read_reflection(who, saved[0].id)
    assert body == summary.text and "Siobhan" not in body


def test_remove_words_takes_more_out_of_every_answer(store: Store) -> None:
    service = Service(store)
    who = service.who("terminal:t")
    finish(service, who, "We met near the old lighthouse café.")
    asked = service.handle(who, Input.choice("Remove words"))
    assert asked[-1].expects == "text"
    again = service.handle(who, Input.text("lighthouse café"))
    assert "lighthouse" not in again[-1].text and "[REMOVED]" in again[-1].text


def test_edit_an_answer_replaces_it_in_the_summary(store: Store) -> None:
    service = Service(store)
    who = service.who("terminal:t")
    finish(service, who, "First wording.")
    picker = service.handle(who, Input.choice("Edit an answer"))[-1]
    assert picker.choices[-1] == wording.KEEP_AS_IS
    asked = service.handle(who, Input.choice(picker.choices[0]))[-1]
    assert "First wording." in asked.text and asked.expects == "text"
    summary = service.handle(who, Input.text("Second wording."))[-1]
    assert summary.text.count("Second wording.") == 1
    assert summary.text.count("First wording.") >= 1  # only the one answer changed


def test_discard_stores_nothing_and_ends(store: Store) -> None:
    service = Service(store)
    who = service.who("terminal:t")
    finish(service, who)
    assert service.handle(who, Input.choice("Discard"))[-1].done
    assert store.list_reflections(who) == [] and service.active(who) is None


def test_a_locked_database_keeps_the_summary_to_save_again(store: Store, tmp_path: Path) -> None:
    service = Service(store)
    who = service.who("terminal:t")
    summary = finish(service, who)
    blocker = sqlite3.connect(tmp_path / "s.db")
    blocker.execute("BEGIN IMMEDIATE")
    try:
        failed = service.handle(who, Input.choice("Save"))
    finally:
        blocker.rollback()
        blocker.close()
    assert failed[0].kind == "error" and failed[0].text.startswith("Saving failed")
    assert failed[-1].text == summary.text and failed[-1].choices == wording.REVIEW_CHOICES
    assert service.handle(who, Input.choice("Save"))[0].text == wording.SAVED
    assert len(store.list_reflections(who)) == 1


def test_a_conversation_resumes_from_its_encrypted_snapshot(store: Store) -> None:
    first = Service(store, resume=True)
    who = first.who("telegram:42")
    first.begin(who, FLOW)
    steps = inputs_for(FLOW, path_with_most_text(FLOW), lambda _: "Some words.")
    for given in steps[:3]:
        before = first.handle(who, given)[-1]
    second = Service(store, resume=True)  # a restart: nothing in memory
    assert second.current(who)[-1] == before


def test_an_idle_conversation_times_out(store: Store) -> None:
    now = [1000.0]
    service = Service(store, resume=True, timeout_seconds=60, clock=lambda: now[0])
    who = service.who("telegram:42")
    service.begin(who, FLOW)
    now[0] += 61
    assert service.expired(who) and service.active(who) is None
    assert store.load_session(who, now=now[0]) is None


def test_help_and_why_keep_the_place(store: Store) -> None:
    service = Service(store)
    who = service.who("terminal:t")
    first = service.begin(who, FLOW)[-1]
    helped = service.handle(who, Input.command("help"))
    assert helped[0].kind == "help" and helped[-1] == first
    why = service.handle(who, Input.command("why"))
    assert why[0].kind == "why" and why[-1] == first


def test_input_with_no_conversation_says_how_to_start(store: Store) -> None:
    service = Service(store)
    reply = service.handle(service.who("terminal:t"), Input.text("hello"))[-1]
    assert "no conversation in progress" in reply.text.lower()
