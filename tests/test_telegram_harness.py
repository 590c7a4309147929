"""A real PTB Application polling the fake Bot API, and a person driving it (no tests here).

Shared by the tests/test_telegram_*.py files: `running_bot` starts the real application
built by bot.telegram.app against the fake through base_url; `Person` plays a user.
"""

from __future__ import annotations

import logging
import os
import re
import subprocess
import sys
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from telegram.ext import Application

from bot.config import load_config
from bot.service import Service
from bot.telegram.app import ALLOWED_UPDATES, build_application, flood_limiter
from bot.telegram.channel import Channel
from bot.wiring import open_service
from tests.fake_bot_api import FakeBotApi

Event = dict[str, Any]
TIMEOUT = 15.0  # an upper bound only: a loaded 2-core CI machine can be slow


@dataclass
class Clock:
    """A clock the test moves by hand, shared by the service and the channel."""

    now: float = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now


@dataclass
class RunningBot:
    app: Application
    api: FakeBotApi
    clock: Clock | None

    @property
    def channel(self) -> Channel:
        return self.app.bot_data["channel"]

    @property
    def service(self) -> Service:
        return self.channel.service


def real_clock_or(clock: Clock | None) -> Callable[[Service], None]:
    def adjust(service: Service) -> None:
        if clock is not None:
            service.clock = clock
    return adjust


@asynccontextmanager
async def running_bot(api: FakeBotApi, clock: Clock | None = None,
                      service_class: type[Service] = Service) -> AsyncIterator[RunningBot]:
    """The real Application, polling the fake, until the block ends (then shut down)."""
    environ = {**os.environ, "SCHTUM_TELEGRAM_BASE_URL": api.base_url}
    config = load_config(None, environ)

    def factory() -> Service:
        service, _ = open_service(config, environ, resume=True)
        service.__class__ = service_class
        real_clock_or(clock)(service)
        return service

    app = build_application(config, environ, api.token, factory,
                            rate_limiter=flood_limiter(overall_max_rate=0, group_max_rate=0))
    await app.initialize()
    assert app.post_init is not None and app.post_shutdown is not None
    await app.post_init(app)
    assert app.updater is not None
    await app.updater.start_polling(poll_interval=0, timeout=1,
                                    allowed_updates=ALLOWED_UPDATES)
    await app.start()
    try:
        yield RunningBot(app, api, clock)
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()
        await app.post_shutdown(app)


def buttons(event: Event) -> list[tuple[str, str]]:
    rows = event.get("reply_markup", {}).get("inline_keyboard", [])
    return [(b["text"], b["callback_data"]) for row in rows for b in row]


def fresh(event: Event) -> bool:
    return "edit_date" not in event


PROGRESS = re.compile(r"(?m)^Question (\d+) of about \d+$")


def is_question(event: Event) -> bool:
    """A newly sent flow question (progress line) or the summary (Save button)."""
    return fresh(event) and (PROGRESS.search(event.get("text", "")) is not None
                             or any(d.startswith("a:") for _, d in buttons(event)))


def progress(event: Event) -> int | None:
    found = PROGRESS.search(event.get("text", ""))
    return int(found.group(1)) if found else None


def containing(words: str) -> Callable[[Event], bool]:
    return lambda event: fresh(event) and words in event.get("text", event.get("caption", ""))


@dataclass
class Person:
    """One practitioner on a phone, talking to the bot through the fake."""

    api: FakeBotApi
    user_id: int
    sent: list[int] = field(default_factory=list)

    def send(self, text: str) -> int:
        message_id = self.api.user_sends(self.user_id, text)
        self.sent.append(message_id)
        return message_id

    async def expect(self, predicate: Callable[[Event], bool] | str,
                     timeout: float = TIMEOUT) -> Event:  # noqa: ASYNC109
        check = containing(predicate) if isinstance(predicate, str) else predicate
        return await self.api.wait_for_bot_message(self.user_id, check, timeout)

    async def question(self) -> Event:
        return await self.expect(is_question)

    def press(self, event: Event, label: str) -> str:
        data = dict(buttons(event))[label]
        return self.api.user_presses(self.user_id, event["message_id"], data)

    async def onboard(self, place: str = "England and Wales") -> None:
        self.send("/start")
        welcome = await self.expect("Welcome to Schtum")
        self.press(welcome, place)
        await self.expect("You're set")


async def save_short_journal(person: Person, answers: tuple[str, ...] = (
        "A session ran over.", "I noticed I rush endings.",
        "Plan endings five minutes earlier.")) -> None:
    """/journal on the three-minute form, `answers` typed, then Save; fails, never hangs,
    if the summary does not come (a walk with no bound once hung the whole suite)."""
    person.send("/journal")
    person.press(await person.question(), "Three minutes: What? So what? Now what?")
    typed = iter(answers)
    for _ in range(20):
        event = await person.question()
        labels = [label for label, _ in buttons(event)]
        if "Save" in labels:
            person.press(event, "Save")
            return
        if labels:
            person.press(event, labels[0])
            continue
        words = next(typed, None)
        optional = "/skip" in event["text"]
        person.send(words if words else ("/skip" if optional else "More words."))
    raise AssertionError("the journal's summary never came")


def scan_for(folder: Path, needles: list[str], records: list[logging.LogRecord]) -> list[str]:
    """Which needles appear in any file under `folder` or in any captured log line."""
    found = []
    blobs = [p.read_bytes() for p in folder.rglob("*") if p.is_file()]
    lines = "\n".join(r.getMessage() for r in records)
    for needle in needles:
        if any(needle.encode() in blob for blob in blobs) or needle in lines:
            found.append(needle)
    return found


def schtum_run(environ: dict[str, str]) -> subprocess.Popen[str]:
    """The real `schtum run` as a subprocess, its output captured."""
    return subprocess.Popen([sys.executable, "-m", "bot.cli", "run"], env=environ, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
