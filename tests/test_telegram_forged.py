"""Forged updates: a private chat that is not its sender's is dropped before any handler.

Telegram never produces such an update; an attacker posting to an unprotected webhook
can. Each test forges one with the victim's `from` and the attacker's `chat` (or the
other way round) and checks nothing of the victim's reaches the attacker's chat.
"""

from __future__ import annotations

import asyncio
import copy
import logging
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.fake_bot_api import FakeBotApi
from tests.test_telegram_harness import Person, buttons, progress, running_bot

VICTIM = 7_700_100_201
ATTACKER = 7_700_100_999
CANARY = "Wrexley-canary-11"
REFUSED = "update_refused reason=chat_not_sender"


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi() as fake:
        yield fake
        assert [(r.method, r.response) for r in fake.errors] == []


def private_chat(user_id: int) -> dict[str, Any]:
    return {"id": user_id, "type": "private", "first_name": "Someone"}


def forged_text(api: FakeBotApi, sender: int, chat_id: int, text: str) -> None:
    entities = api.world.command_entities(text)
    api.forge("message", {"message_id": 90_000, "date": api.world.now(),
                          "from": api.world.user(sender, "Tess"), "chat": private_chat(chat_id),
                          "text": text, **({"entities": entities} if entities else {})})


def forged_press(api: FakeBotApi, sender: int, message: dict[str, Any], data: str) -> None:
    api.forge("callback_query", {"id": "forged-1", "from": api.world.user(sender, "Tess"),
                                 "message": message, "chat_instance": "1", "data": data})


async def refusals(caplog: pytest.LogCaptureFixture, count: int) -> None:
    """Wait until the guard has refused `count` updates (it logs each one)."""
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        if sum(REFUSED in r.getMessage() for r in caplog.records) >= count:
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"the bot did not refuse {count} forged update(s)")


async def attacker_ready(api: FakeBotApi) -> Person:
    """The attacker has a private chat with the bot, as anyone can."""
    attacker = Person(api, ATTACKER)
    attacker.send("/privacy")
    await attacker.expect("What Schtum keeps")
    return attacker


def seen_by(api: FakeBotApi, chat_id: int) -> str:
    return "\n".join(m.get("text", "") for m in api.messages(chat_id))


async def test_a_forged_reflections_command_never_lists_the_victims_records(
        api: FakeBotApi, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    async with running_bot(api) as bot:
        victim = Person(api, VICTIM)
        await victim.onboard()
        who = bot.service.who(f"telegram:{VICTIM}")
        bot.service.store.save_reflection(who, flow_id="breach-uk", flow_version="1.0",
                                          title=f"Title {CANARY}", body="Body")
        attacker = await attacker_ready(api)
        forged_text(api, VICTIM, ATTACKER, "/reflections")
        await refusals(caplog, 1)
        attacker.send("/privacy")
        await attacker.expect("What Schtum keeps")
        assert CANARY not in seen_by(api, ATTACKER)
        assert "Your saved reflections" not in seen_by(api, ATTACKER)
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert str(VICTIM) not in logged and str(ATTACKER) not in logged


async def test_a_forged_back_never_echoes_the_victims_answer(
        api: FakeBotApi, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    async with running_bot(api) as bot:
        victim = Person(api, VICTIM)
        await victim.onboard()
        victim.send("/dilemma")
        victim.press(await victim.question(), "No")
        route = await victim.question()
        victim.press(route, next(b for b, _ in buttons(route) if b.startswith("Quick")))
        await victim.question()
        victim.send(CANARY)
        third = await victim.question()
        attacker = await attacker_ready(api)
        forged_text(api, VICTIM, ATTACKER, "back")
        await refusals(caplog, 1)
        attacker.send("/privacy")
        await attacker.expect("What Schtum keeps")
        assert CANARY not in seen_by(api, ATTACKER)
        session = bot.service.conversations[bot.channel.known(VICTIM)].session
        assert session.history == ["danger", "route", "dilemma"]
        victim.send("/why")
        assert progress(await victim.question()) == progress(third)


async def test_a_press_counts_only_from_the_person_the_button_was_sent_to(
        api: FakeBotApi, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    async with running_bot(api) as bot:
        victim = Person(api, VICTIM)
        await victim.onboard()
        victim.send("/dilemma")
        first = await victim.question()
        attacker = await attacker_ready(api)
        data = dict(buttons(first))["No"]
        moved = copy.deepcopy(first)
        moved["chat"] = private_chat(ATTACKER)
        forged_press(api, VICTIM, moved, data)  # the victim's press, in the attacker's chat
        forged_press(api, ATTACKER, first, data)  # the attacker pressing the victim's button
        group = copy.deepcopy(first)
        group["chat"] = {"id": -1_001_234, "type": "group", "title": "G"}
        forged_press(api, VICTIM, group, data)  # a button the bot never showed in a group
        await refusals(caplog, 3)
        attacker.send("/privacy")
        await attacker.expect("What Schtum keeps")
        session = bot.service.conversations[bot.channel.known(VICTIM)].session
        assert session.history == []
        assert "Question 2" not in seen_by(api, ATTACKER)
        assert not [r for r in api.requests if r.method == "answerCallbackQuery"
                    and r.params.get("callback_query_id") == "forged-1"]
        victim.press(first, "No")
        assert progress(await victim.question()) == 2
