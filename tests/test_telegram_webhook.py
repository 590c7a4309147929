"""Webhook mode: the real `schtum run` registers its URL and answers updates POSTed to it."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import time
import urllib.error
import urllib.request
from typing import Any

from tests.fake_bot_api import FakeBotApi
from tests.test_telegram_harness import Person, schtum_run

USER = 5_804_221_937
SECRET = "webhook-secret_4Kq9"
PATH = "schtum-7f3c"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def post(port: int, update: dict[str, Any], secret: str) -> int:
    request = urllib.request.Request(  # noqa: S310 - a loopback URL built here
        f"http://127.0.0.1:{port}/{PATH}", data=json.dumps(update).encode(), method="POST",
        headers={"Content-Type": "application/json",
                 "X-Telegram-Bot-Api-Secret-Token": secret})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
            return int(response.status)
    except urllib.error.HTTPError as refused:
        return int(refused.code)


async def until_listening(port: int, deadline: float) -> None:
    """PTB registers the webhook before its server listens: wait for the port to open."""
    while time.monotonic() < deadline:
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            await asyncio.sleep(0.05)
            continue
        writer.close()
        await writer.wait_closed()
        return
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port}")


def take_queued(api: FakeBotApi) -> list[dict[str, Any]]:
    """The updates the fake queued for the user (Telegram would push them to the hook)."""
    with api.world.lock:
        queued, api.world.updates = list(api.world.updates), []
    return queued


async def test_webhook_mode_registers_the_url_and_answers_pushed_updates(
        threaded_api: FakeBotApi) -> None:
    api = threaded_api
    port = free_port()
    environ = {**os.environ, "SCHTUM_TELEGRAM_TOKEN": api.token,
               "SCHTUM_TELEGRAM_BASE_URL": api.base_url,
               "SCHTUM_TELEGRAM_WEBHOOK_URL": f"https://bot.example.org/{PATH}",
               "SCHTUM_TELEGRAM_WEBHOOK_LISTEN": "127.0.0.1",
               "SCHTUM_TELEGRAM_WEBHOOK_PORT": str(port),
               "SCHTUM_TELEGRAM_WEBHOOK_SECRET": SECRET}
    bot = schtum_run(environ)
    try:
        deadline = time.monotonic() + 20
        while api.world.webhook_url == "" and time.monotonic() < deadline:  # noqa: ASYNC110
            await asyncio.sleep(0.05)
        assert api.world.webhook_url == f"https://bot.example.org/{PATH}"
        registered = [r for r in api.requests if r.method == "setWebhook"][-1]
        assert registered.params.get("secret_token") == SECRET

        await until_listening(port, deadline)
        person = Person(api, USER)
        person.send("/start")
        start = take_queued(api)[0]
        assert post(port, start, "wrong-secret") == 403
        assert post(port, start, SECRET) == 200
        welcome = await person.expect("Welcome to Schtum", timeout=10)
        assert "not legal or clinical advice" in welcome["text"]
    finally:
        bot.send_signal(signal.SIGTERM)
        _, stderr = bot.communicate(timeout=20)
    assert bot.returncode == 0, stderr
    assert "Traceback" not in stderr
    assert str(USER) not in stderr
