"""The opt-in aiohttp transport, the pool settings, and the fake Bot API in its own process."""

from __future__ import annotations

import os
import socket
from collections.abc import AsyncIterator

import pytest
from telegram import Bot, InputFile
from telegram.error import NetworkError, TimedOut
from telegram.request import HTTPXRequest, RequestData
from telegram.request._requestparameter import RequestParameter

from bot.config import load_config
from bot.errors import ConfigError
from bot.telegram.app import TRANSPORT_ENV
from bot.telegram.transport import AiohttpRequest, form
from tests.fake_bot_api import FakeBotApi
from tests.fake_bot_api.remote import RemoteFakeBotApi
from tests.test_telegram_harness import Person, running_bot

TOKEN = "123456:TEST-token-abc"


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi(TOKEN, max_poll_wait=0.5) as fake:
        yield fake
    assert [(r.method, r.response) for r in fake.errors] == []


async def test_a_whole_first_question_runs_over_the_aiohttp_transport(
        api: FakeBotApi, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(TRANSPORT_ENV, "aiohttp")
    async with running_bot(api) as running:
        assert isinstance(running.app.bot.request, AiohttpRequest)
        person = Person(api, 7_001)
        await person.onboard()
        person.send("/dilemma")
        question = await person.question()
        person.press(question, "No")
        await person.expect(lambda event: "edit_date" in event and "✓" in event["text"])


async def test_the_default_transport_is_httpx_with_a_small_pool(api: FakeBotApi) -> None:
    async with running_bot(api) as running:
        request = running.app.bot.request
        assert type(request).__name__ == "HTTPXRequest"
        assert request._client_kwargs["limits"].max_connections == 16  # noqa: SLF001


@pytest.mark.parametrize("transport", ["aiohttp", "httpx"])
async def test_a_server_that_does_not_answer_in_time_is_a_timeout(
        api: FakeBotApi, transport: str) -> None:
    request = AiohttpRequest() if transport == "aiohttp" else HTTPXRequest()
    long_poll = RequestData([RequestParameter.from_input("timeout", 5)])
    await request.initialize()
    try:
        with pytest.raises(TimedOut):  # the fake holds a poll 0.5 s; we read for 0.1 s
            await request.post(f"{api.base_url}{TOKEN}/getUpdates", long_poll, read_timeout=0.1)
    finally:
        await request.shutdown()


async def test_a_refused_connection_is_a_network_error() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # bound, never listening: connections are refused
        request = AiohttpRequest()
        await request.initialize()
        try:
            with pytest.raises(NetworkError, match="aiohttp"):
                await request.post(f"http://127.0.0.1:{port}/bot{TOKEN}/getMe")
        finally:
            await request.shutdown()


async def test_a_request_before_initialize_is_refused() -> None:
    with pytest.raises(RuntimeError, match="not initialized"):
        await AiohttpRequest().do_request("http://127.0.0.1:1/x", "POST")


def test_files_go_as_multipart_and_plain_parameters_as_a_form() -> None:
    upload = InputFile(b"contents", filename="a.txt")
    with_file = RequestData([RequestParameter.from_input("chat_id", 5),
                             RequestParameter.from_input("document", upload)])
    plain = RequestData([RequestParameter.from_input("chat_id", 5)])
    multipart = form(with_file)
    assert type(multipart).__name__ == "FormData"
    assert {f[0]["name"] for f in multipart._fields} == {"chat_id", "document"}  # noqa: SLF001
    assert form(plain) == {"chat_id": "5"}
    assert form(None) is None


def test_an_unknown_transport_is_one_sentence(tmp_path: object) -> None:
    environ = {**os.environ, "SCHTUM_TELEGRAM_TOKEN": TOKEN, TRANSPORT_ENV: "carrier-pigeon",
               "SCHTUM_STORAGE_DATA_DIR": str(tmp_path)}
    with pytest.raises(ConfigError, match="^telegram.transport must be httpx or aiohttp.$"):
        load_config(None, environ)


async def test_the_fake_in_its_own_process_queues_answers_and_counts() -> None:
    with RemoteFakeBotApi(TOKEN) as remote:
        ids = remote.user_sends_many([(11, "hello"), (12, "/start")])
        assert ids == [1, 1]
        assert remote.pending() == 2
        async with Bot(TOKEN, base_url=remote.base_url) as bot:
            updates = await bot.get_updates(timeout=0)
            await bot.get_updates(offset=updates[-1].update_id + 1, timeout=0)
        assert [u.message.text for u in updates] == ["hello", "/start"]
        assert remote.pending() == 0
        stats = remote.stats()
        assert stats["methods"]["getUpdates"] == 2
        assert stats["errors"] == 0 and stats["cpu_seconds"] > 0
        with pytest.raises(RuntimeError, match="unknown op"):
            remote.command("dance")
