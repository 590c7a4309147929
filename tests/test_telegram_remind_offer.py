"""/remind shows the schedule with one-tap choices, and the first saved journal entry
brings a single offer of reminders (issue 11)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.telegram import later_texts as say
from tests.fake_bot_api import FakeBotApi
from tests.test_telegram_harness import Person, buttons, running_bot, save_short_journal

USER = 7_310_009_411


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi() as fake:
        yield fake
        assert [(r.method, r.response) for r in fake.errors] == []


async def test_the_first_journal_entry_offers_reminders_once_and_a_tap_sets_one(
        api: FakeBotApi) -> None:
    async with running_bot(api):
        me = Person(api, USER)
        await me.onboard()
        await save_short_journal(me)
        offer = await me.expect(say.REMIND_OFFER[:30])
        assert [b for b, _ in buttons(offer)] == [
            *(label for label, _ in say.PRESETS[:-1]), say.NO_THANKS]
        me.press(offer, "Every day, 20:30")
        await me.expect("Done: I'll remind you every day at 20:30")
        me.send("/remind")
        shown = await me.expect("Reminders: every day at 20:30")
        assert [b for b, _ in buttons(shown)] == [label for label, _ in say.PRESETS]
        me.press(shown, "No reminders")
        await me.expect(say.REMIND_OFF)
        await save_short_journal(me)
        me.send("/privacy")
        await me.expect("What Schtum keeps")
        offers = [m for m in api.messages(USER) if say.REMIND_OFFER[:30] in m.get("text", "")]
        assert len(offers) == 1  # offered once, not after every entry
