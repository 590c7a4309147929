"""The moments around a conversation: timeouts, groups, edits, errors, forgetting."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.messages import Input, Reply
from bot.service import Service
from bot.telegram import texts
from tests.fake_bot_api import FakeBotApi
from tests.test_telegram_harness import Clock, Person, buttons, progress, running_bot, scan_for

USER = 8_402_117_963
GROUP = -1_009_876_543
CANARY = "Thistlewick-canary-9"


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi() as fake:
        yield fake
        assert [(r.method, r.response) for r in fake.errors] == []


async def started(person: Person) -> None:
    """Onboarded, with the dilemma at question 3 (a text question, after the route)."""
    await person.onboard()
    person.send("/dilemma")
    person.press(await person.question(), "No")
    route = await person.question()
    person.press(route, next(label for label, _ in buttons(route) if label.startswith("Quick")))
    await person.question()


class FailingOnce(Service):
    """The real service, except that one particular answer makes it fail once."""

    failed = False

    def handle(self, who: str, given: Input) -> list[Reply]:
        if given.value == "explode" and not FailingOnce.failed:
            FailingOnce.failed = True
            raise RuntimeError(f"failure while holding {given.value}")
        return super().handle(who, given)


async def test_an_idle_conversation_times_out_and_the_user_is_told(api: FakeBotApi) -> None:
    clock = Clock()
    async with running_bot(api, clock) as bot:
        person = Person(api, USER)
        await started(person)
        clock.now += 31 * 60
        person.send(CANARY)
        await person.expect("idle for more than 30 minutes")
        await person.expect(texts.CLEANUP_OFFER)
        assert bot.service.conversations == {}
        person.send("/back")
        await person.expect(texts.NO_FLOW)


async def test_the_sweep_drops_idle_conversations_from_memory(api: FakeBotApi) -> None:
    clock = Clock()
    async with running_bot(api, clock) as bot:
        person = Person(api, USER)
        await started(person)
        clock.now += 31 * 60
        assert bot.channel.sweep() == 1
        assert bot.service.conversations == {}
        person.send("/help")
        await person.expect("idle for more than 30 minutes")


async def test_a_group_is_refused_politely_and_left(api: FakeBotApi) -> None:
    async with running_bot(api):
        api.add_to_group(GROUP, USER)
        await api.wait_for_bot_message(GROUP, lambda e: "only in private chats" in e["text"])
        for _ in range(100):
            if any(r.method == "leaveChat" for r in api.requests):
                break
            await asyncio.sleep(0.02)
        left = [r.params["chat_id"] for r in api.requests if r.method == "leaveChat"]
        assert left == [GROUP]


async def test_a_message_in_a_group_is_refused_too(api: FakeBotApi) -> None:
    async with running_bot(api):
        api.user_sends(USER, "/dilemma", chat_type="group", chat_id=GROUP)
        await api.wait_for_bot_message(GROUP, lambda e: "only in private chats" in e["text"])


async def test_an_edit_never_becomes_an_answer(api: FakeBotApi) -> None:
    async with running_bot(api) as bot:
        person = Person(api, USER)
        await started(person)
        answer_id = person.send("first words")
        third = await person.question()
        api.user_edits(USER, answer_id, CANARY)
        api.user_edits(USER, answer_id, CANARY + " again")
        await person.expect(texts.EDITS_NOT_READ)
        person.send("/why")
        again = await person.question()
        assert progress(again) == progress(third)
        session = bot.service.conversations[bot.channel.known(USER)].session
        assert session.answers["dilemma"] == "first words"
        told = [m for m in api.messages(USER) if m["text"] == texts.EDITS_NOT_READ]
        assert len(told) == 1


async def test_a_handler_error_is_logged_without_content_and_the_session_survives(
        api: FakeBotApi, data_dir: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    async with running_bot(api, service_class=FailingOnce) as bot:
        person = Person(api, USER)
        await started(person)
        person.send("explode")
        shown = await person.expect("something went wrong")
        assert progress(shown) == 3
        person.send(CANARY)
        assert progress(await person.question()) == 4
        assert "dilemma" in bot.service.conversations[bot.channel.known(USER)].session.answers
    failures = [r.getMessage() for r in caplog.records if "handler_failed" in r.getMessage()]
    assert len(failures) == 1 and "state=dilemma" in failures[0]
    assert "error=RuntimeError" in failures[0]
    assert scan_for(data_dir, ["explode", CANARY, str(USER)], caplog.records) == []


async def test_commands_out_of_place_get_a_short_useful_answer(api: FakeBotApi) -> None:
    async with running_bot(api):
        person = Person(api, USER)
        person.send("/skip")
        await person.expect(texts.NO_FLOW)
        person.send("/nonsense")
        await person.expect(texts.UNKNOWN_COMMAND)
        person.send("a photo would go here")
        await person.expect("Welcome to Schtum")
        await started(person)
        person.send("/dilemma")
        await person.expect(texts.IN_FLOW)
        assert progress(await person.question()) == 3
        person.send("/skip")
        await person.expect("can't be skipped")


async def test_forget_asks_first_then_shreds_everything(api: FakeBotApi) -> None:
    async with running_bot(api) as bot:
        person = Person(api, USER)
        await started(person)
        who = bot.channel.known(USER)
        person.send("/forget")
        ask = await person.expect(texts.FORGET_ASK)
        person.press(ask, texts.FORGET_NO)
        await person.expect(texts.FORGET_KEPT)
        assert who in bot.service.conversations
        person.send("/forget")
        ask = await person.expect(texts.FORGET_ASK)
        person.press(ask, texts.FORGET_YES)
        await person.expect(texts.FORGOTTEN)
        assert who not in bot.service.conversations
        assert bot.service.store.audit_entries(who)[-1].action == "forget"
        person.send("/dilemma")
        await person.expect("Welcome to Schtum")


async def test_saved_reflections_can_be_listed_and_opened(api: FakeBotApi) -> None:
    async with running_bot(api) as bot:
        person = Person(api, USER)
        person.send("/reflections")
        await person.expect(texts.NO_REFLECTIONS)
        await person.onboard()
        who = bot.service.who(f"telegram:{USER}")
        bot.service.store.save_reflection(who, flow_id="breach-uk", flow_version="1.0",
                                          title="A dilemma <b>", body=f"Body {CANARY} & co")
        person.send("/reflections")
        listing = await person.expect("Your saved reflections")
        assert "A dilemma <b>" in listing["text"] and listing["has_protected_content"]
        person.press(listing, buttons(listing)[0][0])
        opened = await person.expect(f"Body {CANARY} & co")
        assert opened["has_protected_content"]
