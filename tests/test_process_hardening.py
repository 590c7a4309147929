"""No core dumps from processes that hold raw answers in memory (audit finding 15)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def core_limit(pid: int) -> tuple[str, str]:
    for line in Path(f"/proc/{pid}/limits").read_text().splitlines():
        if line.startswith("Max core file size"):
            soft, hard = line.split()[4:6]
            return soft, hard
    raise AssertionError("no core limit line")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc (Linux)")
def test_schtum_chat_runs_with_core_dumps_off() -> None:
    chat = subprocess.Popen([sys.executable, "-m", "bot.cli", "chat", "--jsonl"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=ROOT, env=dict(os.environ),
                            preexec_fn=lambda: __import__("resource").setrlimit(
                                __import__("resource").RLIMIT_CORE, (1 << 20, 1 << 20)))
    try:
        assert chat.stdout is not None
        json.loads(chat.stdout.readline())  # it is up and holding the conversation
        assert core_limit(chat.pid) == ("0", "0")
    finally:
        chat.communicate(json.dumps({"command": "cancel"}) + "\n", timeout=60)
    assert chat.returncode == 0


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="prctl is Linux's")
def test_harden_makes_the_process_not_dumpable() -> None:
    script = ("from bot.process import dumpable, harden\n"
              "before = dumpable(); harden(); print(before, dumpable())")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            cwd=ROOT, timeout=60)
    assert result.stdout.split() == ["1", "0"], result.stderr
