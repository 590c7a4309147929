"""Telegram's error replies and storage failures: the press still counts, one sentence each.

Errors are injected into the fake Bot API (`fail_next`), or made for real (a forgotten
practitioner, a tampered ciphertext in the database file).
"""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.telegram import texts
from storage.errors import TamperedError
from tests.fake_bot_api import FakeBotApi
from tests.test_telegram_harness import (
    Event,
    Person,
    RunningBot,
    buttons,
    progress,
    running_bot,
)

USER = 6_600_220_117
TOO_OLD = ("Bad Request: query is too old and response timeout expired or query ID is "
           "invalid")


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi() as fake:
        yield fake
        assert [(r.method, r.response) for r in fake.errors] == []


def said(api: FakeBotApi) -> str:
    return "\n".join(m.get("text", "") for m in api.messages(USER))


async def test_a_press_counts_even_when_telegram_refuses_to_answer_its_query(
        api: FakeBotApi) -> None:
    async with running_bot(api) as bot:
        person = Person(api, USER)
        person.send("/start")
        welcome = await person.expect("Welcome to Schtum")
        api.fail_next("answerCallbackQuery", 400, TOO_OLD)
        person.press(welcome, "United States")
        await person.expect("You're set (United States)")
        person.send("/dilemma")
        first = await person.question()
        api.fail_next("answerCallbackQuery", 400, TOO_OLD)
        person.press(first, "No")
        assert progress(await person.question()) == 2
        assert texts.SOMETHING_WRONG not in said(api)
        refused = [r for r in api.requests if r.method == "answerCallbackQuery" and r.injected]
        assert len(refused) == 2
        assert bot.service.store.load_settings(bot.channel.known(USER))["jurisdiction"] == "us"


async def test_flood_control_is_waited_out_not_apologised_for(api: FakeBotApi) -> None:
    async with running_bot(api):
        person = Person(api, USER)
        api.fail_next("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1)
        person.send("/privacy")
        await person.expect("What Schtum keeps")
        sends = [r.status for r in api.requests if r.method == "sendMessage"]
        assert sends[:2] == [429, 200]
        assert texts.SOMETHING_WRONG not in said(api)


async def listing(person: Person, bot: RunningBot) -> Event:
    """Onboarded, one reflection saved, and the /reflections list on screen."""
    await person.onboard()
    who = bot.service.who(f"telegram:{USER}")
    bot.service.store.save_reflection(who, flow_id="breach-uk", flow_version="1.0",
                                      title="A dilemma", body="Body")
    person.send("/reflections")
    return await person.expect("Your saved reflections")


async def test_an_open_button_after_forget_says_the_record_no_longer_exists(
        api: FakeBotApi) -> None:
    async with running_bot(api) as bot:
        person = Person(api, USER)
        shown = await listing(person, bot)
        person.send("/forget")
        person.press(await person.expect(texts.FORGET_ASK), texts.FORGET_YES)
        await person.expect(texts.FORGOTTEN)
        person.press(shown, buttons(shown)[0][0])
        gone = await person.expect("no longer exists")
        assert gone["text"] == texts.RECORD_GONE
        assert texts.SOMETHING_WRONG not in said(api)


async def test_a_tampered_record_is_its_own_sentence_not_an_apology(
        api: FakeBotApi, data_dir: Path) -> None:
    async with running_bot(api) as bot:
        person = Person(api, USER)
        shown = await listing(person, bot)
        with sqlite3.connect(data_dir / "schtum.db") as db:
            (body,) = db.execute("SELECT body FROM reflections").fetchone()
            db.execute("UPDATE reflections SET body = ?", (body[:-1] + bytes([body[-1] ^ 1]),))
        person.press(shown, buttons(shown)[0][0])
        told = await person.expect("integrity check")
        assert told["text"] == TamperedError.message
        assert texts.SOMETHING_WRONG not in said(api)
