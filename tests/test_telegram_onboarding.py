"""Telegram, issue 8: onboarding goes on into what was asked for, the jurisdiction can be
typed, an earlier typed answer is kept with one tap, and stopping asks first."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot import wording
from bot.telegram import render, texts
from tests.fake_bot_api import FakeBotApi
from tests.test_telegram_harness import Person, buttons, progress, running_bot

USER = 6_203_114_977
GIBBS = "Ten minutes: Gibbs' cycle"


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi() as fake:
        yield fake
        assert [(r.method, r.response) for r in fake.errors] == []


async def test_a_dilemma_asked_for_before_onboarding_starts_once_the_place_is_typed(
        api: FakeBotApi) -> None:
    async with running_bot(api):
        person = Person(api, USER)
        person.send("/dilemma")
        welcome = await person.expect("Where do you practise?")
        person.send("somewhere nice")
        await person.expect(texts.NOT_A_PLACE)
        person.send("in England")
        await person.expect("You're set (England and Wales). Here is what you asked for.")
        first = await person.question()
        assert progress(first) == 1 and [b for b, _ in buttons(first)][:2] == ["Yes", "No"]
        now = next(m for m in api.messages(USER) if m["message_id"] == welcome["message_id"])
        assert "✓ England and Wales" in now["text"]  # the welcome is marked answered


async def test_a_journal_asked_for_before_onboarding_starts_once_a_place_is_pressed(
        api: FakeBotApi) -> None:
    async with running_bot(api):
        person = Person(api, USER)
        person.send("/journal")
        welcome = await person.expect("Where do you practise?")
        assert [b for b, _ in buttons(welcome)] == [n for _, n in texts.JURISDICTIONS]
        person.press(welcome, "United States")
        await person.expect("You're set (United States). Here is what you asked for.")
        first = await person.question()
        assert GIBBS in [b for b, _ in buttons(first)]


async def test_keep_and_a_stop_that_asks_first(api: FakeBotApi) -> None:
    words = "A careful description of what happened, typed once on a small screen."
    async with running_bot(api):
        person = Person(api, USER)
        await person.onboard()
        person.send("/journal")
        person.press(await person.question(), GIBBS)
        await person.question()
        person.send(words)
        await person.question()
        person.send("/back")
        again = await person.question()
        assert f"Earlier you answered: {words}" in again["text"]
        assert [b for b, _ in buttons(again)] == [render.KEEP_LABEL]
        person.press(again, render.KEEP_LABEL)
        third = await person.question()
        assert progress(third) == 3
        person.send("I felt unsettled and curious.")
        await person.question()
        person.send("/cancel")
        ask = await person.expect("Stop now?")
        assert [b for b, _ in buttons(ask)] == list(wording.STOP_CHOICES)
        person.press(ask, wording.STOP_NO)
        resumed = await person.expect(wording.CARRY_ON)  # with the question, in one message
        assert progress(resumed) == 4
        person.send("/cancel")
        person.press(await person.expect("Stop now?"), wording.STOP_YES)
        await person.expect(wording.CANCELLED)
