"""The real `schtum run` in a subprocess, against the fake Bot API running in a thread."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import load_config
from bot.telegram.app import run
from bot.wiring import master_key
from storage.store import Store
from tests.fake_bot_api import FakeBotApi
from tests.test_telegram_harness import Person, buttons, scan_for, schtum_run

USER = 6_120_448_317
CANARY = "Brambleford-canary-7"
START_TIMEOUT = 20.0


def test_schtum_run_without_a_token_says_so_in_one_sentence_and_exits_1() -> None:
    result = subprocess.run([sys.executable, "-m", "bot.cli", "run"], text=True,
                            capture_output=True, timeout=30, env=dict(os.environ))
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "No Telegram bot token: set SCHTUM_TELEGRAM_TOKEN or [telegram] token in the config "
        "(BotFather gives you one with /newbot)."]


@pytest.mark.parametrize("token", ["not a token", "12345:short", "abc:defghijklmnop", " : "])
def test_a_malformed_token_is_one_sentence_and_exit_1(
        token: str, capsys: pytest.CaptureFixture[str]) -> None:
    environ = {**os.environ, "SCHTUM_TELEGRAM_TOKEN": token}
    assert run(load_config(None, environ), environ) == 1
    assert capsys.readouterr().err.startswith("The Telegram bot token is malformed")


async def test_schtum_run_saves_a_reflection_and_stops_cleanly_on_sigterm(
        threaded_api: FakeBotApi, data_dir: Path) -> None:
    api = threaded_api
    environ = {**os.environ, "SCHTUM_TELEGRAM_TOKEN": api.token,
               "SCHTUM_TELEGRAM_BASE_URL": api.base_url}
    bot = schtum_run(environ)
    try:
        person = Person(api, USER)
        person.send("/start")
        welcome = await person.expect("Welcome to Schtum", timeout=START_TIMEOUT)
        person.press(welcome, "England and Wales")
        person.send("/journal")
        question = await person.question()
        while not any(label == "Save" for label, _ in buttons(question)):
            if buttons(question):
                person.press(question, buttons(question)[0][0])
            else:
                person.send(f"{CANARY} thought")
            question = await person.question()
        person.press(question, "Save")
        await asyncio.sleep(0.05)
        bot.send_signal(signal.SIGTERM)
        _, stderr = bot.communicate(timeout=15)
    finally:
        if bot.poll() is None:
            bot.kill()
            bot.communicate()
    assert bot.returncode == 0, stderr
    config = load_config(None, environ)
    with Store.open(config.db_path, master_key(config, environ)[0]) as store:
        saved = store.list_reflections(store.pseudonym_of(f"telegram:{USER}"))
    pending = [u for u in api.world.updates if "callback_query" in u]
    assert len(saved) == 1 or pending, "an approved reflection was lost"
    assert "Traceback" not in stderr
    (data_dir / "captured-stderr.log").write_text(stderr)
    assert scan_for(data_dir, [CANARY, str(USER)], []) == []
