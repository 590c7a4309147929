"""Reminders over a real store, time driven by hand: due, once only, across restarts,
late ones, snoozes, a blocked bot, varied prompts, and nothing in clear."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest

from bot import prompts
from bot.people import remember_chat
from bot.reminders import Reminders
from bot.schedule import Schedule
from storage.store import Store

KEY = bytes(range(32))
CHAT = 7_319_552_841
LONDON = "Europe/London"
MONDAY = datetime(2025, 6, 2, 12, tzinfo=UTC)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "r.db"


def opened(db: Path) -> Store:
    return Store.open(db, KEY)


def practitioner(store: Store, name: str = "telegram:1") -> str:
    who = store.practitioner(name)
    remember_chat(store, who, CHAT)
    return who


def daily(at: time = time(20, 30)) -> Schedule:
    return Schedule("daily", at, LONDON)


def test_a_reminder_is_due_at_its_time_and_claimed_once(db: Path) -> None:
    with opened(db) as store:
        who = practitioner(store)
        reminders = Reminders(store)
        first = reminders.set(who, daily(), MONDAY)
        assert first == datetime(2025, 6, 2, 19, 30, tzinfo=UTC)  # 20:30 BST
        assert reminders.claim_due(first - timedelta(seconds=1)) == []
        [due] = reminders.claim_due(first)
        assert (due.who, due.chat_id, due.occurrence) == (who, CHAT, int(first.timestamp()))
        assert due.prompt in prompts.bank()
        assert reminders.claim_due(first + timedelta(minutes=1)) == []  # never twice
        assert store.reminders.due_at(who) == int((first + timedelta(days=1)).timestamp())


def test_a_restart_before_the_claim_sends_it_after_and_after_the_claim_never(db: Path) -> None:
    with opened(db) as store:
        who = practitioner(store)
        first = Reminders(store).set(who, daily(), MONDAY)
    assert first is not None
    with opened(db) as store:  # the process died before the due time: nothing lost
        [due] = Reminders(store).claim_due(first + timedelta(hours=2))
        assert due.who == who
    with opened(db) as store:  # died after the claim: not sent again
        assert Reminders(store).claim_due(first + timedelta(hours=3)) == []


def test_a_missed_reminder_under_12_hours_late_is_sent_once_and_older_ones_skipped(
        db: Path) -> None:
    with opened(db) as store:
        who = practitioner(store)
        reminders = Reminders(store)
        first = reminders.set(who, daily(), MONDAY)
        assert first is not None
        assert len(reminders.claim_due(first + timedelta(hours=11, minutes=59))) == 1
        second = first + timedelta(days=1)
        assert reminders.claim_due(second + timedelta(hours=12, minutes=1)) == []
        assert store.reminders.due_at(who) == int((second + timedelta(days=1)).timestamp())


def test_snooze_sends_the_same_prompt_an_hour_later_once(db: Path) -> None:
    with opened(db) as store:
        who = practitioner(store)
        reminders = Reminders(store)
        first = reminders.set(who, daily(), MONDAY)
        assert first is not None
        [due] = reminders.claim_due(first)
        again = reminders.snooze(who, due.occurrence, first + timedelta(minutes=2))
        assert again == first + timedelta(hours=1, minutes=2)
        assert reminders.claim_due(again - timedelta(seconds=1)) == []
        [snoozed] = reminders.claim_due(again)
        assert (snoozed.prompt, snoozed.occurrence) == (due.prompt, due.occurrence)
        assert reminders.claim_due(again + timedelta(minutes=5)) == []
        assert store.reminders.due_at(who) == int((first + timedelta(days=1)).timestamp())


def test_a_blocked_bot_pauses_the_schedule_until_it_is_set_again(db: Path) -> None:
    with opened(db) as store:
        who = practitioner(store)
        reminders = Reminders(store)
        first = reminders.set(who, daily(), MONDAY)
        assert first is not None
        reminders.claim_due(first)
        reminders.blocked(who)
        assert store.reminders.due_at(who) is None
        assert reminders.current(who)[1] is True
        assert reminders.claim_due(first + timedelta(days=3)) == []
        assert reminders.resume(who, first + timedelta(days=3)) is not None
        assert reminders.current(who)[1] is False


def test_prompts_vary_and_never_repeat_within_a_week(db: Path) -> None:
    with opened(db) as store:
        who = practitioner(store)
        reminders = Reminders(store)
        first = reminders.set(who, daily(), MONDAY)
        assert first is not None
        sent = []
        for day in range(21):
            sent += [d.prompt for d in reminders.claim_due(first + timedelta(days=day))]
        assert len(sent) == 21
        for start in range(len(sent) - 6):
            week = sent[start:start + 7]
            assert len(set(week)) == 7
        assert not any("client" in text.casefold() for text in prompts.bank())


def test_reminders_off_removes_the_index_row(db: Path) -> None:
    with opened(db) as store:
        who = practitioner(store)
        reminders = Reminders(store)
        reminders.set(who, daily(), MONDAY)
        assert store.reminders.count() == 1
        reminders.set(who, None, MONDAY)
        assert store.reminders.count() == 0 and reminders.current(who)[0] is None


def test_no_chat_id_or_schedule_is_in_clear_on_disk(db: Path) -> None:
    with opened(db) as store:
        who = practitioner(store)
        reminders = Reminders(store)
        reminders.set(who, Schedule("weekly", time(18, 45), "America/New_York", 4), MONDAY)
        store.settle()
    blob = b"".join(p.read_bytes() for p in db.parent.iterdir() if p.is_file())
    for needle in (str(CHAT), "New_York", "18:45", "weekly", "telegram:1"):
        assert needle.encode() not in blob, needle
