"""The fake Bot API in a child process (see ``__main__``), driven from this one.

For benchmarks: the server's CPU time and GIL are then its own, as a real Bot API's are.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
STOP_TIMEOUT = 10.0


class RemoteFakeBotApi:
    """Start with ``RemoteFakeBotApi(token)``; ``close()`` stops the child process."""

    def __init__(self, token: str = "123456:TEST-token-abc", max_poll_wait: float = 1.0) -> None:
        self.token = token
        self._child = subprocess.Popen(
            [sys.executable, "-m", "tests.fake_bot_api", "--token", token,
             "--max-poll-wait", str(max_poll_wait)],
            cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        hello = self._read()
        self.base_url: str = hello["base_url"]
        self.port: int = hello["port"]

    def _read(self) -> dict[str, Any]:
        assert self._child.stdout is not None
        line = self._child.stdout.readline()
        if not line:
            raise RuntimeError("the fake Bot API process exited")
        return json.loads(line)

    def command(self, op: str, **fields: Any) -> dict[str, Any]:
        assert self._child.stdin is not None
        self._child.stdin.write(json.dumps({"op": op, **fields}) + "\n")
        self._child.stdin.flush()
        reply = self._read()
        if "error" in reply:
            raise RuntimeError(reply["error"])
        return reply

    def user_sends_many(self, items: list[tuple[int, str]]) -> list[int]:
        """Queue one private message per (user id, text), in order."""
        return self.command("send", items=items)["message_ids"]

    def pending(self) -> int:
        return self.command("pending")["pending"]

    def stats(self) -> dict[str, Any]:
        return self.command("stats")

    def close(self) -> None:
        if self._child.poll() is None:
            try:
                self.command("stop")
            except (RuntimeError, OSError):
                pass
        try:
            self._child.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self._child.kill()
            self._child.wait()
        for pipe in (self._child.stdin, self._child.stdout):
            if pipe is not None:
                pipe.close()

    def __enter__(self) -> RemoteFakeBotApi:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
