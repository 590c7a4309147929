"""`schtum run`: build the python-telegram-bot Application and run it. Wiring only.

Resources (the encrypted store, the timeout sweep) open in post_init and close in
post_shutdown. SIGTERM makes PTB stop fetching, finish the updates in hand (so a Save
already pressed is stored), then shut down and close the store.
"""

from __future__ import annotations

import asyncio
import logging
import re
import sys
from collections.abc import Callable
from urllib.parse import urlsplit

from telegram import BotCommand
from telegram.error import InvalidToken, NetworkError
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    MessageHandler,
    filters,
)
from telegram.request import BaseRequest

from bot.config import Config
from bot.service import Service
from bot.telegram import texts
from bot.telegram.channel import Channel
from bot.telegram.handlers import Handlers

log = logging.getLogger("schtum.telegram")
TOKEN_ENV, BASE_URL_ENV = "SCHTUM_TELEGRAM_TOKEN", "SCHTUM_TELEGRAM_BASE_URL"
BASE_FILE_URL_ENV = "SCHTUM_TELEGRAM_BASE_FILE_URL"
TRANSPORT_ENV = "SCHTUM_TELEGRAM_TRANSPORT"
TOKEN_RE = re.compile(r"[0-9]{1,20}:[A-Za-z0-9_-]{8,100}")
ALLOWED_UPDATES = ["message", "edited_message", "callback_query", "my_chat_member"]
POOL_SIZE, POOL_TIMEOUT, CONCURRENCY = 16, 10.0, 256
ServiceFactory = Callable[[], Service]


class SetupError(Exception):
    """The bot cannot start as configured; the message says what to do."""


class TokenError(SetupError):
    """The bot token is missing or malformed; the message says what to do."""


def bot_token(config: Config, environ: dict[str, str]) -> str:
    """The token from SCHTUM_TELEGRAM_TOKEN or [telegram] token, checked for shape."""
    token = (environ.get(TOKEN_ENV) or config.telegram.token).strip()
    if not token:
        raise TokenError(f"No Telegram bot token: set {TOKEN_ENV} or [telegram] token in the "
                         "config (BotFather gives you one with /newbot).")
    if not TOKEN_RE.fullmatch(token):
        raise TokenError("The Telegram bot token is malformed: it should look like "
                         "123456789:ABC-DEF…, exactly as BotFather gave it.")
    return token


def build_application(config: Config, environ: dict[str, str], token: str,
                      open_service: ServiceFactory, *,
                      rate_limiter: AIORateLimiter | None = None,
                      request: BaseRequest | None = None) -> Application:
    """The Application with every handler registered, ready for polling or a webhook."""
    quiet_libraries()
    builder = (ApplicationBuilder().token(token).concurrent_updates(CONCURRENCY).job_queue(None)
               .rate_limiter(rate_limiter or AIORateLimiter()))
    base_url = environ.get(BASE_URL_ENV) or config.telegram.base_url
    base_file_url = environ.get(BASE_FILE_URL_ENV) or config.telegram.base_file_url
    if base_url:
        builder = builder.base_url(base_url)
    if base_file_url:
        builder = builder.base_file_url(base_file_url)
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    else:
        builder = transport(builder, config.telegram.transport)
    channel = Channel(Service(None))
    sweeper: list[asyncio.Task[None]] = []

    async def post_init(app: Application) -> None:
        channel.attach(open_service())
        await app.bot.set_my_commands([BotCommand(n, d) for n, d in texts.COMMANDS])
        sweeper.append(asyncio.create_task(channel.housekeeping()))

    async def post_shutdown(app: Application) -> None:
        for task in sweeper:
            task.cancel()
        channel.service.flush_snapshots()
        if channel.service.store is not None:
            channel.service.store.close()
        log.info("bot_stopped")

    app = builder.post_init(post_init).post_shutdown(post_shutdown).build()
    register(app, Handlers(channel))
    app.bot_data["channel"] = channel  # for tests and benchmarks; holds no content
    return app


