"""`schtum run`: build the python-telegram-bot Application and run it. Wiring only.

Resources (the encrypted store, the timeout sweep) open in post_init and close in
post_shutdown. SIGTERM makes PTB stop fetching, finish the updates in hand (so a Save
already pressed is stored), then shut down and close the store.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import sys
from collections.abc import Callable

from telegram import BotCommand
from telegram.error import BadRequest, InvalidToken, NetworkError, TelegramError
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
from bot.telegram import guard, texts, webhook
from bot.telegram.channel import Channel
from bot.telegram.errors import SetupError, TokenError
from bot.telegram.handlers import Handlers
from bot.telegram.ticker import Ticker

log = logging.getLogger("schtum.telegram")
TOKEN_ENV, BASE_URL_ENV = "SCHTUM_TELEGRAM_TOKEN", "SCHTUM_TELEGRAM_BASE_URL"
BASE_FILE_URL_ENV = "SCHTUM_TELEGRAM_BASE_FILE_URL"
TRANSPORT_ENV = "SCHTUM_TELEGRAM_TRANSPORT"
TOKEN_RE = re.compile(r"[0-9]{1,20}:[A-Za-z0-9_-]{8,100}")
ALLOWED_UPDATES = ["message", "edited_message", "callback_query", "my_chat_member"]
POOL_SIZE, POOL_TIMEOUT, CONCURRENCY = 16, 10.0, 256
FLOOD_RETRIES = 3  # a 429 is waited out (retry_after) up to this many times, then fails
PTB_LOGGERS = ("telegram.ext", "telegram.ext.Updater", "telegram.ext.Application",
               "telegram.ext.AIORateLimiter")
ServiceFactory = Callable[[], Service]
__all__ = ["SetupError", "TokenError", "build_application", "flood_limiter", "run"]


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
    """The Application with every handler registered, ready for polling or a webhook.

    PTB_TIMEDELTA opts into PTB's future time periods (timedelta, not int): otherwise every
    429 builds a RetryAfter that warns about the old int form. Schtum reads none of them.
    """
    os.environ.setdefault("PTB_TIMEDELTA", "true")
    quiet_libraries()
    builder = (ApplicationBuilder().token(token).concurrent_updates(CONCURRENCY)
               .rate_limiter(rate_limiter or flood_limiter()))
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
    handlers = Handlers(channel)
    ticker = Ticker(channel)
    sweeper: list[asyncio.Task[None]] = []

    async def post_init(app: Application) -> None:
        channel.attach(open_service())
        handlers.later.attach()
        await app.bot.set_my_commands([BotCommand(n, d) for n, d in texts.COMMANDS])
        sweeper.append(asyncio.create_task(channel.housekeeping()))
        ticker.start(app)  # PTB's JobQueue starts with the application

    async def post_shutdown(app: Application) -> None:
        for task in sweeper:
            task.cancel()
        channel.service.flush_snapshots()
        if channel.service.store is not None:
            channel.service.store.close()
        log.info("bot_stopped")

    app = builder.post_init(post_init).post_shutdown(post_shutdown).build()
    register(app, handlers)
    app.bot_data["channel"] = channel  # for tests and benchmarks; holds no content
    app.bot_data["ticker"] = ticker
    return app


def flood_limiter(overall_max_rate: float = 30, group_max_rate: float = 20) -> AIORateLimiter:
    """PTB's limiter, told to wait out a 429 (flood control) and try again.

    With PTB's default of no retries, one 429 drops the message and the practitioner gets
    an apology instead of their next question. The wait is Telegram's own retry_after.
    """
    return AIORateLimiter(overall_max_rate=overall_max_rate, group_max_rate=group_max_rate,
                          max_retries=FLOOD_RETRIES)


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
    INFO, so they stay above those levels whatever the configured level is. PTB's own
    failure logs keep their line but lose the traceback (run() says what failed)."""
    for name, level in (("telegram", logging.INFO), ("httpx", logging.WARNING),
                        ("httpcore", logging.WARNING)):
        logger = logging.getLogger(name)
        if logger.getEffectiveLevel() < level:
            logger.setLevel(level)
    for name in PTB_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, NoTraceback) for f in logger.filters):
            logger.addFilter(NoTraceback())


