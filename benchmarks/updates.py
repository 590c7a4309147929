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
import warnings
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
from bot.telegram.app import (  # noqa: E402
    ALLOWED_UPDATES,
    CONCURRENCY,
    POOL_SIZE,
    build_application,
)
from bot.telegram.channel import Channel  # noqa: E402
from bot.telegram.chats import Shown  # noqa: E402
from bot.wiring import open_service  # noqa: E402
from tests.fake_bot_api.remote import RemoteFakeBotApi  # noqa: E402

LOOPBACK_LIMIT = 120.0
POOL_TIMEOUT = 10.0

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


def bare_app(request: BaseRequest | tuple[BaseRequest, BaseRequest] | None, base_url: str = "",
             concurrent: bool | int = False, pool: int | None = None) -> Application:
    """The PTB conversationbot pattern: a ConversationHandler, one reply per turn.

    Over loopback it runs with concurrent updates, like Schtum; then a user's next text
    may arrive while the state is still being set, so text is an entry point too and
    every update still gets exactly one reply.
    """
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Yes", callback_data="y")],
                                   [InlineKeyboardButton("No", callback_data="n")]])

    async def begin(update: Update, context: Any) -> int:
        await update.effective_message.reply_text("Question 1", reply_markup=markup)
        return 0

    async def turn(update: Update, context: Any) -> int:
        await update.effective_message.reply_text("Next question", reply_markup=markup)
        return 0

    builder = Application.builder().token(TOKEN).job_queue(None)
    if isinstance(request, tuple):
        builder = builder.request(request[0]).get_updates_request(request[1])
    elif request is not None:
        builder = builder.request(request).get_updates_request(request)
    if base_url:
        builder = builder.base_url(base_url)
    if pool and request is None:
        builder = builder.connection_pool_size(pool).pool_timeout(POOL_TIMEOUT)
    text = MessageHandler(filters.TEXT & ~filters.COMMAND, turn)
    entry = [CommandHandler(["dilemma", "start"], begin)] + ([text] if concurrent else [])
    app = builder.concurrent_updates(concurrent).build()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # PTB warns about per_message/concurrency defaults
        app.add_handler(ConversationHandler(
            entry_points=entry, states={0: [text, CommandHandler("skip", turn)]},
            fallbacks=[], allow_reentry=True))
    return app


def loopback_stream(users: int, typed: list[str]) -> list[tuple[int, str]]:
    """The same turns as the in-process stream, after one /start per user."""
    first = [(10_000 + user, "/start") for user in range(users)]
    return first + [(10_000 + user, text) for text in typed for user in range(users)]


async def loopback(app: Application, api: RemoteFakeBotApi, items: list[tuple[int, str]],
                   setup: Any = None) -> tuple[float, dict[str, Any]]:
    """Updates/s with `app` polling the fake (in its own process) over 127.0.0.1.

    Every update is queued before polling starts, so the figure is the bot's throughput,
    not the driver's; the clock stops when the last update has been handled.
    """
    await app.initialize()
    if app.post_init:
        await app.post_init(app)
    before = api.stats()
    api.user_sends_many(items)
    started = time.perf_counter()
    await app.updater.start_polling(poll_interval=0, timeout=1,  # type: ignore[union-attr]
                                    allowed_updates=ALLOWED_UPDATES)
    await app.start()
    while api.pending() and time.perf_counter() - started < LOOPBACK_LIMIT:  # noqa: ASYNC110
        await asyncio.sleep(0.005)
    await app.update_queue.join()  # the last batch taken is handled too
    await app.updater.stop()  # type: ignore[union-attr]
    await app.stop()
    elapsed = time.perf_counter() - started
    await app.shutdown()
    if app.post_shutdown:
        await app.post_shutdown(app)
    stats = api.stats()
    stats["requests"] -= before["requests"]
    stats["methods"] = {m: n - before["methods"].get(m, 0) for m, n in stats["methods"].items()
                        if n > before["methods"].get(m, 0)}
    return len(items) / elapsed, stats


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


