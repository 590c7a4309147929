"""An aiohttp transport for python-telegram-bot: an opt-in alternative to its httpx one.

Why: on a small machine, httpx+httpcore spend about 1.4 ms of CPU per Bot API request
(the pool re-checks every pooled socket on every request), aiohttp about 0.3 ms. That is
the larger part of a busy bot's CPU. Chosen with SCHTUM_TELEGRAM_TRANSPORT=aiohttp;
needs the `aiohttp` package (imported only then). Timeouts map onto aiohttp's: read ->
sock_read, connect -> sock_connect, pool + connect -> connect (aiohttp's connect timeout
includes waiting for a free pooled connection); aiohttp has no write timeout.
"""

from __future__ import annotations

from typing import Any

import aiohttp
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

USER_AGENT = BaseRequest.USER_AGENT


class AiohttpRequest(BaseRequest):
    """A PTB `BaseRequest` over one `aiohttp.ClientSession` with a bounded pool."""

    def __init__(self, connection_pool_size: int = 16, *, read_timeout: float | None = 5.0,
                 write_timeout: float | None = 5.0, connect_timeout: float | None = 5.0,
                 pool_timeout: float | None = 10.0) -> None:
        self.pool_size = connection_pool_size
        self._read, self._connect, self._pool = read_timeout, connect_timeout, pool_timeout
        self._write = write_timeout  # accepted for symmetry; aiohttp cannot enforce it
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        return self._read

    async def initialize(self) -> None:
        """Open the session on the running loop (PTB calls this from Application.initialize)."""
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=self.pool_size, limit_per_host=self.pool_size)
            self._session = aiohttp.ClientSession(connector=connector,
                                                  headers={"User-Agent": USER_AGENT})

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None

    def _timeout(self, read: ODVInput[float], connect: ODVInput[float],
                 pool: ODVInput[float]) -> aiohttp.ClientTimeout:
        read = self._read if isinstance(read, DefaultValue) else read
        connect = self._connect if isinstance(connect, DefaultValue) else connect
        pool = self._pool if isinstance(pool, DefaultValue) else pool
        waiting = None if connect is None or pool is None else connect + pool
        return aiohttp.ClientTimeout(total=None, connect=waiting, sock_connect=connect,
                                     sock_read=read)

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None,
                         read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
                         write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
                         connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
                         pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
                         ) -> tuple[int, bytes]:
        """One request; PTB's errors for timeouts and network failures, as httpx's gives."""
        if self._session is None or self._session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        body = form(request_data)
        try:
            async with self._session.request(
                    method, url, data=body,
                    timeout=self._timeout(read_timeout, connect_timeout, pool_timeout)
            ) as response:
                return response.status, await response.read()
        except TimeoutError as err:
            raise TimedOut from err
        except aiohttp.ClientError as err:
            raise NetworkError(f"aiohttp.{type(err).__name__}: {err}") from err


def form(request_data: RequestData | None) -> Any:
    """Form fields as httpx's transport sends them; multipart only when files are sent."""
    if request_data is None:
        return None
    fields = request_data.json_parameters
    if not request_data.contains_files:
        return fields or None
    data = aiohttp.FormData()
    for name, value in fields.items():
        data.add_field(name, value)
    for name, (filename, content, mimetype) in request_data.multipart_data.items():
        data.add_field(name, content, filename=filename, content_type=mimetype)
    return data
