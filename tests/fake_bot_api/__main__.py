"""Run the fake Bot API in its own process: ``python -m tests.fake_bot_api [--token T]``.

Why a process of its own: a server in a thread of the bot's process competes with the
bot for the GIL, so a loopback benchmark would measure both at once. The server here is
the unchanged :class:`FakeBotApi`; this runner only drives it over stdin/stdout, one JSON
object per line. On start it prints ``{"base_url": …, "port": …}``; then each command
line gets one answer line:

  {"op": "send", "items": [[user_id, text], …]}  -> {"message_ids": […]}
  {"op": "pending"}                               -> {"pending": n}   (updates not yet taken)
  {"op": "stats"}                                 -> {"requests": n, "errors": n,
                                                      "methods": {name: n}, "statuses": {…},
                                                      "cpu_seconds": s}  (the server's CPU)
  {"op": "stop"}                                  -> {"stopped": true}, then the process exits
"""

from __future__ import annotations

import argparse
import collections
import json
import sys
import time
from typing import Any, TextIO

from .server import FakeBotApi


def answer(api: FakeBotApi, command: dict[str, Any]) -> dict[str, Any]:
    """Carry out one command; a malformed one gets {"error": …}, never a crash."""
    op = command.get("op")
    if op == "send":
        return {"message_ids": [api.user_sends(int(user), str(text))
                                for user, text in command.get("items", [])]}
    if op == "pending":
        with api.world.lock:
            return {"pending": len(api.world.updates)}
    if op == "stats":
        recorded = api.requests
        methods = collections.Counter(r.method for r in recorded)
        statuses = collections.Counter(str(r.status) for r in recorded)
        return {"requests": len(recorded), "errors": len(api.errors),
                "cpu_seconds": time.process_time(),
                "methods": dict(methods), "statuses": dict(statuses)}
    if op == "stop":
        return {"stopped": True}
    return {"error": f"unknown op {op!r}"}


def serve(api: FakeBotApi, commands: TextIO, out: TextIO) -> None:
    """Answer commands until "stop" or end of input, then stop the server."""
    api.start_in_thread()
    try:
        print(json.dumps({"base_url": api.base_url, "port": api.port}), file=out, flush=True)
        for line in commands:
            if not line.strip():
                continue
            try:
                reply = answer(api, json.loads(line))
            except (ValueError, TypeError) as problem:
                reply = {"error": f"{type(problem).__name__}: {problem}"}
            print(json.dumps(reply), file=out, flush=True)
            if reply.get("stopped"):
                break
    finally:
        api.stop()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--token", default="123456:TEST-token-abc")
    parser.add_argument("--max-poll-wait", type=float, default=1.0)
    args = parser.parse_args(argv)
    serve(FakeBotApi(args.token, max_poll_wait=args.max_poll_wait), sys.stdin, sys.stdout)


if __name__ == "__main__":
    main()