class NoTraceback(logging.Filter):
    """Replace a log record's traceback with the exception's name (no description, which
    may quote what was sent)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.exc_info[0] is not None:
            record.msg = f"{record.msg} ({record.exc_info[0].__name__})"
            record.exc_info, record.exc_text = None, None
        return True


def register(app: Application, handlers: Handlers) -> None:
    """Handlers in the order they must be tried (the first match in group 0 wins)."""
    private = filters.ChatType.PRIVATE
    # 0. Forged updates (a private chat that is not its sender's) stop here, in group -1.
    app.add_handler(guard.handler(), group=guard.GROUP)
    # 1. Groups: refuse and leave before anything reads a group's messages.
    app.add_handler(ChatMemberHandler(handlers.membership, ChatMemberHandler.MY_CHAT_MEMBER))
    app.add_handler(MessageHandler(filters.ChatType.GROUPS, handlers.group))
    # 2. Edits: never an answer (commands would otherwise match edited messages too).
    app.add_handler(MessageHandler(filters.UpdateType.EDITED_MESSAGE & private,
                                   handlers.edited))
    # 3. Commands.
    fresh = filters.UpdateType.MESSAGE & private
    app.add_handler(handlers.supervision.start_handler(fresh))  # /start <invitation code>
    app.add_handler(CommandHandler("start", handlers.start, fresh))
    app.add_handler(CommandHandler(["dilemma", "journal", "contract"], handlers.begin, fresh))
    app.add_handler(CommandHandler(["back", "skip", "cancel", "why", "help"],
                                   handlers.flow_command, fresh))
    app.add_handler(CommandHandler("privacy", handlers.privacy, fresh))
    app.add_handler(CommandHandler("reflections", handlers.reflections, fresh))
    app.add_handler(CommandHandler("forget", handlers.forget, fresh))
    handlers.supervision.register(app, fresh)  # supervision, records, documents, the log
    handlers.later.register(app, fresh)  # /remind, /timezone, /followups
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
        opened, where = open_service(config, environ, resume=True, role="schtum run")
        log.info("%s", where)
        return opened

    try:
        app = build_application(config, environ, bot_token(config, environ), service)
        serve(app, config)
    except SetupError as problem:
        print(problem, file=sys.stderr)
        return 1
    except TelegramError as problem:
        print(start_failure(problem), file=sys.stderr)
        return 1
    return 0


def start_failure(problem: TelegramError) -> str:
    """One sentence for a Bot API error at start-up: what failed, and what to check.

    PTB raises InvalidToken for a 401 (Telegram does not know the token) and for a 404
    (nothing answers at that address, usually a wrong base_url), and BadRequest, a
    NetworkError, for any 400 such as a webhook URL Telegram will not use. The token
    never appears in what is printed.
    """
    said = problem.message.rstrip(".")
    if isinstance(problem, InvalidToken):
        # Bot.initialize re-raises getMe's InvalidToken with the token in it: read the cause.
        cause = problem.__cause__ if isinstance(problem.__cause__, TelegramError) else problem
        if "not found" in cause.message.casefold():
            return ("The Bot API address answered 404 Not Found: check [telegram] base_url "
                    "(it ends in /bot, the token is added to it) and the token.")
        return "Telegram refused the bot token (401 Unauthorized); check it with BotFather."
    if isinstance(problem, NetworkError) and not isinstance(problem, BadRequest):
        return (f"Cannot reach the Telegram Bot API ({type(problem).__name__}); check the "
                "network and [telegram] base_url.")
    return f"Telegram refused to start the bot: {said}."


def serve(app: Application, config: Config) -> None:
    """Polling by default; a webhook (always with a secret) when webhook_url is set."""
    if not config.telegram.webhook_url:
        app.run_polling(allowed_updates=ALLOWED_UPDATES)
        return
    app.run_webhook(**webhook.options(config, ALLOWED_UPDATES))

