"""The fake Bot API in its own process, driven by the soak (benchmarks/soak.py).

The server is the unchanged :class:`tests.fake_bot_api.FakeBotApi`; this runner adds what a
soak needs and ``python -m tests.fake_bot_api`` does not offer: button presses, the bot's
messages as they happen (stamped with the time the bot sent them), and bounded memory for
a long run. One JSON object per line on stdin, one answer per line on stdout; on start it
prints ``{"base_url": …, "port": …}``.

  {"op": "act", "items": [{"user": id, "send": text} | {"user": id, "press": [msg, data]}]}
      -> {"results": [{"at": t, "message_id": n} | {"at": t, "error": why}]}
  {"op": "events"}  -> {"events": [{"chat", "id", "text", "buttons", "edited", "protected",
                                   "at"}…]}   (every bot message sent or edited since last)
  {"op": "stats"}   -> {"requests", "methods", "statuses", "errors": {"method: why": n},
                        "pending"}
  {"op": "stop"}    -> {"stopped": true}, then the process exits

Times are ``time.monotonic()`` of this process; on Linux and macOS that clock is shared by
every process, so the driver compares them with its own (e.g. the moment of a kill).
"""

from __future__ import annotations

import collections
import json
import logging
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, TextIO

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

STOP_TIMEOUT = 10.0


class Outbox(list):  # type: ignore[type-arg]
    """Stands in for ``World.bot_events``: stamps each bot message and keeps it only until
    the driver takes it (the fake's own list would grow for the whole run)."""

    def append(self, event: dict[str, Any]) -> None:  # type: ignore[override]
        rows = event.get("reply_markup", {}).get("inline_keyboard", [])
        super().append({
            "chat": event["chat"]["id"], "id": event["message_id"],
            "text": event.get("text", ""),
            "buttons": [[b.get("text", ""), b.get("callback_data", "")]
                        for row in rows for b in row],
            "edited": "edit_date" in event,
            "protected": bool(event.get("has_protected_content")),
            "at": time.monotonic()})

    def take(self) -> list[dict[str, Any]]:
        taken = list(self)
        self.clear()
        return taken


class Tally:
    """Stands in for ``World.record``: counts requests instead of keeping them all."""

    def __init__(self) -> None:
        self.requests = 0
        self.methods: collections.Counter[str] = collections.Counter()
        self.statuses: collections.Counter[str] = collections.Counter()
        self.errors: collections.Counter[str] = collections.Counter()

    def __call__(self, entry: Any) -> None:
        self.requests += 1
        self.methods[entry.method] += 1
        self.statuses[str(entry.status)] += 1
        if 400 <= entry.status < 500:
            why = str(entry.response.get("description", ""))[:120]
            self.errors[f"{entry.method}: {why}"] += 1


def serve(commands: TextIO, out: TextIO, token: str) -> None:
    from tests.fake_bot_api import FakeBotApi

    # A bot SIGKILLed mid-request resets its connection; aiohttp would log a traceback.
    logging.getLogger("aiohttp.server").setLevel(logging.CRITICAL)

    api = FakeBotApi(token)
    outbox, tally = Outbox(), Tally()
    with api.world.lock:
        api.world.bot_events = outbox
        api.world.record = tally  # type: ignore[method-assign]
    api.start_in_thread()

    def act(item: dict[str, Any]) -> dict[str, Any]:
        at = time.monotonic()
        try:
            if "send" in item:
                return {"at": at, "message_id": api.user_sends(int(item["user"]),
                                                               str(item["send"]))}
            message_id, data = item["press"]
            api.user_presses(int(item["user"]), int(message_id), str(data))
            return {"at": at}
        except (ValueError, KeyError, TypeError) as problem:
            return {"at": at, "error": str(problem)}

    def answer(command: dict[str, Any]) -> dict[str, Any]:
        op = command.get("op")
        if op == "act":
            return {"results": [act(item) for item in command.get("items", [])]}
        if op == "events":
            with api.world.lock:
                return {"events": outbox.take()}
        if op == "stats":
            with api.world.lock:
                return {"requests": tally.requests, "methods": dict(tally.methods),
                        "statuses": dict(tally.statuses), "errors": dict(tally.errors),
                        "pending": len(api.world.updates)}
        if op == "stop":
            return {"stopped": True}
        return {"error": f"unknown op {op!r}"}

    try:
        print(json.dumps({"base_url": api.base_url, "port": api.port}), file=out, flush=True)
        for line in commands:
            if not line.strip():
                continue
            try:
                reply = answer(json.loads(line))
            except (ValueError, TypeError) as problem:
                reply = {"error": f"{type(problem).__name__}: {problem}"}
            print(json.dumps(reply), file=out, flush=True)
            if reply.get("stopped"):
                break
    finally:
        api.stop()


class SoakFake:
    """The driver's handle on the fake's process; ``close()`` stops it (always, in time)."""

    def __init__(self, token: str) -> None:
        self.token = token
        self._child = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.soak_fake", token], cwd=ROOT,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        try:
            hello = self._read()
        except BaseException:
            self.close()
            raise
        self.base_url: str = hello["base_url"]

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

    def act(self, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return self.command("act", items=items)["results"]

    def events(self) -> list[dict[str, Any]]:
        return self.command("events")["events"]

    def stats(self) -> dict[str, Any]:
        return self.command("stats")

    def close(self) -> None:
        if self._child.poll() is None:
            try:
                self.command("stop")
            except (RuntimeError, OSError, ValueError):
                pass
        try:
            self._child.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self._child.kill()
            self._child.wait()
        for pipe in (self._child.stdin, self._child.stdout):
            if pipe is not None:
                try:
                    pipe.close()
                except OSError:
                    pass


if __name__ == "__main__":
    serve(sys.stdin, sys.stdout, sys.argv[1] if len(sys.argv) > 1 else "123456:SOAK-token-abc")