def transport(builder: ApplicationBuilder, name: str) -> ApplicationBuilder:
    """PTB's httpx transport with a small pool (default), or aiohttp when asked for.

    A small pool is plenty (AIORateLimiter holds sends to Telegram's ~30 messages/s, and
    16 connections at 100 ms each carry 160/s) and keeps httpcore's per-request scan of
    every pooled connection short. getUpdates keeps its own one-connection request.
    """
    choice = name.strip().casefold()
    if choice in ("", "httpx"):
        return builder.connection_pool_size(POOL_SIZE).pool_timeout(POOL_TIMEOUT)
    if choice != "aiohttp":
        raise SetupError(f"telegram.transport must be httpx or aiohttp, not {name!r}.")
    try:
        from bot.telegram.transport import AiohttpRequest
    except ImportError:
        raise SetupError("telegram.transport = aiohttp needs the aiohttp package: "
                         "pip install aiohttp.") from None
    return (builder.request(AiohttpRequest(POOL_SIZE, pool_timeout=POOL_TIMEOUT))
            .get_updates_request(AiohttpRequest(1)))


def quiet_libraries() -> None:
    """PTB logs request parameters (content) at DEBUG and httpx logs URLs (the token) at
    INFO, so they stay above those levels whatever the configured level is."""
    for name, level in (("telegram", logging.INFO), ("httpx", logging.WARNING),
                        ("httpcore", logging.WARNING)):
        logger = logging.getLogger(name)
        if logger.getEffectiveLevel() < level:
            logger.setLevel(level)


def register(app: Application, handlers: Handlers) -> None:
    """Handlers in the order they must be tried (the first match in group 0 wins)."""
    private = filters.ChatType.PRIVATE
    # 1. Groups: refuse and leave before anything reads a group's messages.
    app.add_handler(ChatMemberHandler(handlers.membership, ChatMemberHandler.MY_CHAT_MEMBER))
    app.add_handler(MessageHandler(filters.ChatType.GROUPS, handlers.group))
    # 2. Edits: never an answer (commands would otherwise match edited messages too).
    app.add_handler(MessageHandler(filters.UpdateType.EDITED_MESSAGE & private,
                                   handlers.edited))
    # 3. Commands.
    fresh = filters.UpdateType.MESSAGE & private
    app.add_handler(CommandHandler("start", handlers.start, fresh))
    app.add_handler(CommandHandler(["dilemma", "journal", "contract"], handlers.begin, fresh))
    app.add_handler(CommandHandler(["back", "skip", "cancel", "why", "help"],
                                   handlers.flow_command, fresh))
    app.add_handler(CommandHandler("privacy", handlers.privacy, fresh))
    app.add_handler(CommandHandler("reflections", handlers.reflections, fresh))
    app.add_handler(CommandHandler("forget", handlers.forget, fresh))
    app.add_handler(MessageHandler(filters.COMMAND & fresh, handlers.unknown))
    # 4. Button presses.
    app.add_handler(CallbackQueryHandler(handlers.press))
    # 5. Typed text: answers, choice labels, command words.
    app.add_handler(MessageHandler(filters.TEXT & fresh, handlers.text))
    # 6. Anything else sent privately (photos, stickers, voice).
    app.add_handler(MessageHandler(fresh, handlers.not_text))
    app.add_error_handler(handlers.on_error)


def run(config: Config, environ: dict[str, str]) -> int:
    """Run the bot until SIGTERM/SIGINT; 1 with one sentence on stderr if it cannot start."""
    from bot.wiring import open_service

    def service() -> Service:
        opened, where = open_service(config, environ, resume=True)
        log.info("%s", where)
        return opened

    try:
        app = build_application(config, environ, bot_token(config, environ), service)
    except SetupError as problem:
        print(problem, file=sys.stderr)
        return 1
    try:
        serve(app, config)
    except InvalidToken:
        print("Telegram refused the bot token; check it with BotFather.", file=sys.stderr)
        return 1
    except NetworkError as problem:
        print(f"Cannot reach the Telegram Bot API ({type(problem).__name__}); check the "
              "network and [telegram] base_url.", file=sys.stderr)
        return 1
    return 0


def serve(app: Application, config: Config) -> None:
    """Polling by default; a webhook when [telegram] webhook_url is set."""
    settings = config.telegram
    if not settings.webhook_url:
        app.run_polling(allowed_updates=ALLOWED_UPDATES)
        return
    app.run_webhook(listen=settings.webhook_listen, port=settings.webhook_port,
                    url_path=urlsplit(settings.webhook_url).path.lstrip("/"),
                    webhook_url=settings.webhook_url,
                    secret_token=settings.webhook_secret or None,
                    allowed_updates=ALLOWED_UPDATES)

