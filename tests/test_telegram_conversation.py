"""Whole conversations with the real Application over HTTP to the fake Bot API."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.telegram import texts
from tests.fake_bot_api import FakeBotApi
from tests.test_telegram_harness import (
    Event,
    Person,
    buttons,
    progress,
    running_bot,
    scan_for,
)

USER = 7_319_552_841
CANARIES = ["Zephyrine-canary-1", "Quillon-canary-2", "Marrowby-canary-3"]


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    """The fake Bot API; every test ends by checking the bot caused no 4xx."""
    async with FakeBotApi() as fake:
        yield fake
        assert [(r.method, r.response) for r in fake.errors] == []


def choose(event: Event) -> str:
    """No, else the last option; on a multi-select, the first option and then Done."""
    labels = [label for label, _ in buttons(event)]
    if "Done" in labels:
        return "Done" if any(label.startswith("✓ ") for label in labels) else labels[0]
    return "No" if "No" in labels else labels[-1]


async def walk_to_summary(person: Person, first: Event, answers: list[str]) -> Event:
    """Answer every question (No / last choice / canary text / skip) up to the summary."""
    question, typed = first, iter(answers * 10)
    for _ in range(80):  # a flow that never reaches its summary fails, never hangs
        if any(label == "Save" for label, _ in buttons(question)):
            return question
        if buttons(question):
            person.press(question, choose(question))
        elif "Optional: send /skip to pass." in question["text"]:
            person.send("/skip")
        else:
            person.send(next(typed))
        question = await person.question()
    raise AssertionError("the summary never came")


async def quick_route(person: Person) -> Event:
    """Choose the quick reflection at the route question; return the next question."""
    route = await person.question()
    person.press(route, next(b for b, _ in buttons(route) if b.startswith("Quick")))
    return await person.question()


def message(api: FakeBotApi, message_id: int) -> Event:
    return next(m for m in api.messages(USER) if m["message_id"] == message_id)


async def test_the_menu_lists_every_command(api: FakeBotApi) -> None:
    async with running_bot(api):
        registered = [r for r in api.requests if r.method == "setMyCommands"]
        names = [c["command"] for c in registered[-1].params["commands"]]
        assert names == ["start", "dilemma", "journal", "contract", "back", "skip", "cancel",
                         "why", "reflections", "share", "unshare", "invite", "supervisors",
                         "name", "inbox", "pack", "log", "export", "remind", "timezone",
                         "followups", "privacy", "forget", "help"]


async def test_onboarding_says_what_schtum_is_and_saves_the_jurisdiction(
        api: FakeBotApi) -> None:
    async with running_bot(api) as bot:
        person = Person(api, USER)
        person.send("/dilemma")
        welcome = await person.expect("Welcome to Schtum")
        for words in ("not legal or clinical advice", "do not type names", "999",
                      "NHS 111", "116 123", "911", "988", "pseudonym"):
            assert words in welcome["text"]
        person.press(welcome, "United States")
        await person.expect("You're set (United States)")
        who = bot.channel.known(USER)
        assert bot.service.store.load_settings(who) == {"jurisdiction": "us", "onboarded": True}
        person.send("/dilemma")
        await person.expect("A confidentiality dilemma (US)")


async def test_a_whole_dilemma_with_back_skip_and_save_leaves_no_trace(
        api: FakeBotApi, data_dir: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    async with running_bot(api) as bot:
        person = Person(api, USER)
        await person.onboard()
        person.send("/dilemma")
        first = await person.question()
        person.press(first, "No")
        await person.question()
        answered = message(api, first["message_id"])
        assert answered["text"].endswith("✓ No") and "reply_markup" not in answered
        person.send(CANARIES[0])
        third = await person.question()
        typed_label = buttons(third)[-1][0]
        person.send(typed_label)
        fourth = await person.question()
        assert "reply_markup" not in message(api, third["message_id"])
        person.send("/back")
        again = await person.question()
        assert progress(again) == progress(third)
        assert f"Earlier you answered: {typed_label}" in again["text"]
        summary = await walk_to_summary(person, again, CANARIES[1:])
        assert progress(fourth) == progress(third) + 1
        assert summary.get("has_protected_content") is True
        person.press(summary, "Save")
        await person.expect("Saved, encrypted")
        offer = await person.expect(texts.CLEANUP_OFFER)
        person.press(offer, texts.CLEANUP_YES)
        await person.expect(lambda e: e["text"].startswith("Deleted "))
        who = bot.channel.known(USER)
        assert len(bot.service.store.list_reflections(who)) == 1
    chat = api.messages(USER)
    for sent in person.sent[1:]:
        assert next(m for m in chat if m["message_id"] == sent)["deleted"]
    assert not any(CANARIES[0] in m["text"] for m in chat if not m["deleted"])
    assert scan_for(data_dir, [*CANARIES, str(USER)], caplog.records) == []


async def test_cancel_stores_nothing_and_offers_to_delete(api: FakeBotApi) -> None:
    async with running_bot(api) as bot:
        person = Person(api, USER)
        await person.onboard()
        person.send("/dilemma")
        person.press(await person.question(), "No")
        await person.question()
        person.send("/cancel")
        await person.expect("Cancelled. Nothing was stored.")
        offer = await person.expect(texts.CLEANUP_OFFER)
        person.press(offer, texts.CLEANUP_NO)
        await person.expect(lambda e: e["text"] == texts.CLEANUP_KEPT)
        who = bot.channel.known(USER)
        assert bot.service.store.list_reflections(who) == []
        assert who not in bot.service.conversations


async def test_stale_double_tapped_and_forged_presses_answer_politely_once(
        api: FakeBotApi) -> None:
    async with running_bot(api) as bot:
        person = Person(api, USER)
        await person.onboard()
        person.send("/dilemma")
        first = await person.question()
        data = dict(buttons(first))["No"]
        api.user_presses(USER, first["message_id"], data)
        api.user_presses(USER, first["message_id"], data, check_button=False)
        await quick_route(person)
        person.send(CANARIES[0])
        third = await person.question()
        api.user_presses(USER, first["message_id"], dict(buttons(first))["Yes"],
                         check_button=False)
        api.user_presses(USER, third["message_id"], "a:00000000:0", check_button=False)
        api.user_presses(USER, third["message_id"], "not ours", check_button=False)
        person.send("/why")
        await person.question()
        session = bot.service.conversations[bot.channel.known(USER)].session
        assert session.history == ["danger", "route", "dilemma"]
        answers = [r.params.get("text") for r in api.requests
                   if r.method == "answerCallbackQuery"]
        assert answers[-6:] == [None, texts.STALE_BUTTON, None,  # No, its double, the route
                                texts.STALE_BUTTON, texts.STALE_BUTTON, texts.DEAD_BUTTON]


async def test_an_identifier_is_flagged_live(api: FakeBotApi) -> None:
    async with running_bot(api):
        person = Person(api, USER)
        await person.onboard()
        person.send("/dilemma")
        person.press(await person.question(), "No")
        await quick_route(person)
        person.send("My client John Smith rang me on 07700 900123 about it.")
        warning = await person.expect("That looks like")
        assert warning["text"].startswith("⚠️")
        assert progress(warning) == 4


async def test_a_restart_mid_flow_resumes_at_the_same_question(
        api: FakeBotApi, data_dir: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    person = Person(api, USER)
    async with running_bot(api):
        await person.onboard()
        person.send("/dilemma")
        person.press(await person.question(), "No")
        await quick_route(person)
        person.send(CANARIES[0])
        third = await person.question()
    async with running_bot(api) as bot:
        assert bot.service.conversations == {}
        person.press(third, buttons(third)[0][0])
        fourth = await person.question()
        assert progress(fourth) == progress(third) + 1
        session = bot.service.conversations[bot.channel.known(USER)].session
        assert session.answers["dilemma"] == CANARIES[0]
    assert scan_for(data_dir, [CANARIES[0], str(USER)], caplog.records) == []
