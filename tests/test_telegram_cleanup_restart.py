"""The clean-up offer survives a restart: "Delete" still deletes what was sent before it.

Each test stops the real Application and starts a new one on the same fake Bot API and
data folder, as a redeploy would. The ids live encrypted (snapshot or settings), never
in clear on disk.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.telegram import texts
from tests.fake_bot_api import FakeBotApi
from tests.test_telegram_harness import Person, running_bot, scan_for

USER = 6_777_120_338
CANARY = "Hollowmere-canary-12"


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi() as fake:
        yield fake
        assert [(r.method, r.response) for r in fake.errors] == []


def deleted(api: FakeBotApi) -> dict[int, bool]:
    return {m["message_id"]: m["deleted"] for m in api.messages(USER)}


async def mid_dilemma(person: Person) -> None:
    await person.onboard()
    person.send("/dilemma")
    person.press(await person.question(), "No")
    await person.question()
    person.send(CANARY)
    await person.question()


async def test_delete_pressed_after_a_restart_deletes_what_came_before_it(
        api: FakeBotApi, data_dir: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    person = Person(api, USER)
    async with running_bot(api):
        await mid_dilemma(person)
        person.send("/cancel")
        offer = await person.expect(texts.CLEANUP_OFFER)
    async with running_bot(api):
        person.press(offer, texts.CLEANUP_YES)
        done = await person.expect(lambda e: e["text"].startswith("Deleted "))
        assert done["message_id"] == offer["message_id"]
    gone = deleted(api)
    assert all(gone[sent] for sent in person.sent)
    assert int(done["text"].split()[1]) >= len(person.sent)
    assert scan_for(data_dir, [CANARY, str(USER)], caplog.records) == []


async def test_a_conversation_resumed_after_a_restart_still_deletes_its_earlier_messages(
        api: FakeBotApi) -> None:
    person = Person(api, USER)
    async with running_bot(api):
        await mid_dilemma(person)
    before = list(person.sent)
    async with running_bot(api):
        person.send("/cancel")
        offer = await person.expect(texts.CLEANUP_OFFER)
        person.press(offer, texts.CLEANUP_YES)
        await person.expect(lambda e: e["text"].startswith("Deleted "))
    gone = deleted(api)
    assert all(gone[sent] for sent in before)


async def test_keep_pressed_after_a_restart_is_honoured_and_forgotten(api: FakeBotApi) -> None:
    person = Person(api, USER)
    async with running_bot(api):
        await mid_dilemma(person)
        person.send("/cancel")
        offer = await person.expect(texts.CLEANUP_OFFER)
    async with running_bot(api) as bot:
        person.press(offer, texts.CLEANUP_NO)
        await person.expect(lambda e: e["text"] == texts.CLEANUP_KEPT)
        who = bot.channel.known(USER)
        assert "cleanup" not in bot.service.store.load_settings(who)
    assert not any(deleted(api).values())
