"""Random Telegram updates against the real Application: no unhandled error, no 4xx.

Hypothesis drives three people (and forgers) through random text (lone surrogates, format
and RTL characters, huge and empty messages), commands, edits, presses with random
callback data, and updates whose chat is not their sender's. After each example the bot
must have reached its error handler zero times and caused no 4xx at the fake Bot API.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fake_bot_api import FakeBotApi
from tests.test_telegram_harness import RunningBot, running_bot

USERS = (7_100_000_001, 7_100_000_002, 7_100_000_003)
WORDS = ("/start", "/dilemma", "/journal", "/contract", "/back", "/skip", "/cancel", "/why",
         "/help", "/reflections", "/privacy", "/nonsense", "/start@schtum_test_bot", "/forget",
         "back", "skip", "cancel", "Yes", "No", "Save", "Discard", "Edit an answer",
         "Remove words")
ODD = ("\u202e", "\u200f", "\u2066", "\u200b", "\ufeff", "\u0000", "\ud800", "\udfff",
       "\U0001f600", "&", "<b>", "&amp;", "\n")
PRESS_DATA = ("a:00000000:0", "j:0:0", "j:0:1", "j:0:9", "f:0:0", "f:0:1", "d:0:1", "r:0:0",
              "r:0:99", "x", "a:ffffffff:999")

texts = st.one_of(
    st.sampled_from(WORDS),
    st.text(max_size=60),
    st.lists(st.sampled_from(ODD + ("a", " ", "B")), max_size=40).map("".join),
    st.integers(0, 5000).map(lambda n: "y" * n),
    st.builds(lambda n, c: c * n, st.integers(1, 1200), st.sampled_from(ODD)),
)
users = st.sampled_from(USERS)


@dataclass(frozen=True)
class Action:
    kind: str  # send | edit | press | forge | forge_press
    user: int
    other: int
    text: str
    pick: int


actions = st.builds(
    Action,
    st.sampled_from(("send", "send", "send", "edit", "press", "press", "forge",
                     "forge_press")),
    users, users,
    texts,
    st.integers(0, 10_000),
)
press_data = st.one_of(st.sampled_from(PRESS_DATA), st.text(max_size=64))


@pytest.fixture
async def bot(caplog: pytest.LogCaptureFixture) -> AsyncIterator[RunningBot]:
    caplog.set_level(logging.INFO)
    async with FakeBotApi() as api, running_bot(api) as running:
        for user in USERS:
            api.world.remember_chat({"id": user, "type": "private", "first_name": "P"})
        yield running


def chat(user: int) -> dict[str, Any]:
    return {"id": user, "type": "private", "first_name": "P"}


def play(api: FakeBotApi, action: Action, data: str) -> None:
    """Turn one action into the update Telegram (or a forger) would produce."""
    messages = [m for m in api.messages(action.user) if not m["deleted"]]
    own = [m for m in messages if m.get("from", {}).get("id") == action.user]
    bots = [m for m in messages if m.get("from", {}).get("is_bot")]
    if action.kind == "edit" and own:
        api.user_edits(action.user, own[action.pick % len(own)]["message_id"], action.text)
    elif action.kind == "press" and bots:
        pressed = bots[action.pick % len(bots)]
        api.user_presses(action.user, pressed["message_id"], data, check_button=False)
    elif action.kind == "forge":
        api.forge("message", {"message_id": 10**6 + action.pick, "date": api.world.now(),
                              "from": api.world.user(action.user, "F"),
                              "chat": chat(action.other), "text": action.text})
    elif action.kind == "forge_press" and bots:
        message = dict(bots[action.pick % len(bots)])
        message["chat"] = chat(action.other)
        api.forge("callback_query", {"id": api.world.new_callback_query(),
                                     "from": api.world.user(action.user, "F"),
                                     "message": message, "chat_instance": "1", "data": data})
    elif action.text.strip():
        api.user_sends(action.user, action.text)


async def settle(running: RunningBot) -> None:
    """Wait until the bot has fetched every update and finished handling them."""
    app, api = running.app, running.api
    deadline, quiet = time.monotonic() + 20, 0
    while quiet < 3:
        assert time.monotonic() < deadline, "the bot did not settle"
        with api.world.lock:
            pending = len(api.world.updates)
        busy = app.update_queue.qsize() + app.update_processor.current_concurrent_updates
        quiet = quiet + 1 if not (pending or busy) else 0
        await asyncio.sleep(0.02)


@settings(max_examples=40, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture,
                                 HealthCheck.too_slow, HealthCheck.data_too_large])
@given(steps=st.lists(st.tuples(actions, press_data), min_size=1, max_size=8))
async def test_random_updates_never_reach_the_error_handler_nor_cause_a_4xx(
        bot: RunningBot, caplog: pytest.LogCaptureFixture,
        steps: list[tuple[Action, str]]) -> None:
    for action, data in steps:
        play(bot.api, action, data)
        await asyncio.sleep(0)
    await settle(bot)
    failures = [r.getMessage() for r in caplog.records
                if "handler_failed" in r.getMessage() or r.levelno >= logging.ERROR]
    assert failures == []
    assert [(r.method, r.response) for r in bot.api.errors] == []