def report_loopback(name: str, rate: float, stats: dict[str, Any], count: int) -> None:
    calls = ", ".join(f"{m} {n}" for m, n in sorted(stats["methods"].items(),
                                                     key=lambda item: -item[1]))
    print(f"  {name:14} {rate:6.0f} updates/s  {stats['requests'] / count:4.2f} requests/update"
          f"  {stats['errors']} 4xx  ({calls})")


async def loopbacks(users: int, typed: list[str], environ: dict[str, str],
                    transports: list[str]) -> None:
    """Bare PTB, then Schtum, over the same loopback with the same stream, per transport.

    Both bots get the same transport and pool, so the ratio is our code's share; the bare
    bot's rate is the ceiling that transport allows on this machine.
    """
    items = loopback_stream(users, typed)
    with RemoteFakeBotApi(TOKEN) as api:
        print(f"{len(items)} updates over HTTP to the fake Bot API in its own process:")
        for name in transports:
            request = None
            if name == "aiohttp":
                from bot.telegram.transport import AiohttpRequest
                request = AiohttpRequest(POOL_SIZE), AiohttpRequest(1)
            bare_rate, bare_stats = await loopback(
                bare_app(request, api.base_url, concurrent=CONCURRENCY, pool=POOL_SIZE), api,
                items)
            report_loopback(f"bare/{name}", bare_rate, bare_stats, len(items))
            rate, stats = await loopback(schtum_app(None, {
                **environ, "SCHTUM_TELEGRAM_BASE_URL": api.base_url,
                "SCHTUM_TELEGRAM_TRANSPORT": name,
                "SCHTUM_STORAGE_DATA_DIR": f"{environ['SCHTUM_STORAGE_DATA_DIR']}-{name}"}),
                api, items)
            report_loopback(f"schtum/{name}", rate, stats, len(items))
            print(f"  {'ratio':14} {bare_rate / rate:6.2f}x  (bare/{name} is the ceiling "
                  f"{name} allows here; target >= 1,000/s)")
        cpu = api.stats()["cpu_seconds"] / max(api.stats()["requests"], 1)
        print(f"  the fake server spends {cpu * 1e3:.2f} ms of CPU per request: at most "
              f"{1 / cpu:.0f} requests/s from it, whatever the bot")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=60)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", choices=("inprocess", "loopback", "memory"))
    parser.add_argument("--transport", action="append", choices=("httpx", "aiohttp"),
                        help="loopback transports to measure (default: both)")
    args = parser.parse_args()
    typed = script()
    updates = stream(args.users, typed)
    with tempfile.TemporaryDirectory() as folder:
        environ = {**os.environ, "SCHTUM_STORAGE_DATA_DIR": str(Path(folder) / "data")}
        if args.only in (None, "inprocess"):
            ours, bare = float("inf"), float("inf")
            for run in range(args.repeat):  # interleaved; the best of each, as load varies
                environ["SCHTUM_STORAGE_DATA_DIR"] = str(Path(folder) / f"data{run}")
                ours = min(ours, await per_update(schtum_app(CannedRequest(), environ),
                                                  updates))
                bare = min(bare, await per_update(bare_app(CannedRequest()), updates))
            print(f"{len(updates)} updates ({args.users} users x {len(typed)} turns), "
                  f"in-process, best of {args.repeat}:")
            print(f"  schtum  {ours * 1e6:8.0f} µs/update")
            print(f"  bare    {bare * 1e6:8.0f} µs/update")
            print(f"  ratio   {ours / bare:8.2f}x (target <= 1.5x)")
        if args.only in (None, "loopback"):
            environ["SCHTUM_STORAGE_DATA_DIR"] = str(Path(folder) / "loop")
            await loopbacks(args.users, typed, environ, args.transport or ["httpx", "aiohttp"])
    if args.only in (None, "memory"):
        print(f"  memory  {memory():8.0f} bytes per open conversation, 10,000 open "
              "(target <= 10,240)")


if __name__ == "__main__":
    asyncio.run(main())
