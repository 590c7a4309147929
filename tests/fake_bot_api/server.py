"""The HTTP face of the fake: ``/bot<token>/<method>`` on 127.0.0.1, answered as Telegram does.

Runs on the caller's event loop (``async with FakeBotApi() as api``) or on its own loop in
a background thread (``api.start_in_thread()``) for a bot living in a subprocess. Driving
calls such as :meth:`FakeBotApi.user_sends` are thread-safe: they change the shared
:class:`World` under its lock and wake long-polling getUpdates through the server's loop.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from typing import Any

from aiohttp import web

from .driver import Driver
from .methods import Methods
from .validation import ApiError, decode_params
from .world import Recorded, World

MAX_POLL_WAIT = 1.0
STOP_TIMEOUT = 5.0
NOT_FOUND = ApiError(404, "Not Found")
UNAUTHORIZED = ApiError(401, "Unauthorized")


async def read_params(request: web.Request) -> dict[str, Any]:
    """Query string, then form, multipart or JSON body, as the Bot API accepts them."""
    raw: dict[str, Any] = dict(request.query)
    if not request.can_read_body:
        return raw
    if request.content_type == "application/json":
        try:
            body = await request.json()
        except ValueError:
            raise ApiError(400, "Bad Request: can't parse JSON encoded request") from None
        raw.update(body if isinstance(body, dict) else {})
    elif request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        for name, value in (await request.post()).items():
            raw[name] = value if isinstance(value, str) else {
                "upload": True, "filename": value.filename, "content": value.file.read(),
                "content_type": value.content_type}
    return raw


class FakeBotApi(Driver):
    """A strict local Bot API server that records every request; see the package docs."""

    def __init__(self, token: str = "123456:TEST-token-abc", *, strict_html: bool = True,
                 max_poll_wait: float = MAX_POLL_WAIT) -> None:
        bot_id = int(token.split(":", 1)[0])
        bot_user = {"id": bot_id, "is_bot": True, "first_name": "Schtum Test",
                    "username": "schtum_test_bot", "can_join_groups": True,
                    "can_read_all_group_messages": False, "supports_inline_queries": False,
                    "can_connect_to_business": False, "has_main_web_app": False}
        super().__init__(World(bot_user))
        self.token = token
        self.max_poll_wait = max_poll_wait
        self.handlers = Methods(self.world, strict_html=strict_html).table()
        self.port = 0
        self._runner: web.AppRunner | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._changed: asyncio.Event | None = None
        self._closing = False
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        """What PTB's ``base_url`` wants: the token is appended to it."""
        return f"http://127.0.0.1:{self.port}/bot"

    async def start(self) -> FakeBotApi:
        """Listen on an ephemeral loopback port on the running loop."""
        self._loop = asyncio.get_running_loop()
        self._changed = asyncio.Event()
        self._closing = False
        app = web.Application()
        app.router.add_route("*", "/{path:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False,
                                     shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]
        return self

    async def aclose(self) -> None:
        """Stop listening; pending long polls return at once, so this is quick."""
        self._closing = True
        self._notify()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeBotApi:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    def start_in_thread(self) -> FakeBotApi:
        """Serve from a daemon thread with its own loop; returns once listening."""
        ready = threading.Event()
        loop = asyncio.new_event_loop()

        def run() -> None:
            loop.run_until_complete(self.start())
            ready.set()
            loop.run_forever()
            loop.run_until_complete(self.aclose())
            loop.close()

        self._thread = threading.Thread(target=run, name="fake-bot-api", daemon=True)
        self._thread.start()
        if not ready.wait(STOP_TIMEOUT):
            raise RuntimeError("the fake Bot API did not start within 5 s")
        return self

    def stop(self) -> None:
        """Stop a server started with :meth:`start_in_thread`, waiting at most a few seconds."""
        if self._thread is None or self._loop is None:
            return
        self._closing = True
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(STOP_TIMEOUT)
        if self._thread.is_alive():
            raise RuntimeError("the fake Bot API did not stop within 5 s")
        self._thread = None

    def _notify(self) -> None:
        """Wake long polls from any thread."""
        loop, changed = self._loop, self._changed
        if loop is not None and changed is not None and not loop.is_closed():
            loop.call_soon_threadsafe(changed.set)

    async def _handle(self, request: web.Request) -> web.Response:
        method, params, status, injected = "", {}, 200, False
        try:
            method = self._route(request.match_info["path"])
            params = decode_params(await read_params(request))
            fault = self.world.take_fault(method)
            if fault is not None:
                injected = True
                raise ApiError(fault.status, fault.description, fault.parameters)
            result = await self._call(method, params)
            body: dict[str, Any] = {"ok": True, "result": result}
        except ApiError as err:
            status, body = err.status, err.body()
        self.world.record(Recorded(method, params, status, body, injected))
        return web.Response(status=status, text=json.dumps(body),
                            content_type="application/json")

    def _route(self, path: str) -> str:
        """The canonical method name for ``bot<token>/<method>``, or Telegram's error."""
        prefix, _, method = path.partition("/")
        if not prefix.startswith("bot") or not method or "/" in method:
            raise NOT_FOUND
        if prefix[3:] != self.token:
            raise UNAUTHORIZED
        if method.lower() != "getupdates" and method.lower() not in self.handlers:
            raise NOT_FOUND
        return method

    async def _call(self, method: str, params: dict[str, Any]) -> Any:
        if method.lower() == "getupdates":
            return await self._get_updates(params)
        result = self.handlers[method.lower()](params)
        self._notify()
        return result

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        """Long poll: answer at once when updates wait, else within min(timeout, cap)."""
        if self.world.webhook_url:
            raise ApiError(409, "Conflict: can't use getUpdates method while webhook is active; "
                                "use deleteWebhook to delete the webhook first")
        offset, limit = params.get("offset"), params.get("limit", 100)
        timeout = params.get("timeout", 0)
        if not isinstance(offset, int | None) or not isinstance(limit, int):
            raise ApiError(400, "Bad Request: invalid parameters")  # fake's words
        if params.get("allowed_updates") is not None:
            self.world.allowed_updates = list(params["allowed_updates"]) or None
        limit = min(max(limit, 1), 100)
        deadline = time.monotonic() + min(max(float(timeout or 0), 0.0), self.max_poll_wait)
        assert self._changed is not None
        while True:
            self._changed.clear()
            updates = self.world.pending_updates(offset, limit)
            remaining = deadline - time.monotonic()
            if updates or remaining <= 0 or self._closing:
                return updates
            try:
                await asyncio.wait_for(self._changed.wait(), remaining)
            except TimeoutError:
                pass
