"""The soak's short form (benchmarks/soak.py): a few practitioners, the real `schtum run`
SIGKILLed at least three times, about 45 s. Every acknowledged save must be found in the
database afterwards and no canary may be anywhere on disk or in the bot's logs.

Everything runs on 127.0.0.1 and stops by itself: the soak reaps its bot and fake in
finally blocks, and this test gives the whole run a hard timeout, after which it kills
the soak's whole process group.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SECONDS = 45
HARD_TIMEOUT = SECONDS + 120


def test_the_short_soak_keeps_every_acknowledged_save_and_leaks_nothing(tmp_path: Path) -> None:
    command = [sys.executable, str(ROOT / "benchmarks" / "soak.py"), "--practitioners", "4",
               "--seconds", str(SECONDS), "--kill-every", "5", "8", "--seed", "3", "--json",
               "--workdir", str(tmp_path / "soak")]
    # Its own process group, so a hung soak is killed with its bot and fake, not orphaned.
    soak = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=True)
    try:
        stdout, stderr = soak.communicate(timeout=HARD_TIMEOUT)
    finally:
        if soak.poll() is None:
            os.killpg(soak.pid, signal.SIGKILL)
            soak.communicate()
    assert stdout.strip(), f"the soak printed nothing: {stderr[-2000:]}"
    figures = json.loads(stdout.strip().splitlines()[-1])
    shown = {k: v for k, v in figures.items() if k != "canary_scan"}
    scan = figures["canary_scan"]
    assert figures["kills"] >= 3, shown
    assert figures["unexpected_exits"] == [], shown
    assert figures["conversations_completed"] >= 1, shown
    assert figures["resumed_conversations"] >= 1, shown
    assert figures["acknowledged_saves"] == figures["conversations_completed"], shown
    assert figures["acknowledged_saves_missing"] == 0, figures["missing_detail"]
    assert figures["acknowledged_saves_found"] == figures["acknowledged_saves"], shown
    assert scan["canaries"] > 0 and scan["files"] >= 4 and scan["self_test"] == "passed", scan
    assert any(name.endswith("schtum.db") for name in scan["scanned"]), scan["scanned"]
    assert any(name.endswith(".stderr") for name in scan["scanned"]), scan["scanned"]
    assert (scan["hits"], scan["where"]) == (0, {}), scan
    assert (scan["id_hits"], scan["id_where"]) == (0, {}), scan
    assert figures["passed"] is True and soak.returncode == 0, (soak.returncode, shown)
