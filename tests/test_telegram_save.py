"""Save is shown as done only once the store has committed it, and never if it failed."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.messages import Input, Reply
from bot.service import Service
from storage.connection import RetryPolicy
from tests.fake_bot_api import FakeBotApi
from tests.test_telegram_conversation import walk_to_summary
from tests.test_telegram_harness import Event, Person, buttons, running_bot

USER = 6_310_774_502
DONE = "✓ Save"


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi() as fake:
        yield fake
        assert [(r.method, r.response) for r in fake.errors] == []


def now_shows(api: FakeBotApi, message_id: int) -> Event:
    return next(m for m in api.messages(USER) if m["message_id"] == message_id)


async def at_summary(person: Person) -> Event:
    await person.onboard()
    person.send("/journal")
    return await walk_to_summary(person, await person.question(), ["Some plain words."])


async def test_save_is_marked_done_only_after_the_store_committed_it(api: FakeBotApi) -> None:
    marked_before_commit: list[bool] = []

    class Watching(Service):
        def handle(self, who: str, given: Input) -> list[Reply]:
            if given.value == "Save":
                shown = [m.get("text", "") for m in api.messages(USER)]
                marked_before_commit.append(any(DONE in text for text in shown))
            return super().handle(who, given)

    async with running_bot(api, service_class=Watching) as bot:
        person = Person(api, USER)
        summary = await at_summary(person)
        person.press(summary, "Save")
        await person.expect("Saved, encrypted")
        assert marked_before_commit == [False]
        assert now_shows(api, summary["message_id"])["text"].endswith(DONE)
        assert len(bot.service.store.list_reflections(bot.channel.known(USER))) == 1


async def test_a_failed_save_is_never_shown_as_done(api: FakeBotApi, data_dir: Path) -> None:
    async with running_bot(api) as bot:
        person = Person(api, USER)
        summary = await at_summary(person)
        bot.service.store._retry = RetryPolicy(attempts=2, busy_timeout=0.05, first_delay=0.01,
                                               max_delay=0.02)
        blocker = sqlite3.connect(data_dir / "schtum.db")
        blocker.execute("BEGIN IMMEDIATE")
        try:
            person.press(summary, "Save")
            await person.expect("Saving failed")
            again = await person.expect(lambda e: "Save" in [b for b, _ in buttons(e)])
        finally:
            blocker.rollback()
            blocker.close()
        failed = now_shows(api, summary["message_id"])
        assert DONE not in failed["text"] and "reply_markup" not in failed
        person.press(again, "Save")
        await person.expect("Saved, encrypted")
        assert now_shows(api, again["message_id"])["text"].endswith(DONE)
