"""Webhook mode always has a secret, checked in constant time, and forged updates are dropped.

One test runs the real `schtum run` with no secret configured; the others run the real
Application's webhook server (PTB's own) in this process and POST to it over HTTP.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import os
import signal
import stat
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from telegram.ext import Application

from bot.config import load_config
from bot.errors import ConfigError
from bot.service import Service
from bot.telegram import webhook
from bot.telegram.app import ALLOWED_UPDATES, build_application, flood_limiter
from bot.wiring import open_service
from tests.fake_bot_api import FakeBotApi
from tests.test_telegram_harness import Person, schtum_run
from tests.test_telegram_webhook import PATH, free_port, post, take_queued, until_listening

USER = 5_900_310_441
ATTACKER = 5_900_310_999
HEADER = "X-Telegram-Bot-Api-Secret-Token"


def webhook_environ(api: FakeBotApi, port: int) -> dict[str, str]:
    return {**os.environ, "SCHTUM_TELEGRAM_TOKEN": api.token,
            "SCHTUM_TELEGRAM_BASE_URL": api.base_url,
            "SCHTUM_TELEGRAM_WEBHOOK_URL": f"https://bot.example.org/{PATH}",
            "SCHTUM_TELEGRAM_WEBHOOK_LISTEN": "127.0.0.1",
            "SCHTUM_TELEGRAM_WEBHOOK_PORT": str(port)}


async def test_without_a_configured_secret_one_is_made_kept_and_required(
        threaded_api: FakeBotApi, data_dir: Path) -> None:
    api = threaded_api
    port = free_port()
    bot = schtum_run(webhook_environ(api, port))
    try:
        deadline = time.monotonic() + 20
        while api.world.webhook_url == "" and time.monotonic() < deadline:  # noqa: ASYNC110
            await asyncio.sleep(0.05)
        registered = [r for r in api.requests if r.method == "setWebhook"][-1]
        kept = data_dir / webhook.SECRET_FILE
        assert registered.params.get("secret_token") == kept.read_text().strip()
        assert len(kept.read_text().strip()) >= 32
        assert stat.S_IMODE(kept.stat().st_mode) == 0o600
        await until_listening(port, deadline)
        person = Person(api, USER)
        person.send("/start")
        start = take_queued(api)[0]
        assert post(port, start, "") == 403
        assert post(port, start, "guessed-secret") == 403
        assert post(port, start, kept.read_text().strip()) == 200
        await person.expect("Welcome to Schtum", timeout=10)
    finally:
        bot.send_signal(signal.SIGTERM)
        _, stderr = bot.communicate(timeout=20)
    assert bot.returncode == 0, stderr
    assert "Traceback" not in stderr
    config = load_config(None, webhook_environ(api, port))
    assert webhook.webhook_secret(config) == kept.read_text().strip()  # reused on restart


@asynccontextmanager
async def webhook_bot(api: FakeBotApi, port: int, secret: str = "") -> AsyncIterator[Application]:
    """The real Application with PTB's webhook server on 127.0.0.1:`port`."""
    environ = webhook_environ(api, port)
    if secret:
        environ["SCHTUM_TELEGRAM_WEBHOOK_SECRET"] = secret
    config = load_config(None, environ)

    def factory() -> Service:
        return open_service(config, environ, resume=True)[0]

    app = build_application(config, environ, api.token, factory,
                            rate_limiter=flood_limiter(overall_max_rate=0, group_max_rate=0))
    await app.initialize()
    assert app.post_init is not None and app.post_shutdown is not None
    await app.post_init(app)
    assert app.updater is not None
    await app.updater.start_webhook(**webhook.options(config, ALLOWED_UPDATES))
    await app.start()
    try:
        yield app
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()
        await app.post_shutdown(app)


async def push(port: int, update: dict[str, Any], secret: str) -> int:
    async with aiohttp.ClientSession() as session, session.post(
            f"http://127.0.0.1:{port}/{PATH}", data=json.dumps(update),
            headers={"Content-Type": "application/json", HEADER: secret}) as response:
        return response.status


async def test_ptbs_secret_check_runs_in_constant_time(
        monkeypatch: pytest.MonkeyPatch) -> None:
    compared: list[tuple[bytes, bytes]] = []
    real = hmac.compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        compared.append((a, b))
        return real(a, b)

    monkeypatch.setattr(webhook.hmac, "compare_digest", spy)
    async with FakeBotApi() as api:
        port = free_port()
        async with webhook_bot(api, port, secret="right-secret_1"):
            person = Person(api, USER)
            person.send("/start")
            start = take_queued(api)[0]
            assert await push(port, start, "right-secret_2") == 403
            assert (b"right-secret_1", b"right-secret_2") in compared
            assert await push(port, start, "right-secret_1") == 200
            await person.expect("Welcome to Schtum")
        assert api.errors == []


async def test_a_forged_update_with_the_right_secret_still_needs_its_own_chat(
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    async with FakeBotApi() as api:
        port = free_port()
        async with webhook_bot(api, port, secret="s3cret"):
            attacker = Person(api, ATTACKER)
            attacker.send("/privacy")
            assert await push(port, take_queued(api)[0], "s3cret") == 200
            await attacker.expect("What Schtum keeps")
            forged = {"update_id": 77, "message": {
                "message_id": 5, "date": api.world.now(), "text": "/start",
                "from": api.world.user(USER, "Tess"),
                "chat": {"id": ATTACKER, "type": "private", "first_name": "M"},
                "entities": [{"type": "bot_command", "offset": 0, "length": 6}]}}
            assert await push(port, forged, "s3cret") == 200
            deadline = time.monotonic() + 5
            while not any("update_refused" in r.getMessage() for r in caplog.records):
                assert time.monotonic() < deadline, "the forged update was not refused"
                await asyncio.sleep(0.01)
            assert not [m for m in api.messages(ATTACKER) if "Welcome" in m.get("text", "")]
        assert api.errors == []


@pytest.mark.parametrize(("url", "words"), [
    ("http://bot.example.org/hook", "https://"),
    ("https://bot.example.org:8080/hook", "port 8080"),
    ("https:///hook", "host name"),
    ("https://bot.example.org:99999/hook", "not a valid URL"),
])
def test_a_webhook_url_telegram_would_refuse_is_refused_at_load(url: str, words: str) -> None:
    with pytest.raises(ConfigError) as refused:
        load_config(None, {"SCHTUM_TELEGRAM_WEBHOOK_URL": url})
    said = str(refused.value)
    assert words in said and said.endswith(".") and "\n" not in said


def test_a_malformed_configured_secret_is_refused_at_load() -> None:
    with pytest.raises(ConfigError, match="webhook_secret"):
        load_config(None, {"SCHTUM_TELEGRAM_WEBHOOK_SECRET": "has spaces and ü"})


def test_the_secret_compares_equal_only_to_itself() -> None:
    secret = webhook.Secret("abc")
    assert secret == "abc" and "abc" == secret and not ("abc" != secret)
    assert secret != "abd" and "abd" != secret and secret != "ab" and secret != 3
