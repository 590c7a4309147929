"""The privacy promise, end to end through the terminal: no plaintext or clear id at rest.

Complete conversations full of identifiers and canary strings are saved through
`schtum chat --jsonl`; then every byte of every file in the data folder (database,
-wal, -shm, -journal, key file) is read and searched. The saved reflection is then
opened again to prove the content really was stored (encrypted), so the scan could fail.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.flowwalk import inputs_for, path_with_most_text

USER = "canaryuser9137"
CANARY = "harbourlantern"  # an ordinary-looking word no anonymiser would remove
IDENTIFIERS = ["Siobhan Okafor", "07700 900123", "siobhan.okafor@example.com", "SW1A 1AA"]


def answer_text(n: int) -> str:
    return (f"My client Siobhan Okafor (07700 900123, siobhan.okafor@example.com, SW1A 1AA) "
            f"told me about the {CANARY}{n} and her worries.")


def script_for(flow_id: str) -> tuple[list[str], int]:
    """Inputs that walk the flow's realised path with the most free-text questions, then
    Save (a realised path never answers a question that earlier answers skip)."""
    numbered = iter(range(1, 1000))
    given = inputs_for(flow_id, path_with_most_text(flow_id),
                       lambda _: answer_text(next(numbered)))
    lines = [json.dumps({given_input.kind: given_input.value}) for given_input in given]
    lines.append(json.dumps({"choice": "Save"}))
    return lines, sum(1 for g in given if g.kind == "text")


def run(args: list[str], stdin: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot.cli", *args], input=stdin,
                          capture_output=True, text=True, timeout=120, env=env)


@pytest.mark.parametrize("flow_id", ["breach-uk", "breach-us"])
def test_saved_conversations_leave_no_plaintext_or_clear_id_on_disk(
        flow_id: str, data_dir: Path) -> None:
    env = dict(os.environ, USER=USER, LOGNAME=USER)
    lines, answered = script_for(flow_id)
    assert answered >= 3, "the flow should ask for some free text"
    result = run(["chat", "--jsonl", "--flow", flow_id], "\n".join(lines) + "\n", env)
    assert result.returncode == 0, result.stderr
    said = [json.loads(line) for line in result.stdout.splitlines()]
    assert said[-1]["done"], said[-1]
    assert any(m["text"].startswith("Saved") for m in said[-3:]), said[-3:]

    files = [p for p in data_dir.rglob("*") if p.is_file()]
    assert any(p.name == "schtum.db" for p in files)
    blob = b"".join(p.read_bytes() for p in files)
    for needle in [CANARY, USER, *IDENTIFIERS, "Okafor", "worries", f"terminal:{USER}"]:
        for encoded in {needle.encode(), needle.encode("utf-16-le")}:
            assert encoded not in blob, f"{needle!r} found at rest"

    shown = run(["reflections", "1"], "", env)
    assert shown.returncode == 0, shown.stderr
    assert f"{CANARY}1" in shown.stdout, "the content should be stored, encrypted"
    for identifier in IDENTIFIERS:
        assert identifier not in shown.stdout, f"{identifier!r} was not anonymised"
    assert "[PERSON 1]" in shown.stdout and "[PHONE]" in shown.stdout


def test_files_are_owner_only(data_dir: Path) -> None:
    lines, _ = script_for("breach-uk")
    run(["chat", "--jsonl"], "\n".join(lines) + "\n", dict(os.environ))
    assert data_dir.stat().st_mode & 0o777 == 0o700
    for path in data_dir.rglob("*"):
        if path.is_file():
            assert path.stat().st_mode & 0o077 == 0, f"{path.name} is readable by others"


def test_discard_and_cancel_store_nothing(data_dir: Path) -> None:
    env = dict(os.environ, USER=USER, LOGNAME=USER)
    lines, _ = script_for("breach-uk")
    lines[-1] = json.dumps({"choice": "Discard"})
    run(["chat", "--jsonl"], "\n".join(lines) + "\n", env)
    run(["chat", "--jsonl"], "\n".join(lines[:3] + [json.dumps({"command": "cancel"})]) + "\n",
        env)
    listed = run(["reflections"], "", env)
    assert "no saved reflections" in listed.stdout
