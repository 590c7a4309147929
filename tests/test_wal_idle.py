"""Checked from outside (audit finding 3): with the real `schtum run` still running and
idle, every SQLite -wal file in the data folder is empty within 4 seconds of the last
conversation ending, so no older copy of a snapshot (raw answers) survives on disk."""

from __future__ import annotations

import asyncio
import os
import sqlite3
from pathlib import Path

from bot.wording import CANCELLED, DISCARDED
from tests.fake_bot_api import FakeBotApi
from tests.test_telegram_harness import Person, buttons, schtum_run

USERS = (5_310_774_201, 5_310_774_202)
START_TIMEOUT = 20.0


def snapshots(db_path: Path) -> int:
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT count(*) FROM sessions").fetchone()[0]
    finally:
        conn.close()


def wal_sizes(folder: Path) -> dict[str, int]:
    return {p.name: p.stat().st_size for p in folder.rglob("*-wal")}


async def answer_until_summary(person: Person, words: str) -> dict:
    question = await person.question()
    while not any(label == "Save" for label, _ in buttons(question)):
        if buttons(question):
            person.press(question, buttons(question)[-1][0])
        else:
            person.send(words)
        question = await person.question()
    return question


async def test_the_wal_is_empty_within_4_seconds_of_the_last_conversation_ending(
        threaded_api: FakeBotApi, data_dir: Path) -> None:
    api = threaded_api
    environ = {**os.environ, "SCHTUM_TELEGRAM_TOKEN": api.token,
               "SCHTUM_TELEGRAM_BASE_URL": api.base_url}
    bot = schtum_run(environ)
    try:
        saver, stopper = Person(api, USERS[0]), Person(api, USERS[1])
        for person in (saver, stopper):
            person.send("/start")
            welcome = await person.expect("Welcome to Schtum", timeout=START_TIMEOUT)
            person.press(welcome, "England and Wales")
            await person.expect("You're set")
            person.send("/journal")
        summary = await answer_until_summary(saver, "A thought about a hard session.")
        stopper.press(await stopper.question(), "Ten minutes: Gibbs' cycle")
        await stopper.question()
        await asyncio.sleep(1.5)  # both snapshots written: raw answers are on disk now
        assert snapshots(data_dir / "schtum.db") == 2
        saver.press(summary, "Discard")
        await saver.expect(DISCARDED)
        stopper.send("/cancel")
        await stopper.expect(CANCELLED)
        for _ in range(40):  # 4 seconds at most
            if not any(wal_sizes(data_dir).values()):
                break
            await asyncio.sleep(0.1)
        assert bot.poll() is None, "the bot must still be running"
        assert not any(wal_sizes(data_dir).values()), wal_sizes(data_dir)
        assert snapshots(data_dir / "schtum.db") == 0
    finally:
        bot.kill()
        bot.communicate()
