"""A backup taken while `schtum run` serves traffic restores into a folder that opens."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

from bot.config import load_config
from bot.wiring import master_key
from storage.store import Store
from tests.fake_bot_api import FakeBotApi
from tests.test_telegram_harness import Person, buttons, schtum_run

USERS = (6_400_100_001, 6_400_100_002, 6_400_100_003)


def schtum(environ: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot.cli", *args], env=environ,
                          capture_output=True, text=True, timeout=60)


async def journal(person: Person, rounds: int, first: asyncio.Event) -> int:
    """Save `rounds` journal entries, one after another; returns how many were saved."""
    await person.onboard()
    for _ in range(rounds):
        person.send("/journal")
        question = await person.question()
        while not any(label == "Save" for label, _ in buttons(question)):
            if buttons(question):
                person.press(question, buttons(question)[0][0])
            else:
                person.send("A thought about the week")
            question = await person.question()
        person.press(question, "Save")
        await person.expect("Saved")
        first.set()
    return rounds


async def test_a_backup_during_traffic_restores_and_opens(threaded_api: FakeBotApi,
                                                           tmp_path: Path) -> None:
    environ = {**os.environ, "SCHTUM_TELEGRAM_TOKEN": threaded_api.token,
               "SCHTUM_TELEGRAM_BASE_URL": threaded_api.base_url}
    bot = schtum_run(environ)
    try:
        people = [Person(threaded_api, user) for user in USERS]
        first = asyncio.Event()
        traffic = asyncio.gather(*(journal(p, 3, first) for p in people))
        await asyncio.wait_for(first.wait(), timeout=60)  # mid-traffic, one save in
        made = await asyncio.to_thread(schtum, environ, "backup", str(tmp_path / "live.db"))
        assert made.returncode == 0, made.stderr
        saved = sum(await asyncio.wait_for(traffic, timeout=120))
        bot.send_signal(signal.SIGTERM)
        bot.communicate(timeout=20)
    finally:
        if bot.poll() is None:
            bot.kill()
            bot.communicate()
    into = {**environ, "SCHTUM_STORAGE_DATA_DIR": str(tmp_path / "restored")}
    restored = schtum(into, "restore", str(tmp_path / "live.db"))
    assert restored.returncode == 0, restored.stderr
    config = load_config(None, into)
    with Store.open(config.db_path, master_key(config, into)[0]) as store:
        found = [len(store.list_reflections(store.pseudonym_of(f"telegram:{u}")))
                 for u in USERS]
        for user in USERS:
            owner = store.pseudonym_of(f"telegram:{user}")
            for item in store.list_reflections(owner):
                assert store.read_reflection(owner, item.id)
    print(f"\n{made.stdout.strip()}\n{restored.stdout.strip()}\n"
          f"saved during the run: {saved}; in the backup, per practitioner: {found}")
    assert 0 < sum(found) <= saved
