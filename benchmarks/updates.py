"""Cost of a Telegram update through the whole Schtum stack, against a bare PTB bot.

Run: python benchmarks/updates.py [--users 60]

Prints, in one run:
  schtum       the real Application (engine + anonymiser + encryption + SQLite snapshots)
               processing a stream of updates in-process, with a fake request layer (a
               PTB BaseRequest returning canned OK responses);
  bare         a bare python-telegram-bot ConversationHandler bot doing the same number
               of turns through the same request layer;
  ratio        schtum / bare per update (target <= 1.5x);
  loopback     updates/s over real HTTP against the fake Bot API server (target >= 1,000/s);
  memory       bytes per in-flight conversation with 10,000 open (target <= 10 KB).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import itertools
import json
import os
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update  # noqa: E402
from telegram.ext import (  # noqa: E402
    AIORateLimiter,
    Application,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)
from telegram.request import BaseRequest, RequestData  # noqa: E402

from bot.config import load_config  # noqa: E402
from bot.messages import Input  # noqa: E402
from bot.service import Service  # noqa: E402
from bot.telegram.app import ALLOWED_UPDATES, build_application  # noqa: E402
from bot.telegram.channel import Channel  # noqa: E402
from bot.telegram.chats import Shown  # noqa: E402
from bot.wiring import open_service  # noqa: E402

TOKEN = "123456:BENCH-token-abcdef"
BOT_USER = {"id": 123456, "is_bot": True, "first_name": "Bench", "username": "bench_bot"}


class CannedRequest(BaseRequest):
    """Answers every Bot API call at once with a plausible OK result; no network."""

    def __init__(self) -> None:
        self.ids = itertools.count(1)
        self.calls = 0

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    @property
    def read_timeout(self) -> float | None:
        return 1.0

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None,
                         *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        self.calls += 1
        name = url.rsplit("/", 1)[-1]
        params = request_data.parameters if request_data else {}
        result: Any = True
        if name == "getMe":
            result = BOT_USER
        elif name == "getUpdates":
            result = []
        elif name in ("sendMessage", "editMessageText"):
            chat_id = int(params.get("chat_id", 1))
            result = {"message_id": int(params.get("message_id") or next(self.ids)),
                      "date": int(time.time()), "text": "x",
                      "chat": {"id": chat_id, "type": "private"}, "from": BOT_USER}
        return 200, json.dumps({"ok": True, "result": result}).encode()


def script() -> list[str]:
    """One whole dilemma as typed text: No, the last choice, words, skip, then Save."""
    service, who, typed = Service(None), "bench", ["/dilemma"]
    reply = service.begin(who, "breach-uk")[-1]
    while not reply.done:
        if reply.choices:
            word = "Save" if "Save" in reply.choices else (
                "No" if "No" in reply.choices else reply.choices[-1])
        elif reply.expects == "optional_text":
            word = "skip"
        else:
            word = "We talked it through and I want to think about the options calmly."
        typed.append(word)
        reply = service.handle(who, Input.text(word) if word != "skip"
                               else Input.command("skip"))[-1]
    return typed


def update(number: int, user_id: int, text: str) -> dict[str, Any]:
    message: dict[str, Any] = {
        "message_id": number, "date": int(time.time()), "text": text,
        "chat": {"id": user_id, "type": "private", "first_name": "B"},
        "from": {"id": user_id, "is_bot": False, "first_name": "B"}}
    if text.startswith("/"):
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text)}]
    return {"update_id": number, "message": message}


def stream(users: int, typed: list[str]) -> list[dict[str, Any]]:
    numbers = itertools.count(1)
    return [update(next(numbers), 10_000 + u, text) for text in typed for u in range(users)]


async def per_update(app: Application, updates: list[dict[str, Any]]) -> float:
    await app.initialize()
    if app.post_init:
        await app.post_init(app)
    objects = [Update.de_json(u, app.bot) for u in updates]
    started = time.perf_counter()
    for item in objects:
        await app.process_update(item)
    channel = app.bot_data.get("channel")
    if channel is not None:
        channel.service.flush_snapshots()  # the deferred writes count too
    elapsed = time.perf_counter() - started
    await app.shutdown()
    if app.post_shutdown:
        await app.post_shutdown(app)
    return elapsed / len(objects)


def schtum_app(request: BaseRequest, environ: dict[str, str]) -> Application:
    config = load_config(None, environ)

    def factory() -> Service:
        service, _ = open_service(config, environ, resume=True)
        store = service.store
        assert store is not None
        for user in range(10_000, 10_000 + 2_000):
            who = store.practitioner(f"telegram:{user}")
            store.save_settings(who, {"jurisdiction": "uk", "onboarded": True})
        return service

    return build_application(config, environ, TOKEN, factory, request=request,
                             rate_limiter=AIORateLimiter(overall_max_rate=0, group_max_rate=0))


def bare_app(request: BaseRequest) -> Application:
    """The PTB conversationbot pattern: a ConversationHandler, one reply per turn."""
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Yes", callback_data="y")],
                                   [InlineKeyboardButton("No", callback_data="n")]])

    async def begin(update: Update, context: Any) -> int:
        await update.effective_message.reply_text("Question 1", reply_markup=markup)
        return 0

    async def turn(update: Update, context: Any) -> int:
        await update.effective_message.reply_text("Next question", reply_markup=markup)
        return 0

    app = (Application.builder().token(TOKEN).request(request).get_updates_request(request)
           .job_queue(None).build())
    app.add_handler(ConversationHandler(
        entry_points=[CommandHandler("dilemma", begin)],
        states={0: [MessageHandler(filters.TEXT & ~filters.COMMAND, turn),
                    CommandHandler("skip", turn)]},
        fallbacks=[]))
    return app


async def loopback(users: int, typed: list[str], environ: dict[str, str]) -> float:
    """Updates/s with the real Application polling the fake server over 127.0.0.1."""
    from tests.fake_bot_api import FakeBotApi

    api = FakeBotApi(TOKEN).start_in_thread()
    environ = {**environ, "SCHTUM_TELEGRAM_BASE_URL": api.base_url}
    app = schtum_app(None, environ)  # type: ignore[arg-type]
    await app.initialize()
    await app.post_init(app)  # type: ignore[misc]
    for user in range(users):
        api.user_sends(10_000 + user, "/start")  # makes the chat known to the fake
    total = 0
    started = time.perf_counter()
    for text in typed:
        for user in range(users):
            api.user_sends(10_000 + user, text)
            total += 1
    await app.updater.start_polling(poll_interval=0, timeout=1,  # type: ignore[union-attr]
                                    allowed_updates=ALLOWED_UPDATES)
    await app.start()
    while api.world.updates and time.perf_counter() - started < 120:  # noqa: ASYNC110
        await asyncio.sleep(0.01)
    await app.updater.stop()  # type: ignore[union-attr]
    await app.stop()
    elapsed = time.perf_counter() - started
    await app.shutdown()
    await app.post_shutdown(app)  # type: ignore[misc]
    api.stop()
    bad = len(api.errors)
    print(f"  (loopback: {total + users} updates, {len(api.requests)} requests, {bad} 4xx)")
    return (total + users) / elapsed


def memory(count: int = 10_000) -> float:
    """Bytes held per open conversation: the service's and the channel's share."""
    service = Service(None)
    channel = Channel(service)
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.take_snapshot()
    for user in range(count):
        who = channel.who(user)
        state = channel.chats.get(who, user)
        service.begin(who, "breach-uk")
        service.handle(who, Input.choice("No"))
        service.handle(who, Input.text("A few sentences about the dilemma, typed on a phone."))
        state.keyboard = Shown(user, "Question 3 of about 26\nWhich of these is closest?",
                               ("a", "b", "c"), "cc11c752")
        for message_id in range(8):
            state.track(message_id, 1.7e9)
    gc.collect()
    after = tracemalloc.take_snapshot()
    tracemalloc.stop()
    grown = sum(s.size_diff for s in after.compare_to(before, "filename"))
    return grown / count


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=60)
    users = parser.parse_args().users
    typed = script()
    updates = stream(users, typed)
    with tempfile.TemporaryDirectory() as folder:
        environ = {**os.environ, "SCHTUM_STORAGE_DATA_DIR": str(Path(folder) / "data")}
        ours = await per_update(schtum_app(CannedRequest(), environ), updates)
        bare = await per_update(bare_app(CannedRequest()), updates)
        print(f"{len(updates)} updates ({users} users x {len(typed)} turns), in-process:")
        print(f"  schtum  {ours * 1e6:8.0f} µs/update")
        print(f"  bare    {bare * 1e6:8.0f} µs/update")
        print(f"  ratio   {ours / bare:8.2f}x (target <= 1.5x)")
        environ["SCHTUM_STORAGE_DATA_DIR"] = str(Path(folder) / "loop")
        rate = await loopback(users, typed, environ)
        print(f"  loopback {rate:7.0f} updates/s over HTTP (target >= 1,000/s)")
    print(f"  memory  {memory():8.0f} bytes per open conversation, 10,000 open "
          "(target <= 10,240)")


if __name__ == "__main__":
    asyncio.run(main())
