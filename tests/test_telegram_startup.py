"""`schtum run` that cannot start says what failed in one sentence, never a traceback."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator

import pytest
from telegram.error import TelegramError

from bot.cli import main
from tests.fake_bot_api import FakeBotApi
from tests.test_telegram_harness import schtum_run
from tests.test_telegram_webhook import free_port

BAD_WEBHOOK = "Bad Request: bad webhook: Failed to resolve host: Name or service not known"


@pytest.fixture
def fake() -> Iterator[FakeBotApi]:
    """The fake in a thread, without the no-4xx check: these tests provoke 4xx on purpose."""
    api = FakeBotApi().start_in_thread()
    yield api
    api.stop()


def failed_start(environ: dict[str, str]) -> list[str]:
    """Run `schtum run`, expect exit 1 and no traceback; its stderr lines."""
    bot = schtum_run(environ)
    try:
        _, stderr = bot.communicate(timeout=30)
    finally:
        if bot.poll() is None:
            bot.send_signal(signal.SIGTERM)
            bot.communicate()
    assert bot.returncode == 1, stderr
    assert "Traceback" not in stderr
    assert environ["SCHTUM_TELEGRAM_TOKEN"] not in stderr
    return stderr.strip().splitlines()


def test_a_base_url_that_answers_404_is_named_as_such(fake: FakeBotApi) -> None:
    said = failed_start({**os.environ, "SCHTUM_TELEGRAM_TOKEN": fake.token,
                         "SCHTUM_TELEGRAM_BASE_URL": fake.base_url.replace("/bot", "/api/bot")})
    assert said[-1].startswith("The Bot API address answered 404 Not Found: check [telegram] "
                               "base_url")
    assert not any("refused the bot token" in line for line in said)


def test_a_token_telegram_does_not_know_is_a_401(fake: FakeBotApi) -> None:
    said = failed_start({**os.environ, "SCHTUM_TELEGRAM_TOKEN": "999999:UNKNOWN-token-xyz",
                         "SCHTUM_TELEGRAM_BASE_URL": fake.base_url})
    assert said[-1] == ("Telegram refused the bot token (401 Unauthorized); check it with "
                        "BotFather.")


def test_a_webhook_telegram_refuses_is_reported_in_its_own_words(fake: FakeBotApi) -> None:
    fake.fail_next("setWebhook", 400, BAD_WEBHOOK)
    said = failed_start({**os.environ, "SCHTUM_TELEGRAM_TOKEN": fake.token,
                         "SCHTUM_TELEGRAM_BASE_URL": fake.base_url,
                         "SCHTUM_TELEGRAM_WEBHOOK_URL": "https://no-such-host.example/hook",
                         "SCHTUM_TELEGRAM_WEBHOOK_PORT": str(free_port())})
    telegrams_words = TelegramError(BAD_WEBHOOK).message  # PTB drops "Bad Request: "
    assert said[-1] == f"Telegram refused to start the bot: {telegrams_words}."
    assert not any("Cannot reach" in line for line in said)


def test_an_http_webhook_url_is_one_sentence_and_exit_2(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("SCHTUM_TELEGRAM_TOKEN", "123456:TEST-token-abc")
    monkeypatch.setenv("SCHTUM_TELEGRAM_WEBHOOK_URL", "http://bot.example.org:8080/hook")
    assert main(["run"]) == 2
    said = capsys.readouterr().err.strip().splitlines()
    assert said == ["schtum: telegram.webhook_url must be an https:// URL with a host name, e.g. "
                    "https://bot.example.org/schtum (Telegram delivers only over HTTPS)."]
