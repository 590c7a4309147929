"""The terminal channel, driven as a script would: `schtum chat --jsonl` in a subprocess."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

FIELDS = {"text", "choices", "expects", "progress", "done"}


def chat(inputs: list[Any], *args: str, env: dict[str, str] | None = None,
         raw: bool = False) -> tuple[list[dict[str, Any]], subprocess.CompletedProcess[str]]:
    """Run a whole conversation; return the bot's messages and the finished process."""
    lines = inputs if raw else [json.dumps(item) for item in inputs]
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "chat", "--jsonl", *args],
        input="\n".join(lines) + "\n", capture_output=True, text=True, timeout=120,
        env=env or dict(os.environ))
    messages = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    return messages, result


def questions(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [m for m in messages if m["expects"] != "none"]




def test_every_message_has_exactly_the_documented_fields(data_dir: Path) -> None:
    messages, result = chat([{"command": "cancel"}])
    assert result.returncode == 0, result.stderr
    for message in messages:
        assert FIELDS <= set(message)
        assert set(message) - FIELDS <= {"error"}
    assert messages[0]["text"].startswith("Schtum is using its embedded default")
    assert str(data_dir) in messages[0]["text"]
    assert messages[-1]["done"] is True


def test_the_first_question_is_about_immediate_danger_with_progress() -> None:
    messages, _ = chat([{"command": "cancel"}])
    first = questions(messages)[0]
    assert first["expects"] == "choice" and "Yes" in first["choices"]
    assert "danger" in first["text"].lower() or "harm" in first["text"].lower()
    asked, total = first["progress"]
    assert asked == 1 and total > 5


def test_invalid_json_and_unknown_choices_get_an_error_and_the_same_question() -> None:
    messages, result = chat(["not json", json.dumps({"choice": "Perhaps"}),
                             json.dumps({"shout": "x"}), json.dumps({"command": "cancel"})],
                            raw=True)
    assert result.returncode == 0
    errors = [m for m in messages if "error" in m]
    assert len(errors) == 3
    asked = [m for m in questions(messages)]
    assert len({m["text"] for m in asked}) == 1, "the question changed after a bad input"


def test_back_returns_with_the_earlier_answer_and_why_explains() -> None:
    messages, _ = chat([{"choice": "No"}, {"command": "back"}, {"command": "why"},
                        {"command": "cancel"}])
    asked = questions(messages)
    assert asked[0]["progress"][0] == 1 and asked[1]["progress"][0] == 2
    assert asked[2]["progress"][0] == 1 and "Earlier you answered: No" in asked[2]["text"]
    assert any(m["expects"] == "none" and m["text"] and m not in asked for m in messages[3:])


def test_end_of_input_leaves_cleanly_with_nothing_stored(data_dir: Path) -> None:
    messages, result = chat([{"choice": "No"}])
    assert result.returncode == 0 and "Traceback" not in result.stderr
    assert messages[-1]["done"] is True and "Nothing was stored" in messages[-1]["text"]


def test_the_human_terminal_numbers_choices_and_accepts_a_number() -> None:
    result = subprocess.run([sys.executable, "-m", "bot.cli", "chat"], input="2\nback\ncancel\n",
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Schtum is using its embedded default")
    assert "  1. Yes" in result.stdout and "[Question 2 of about" in result.stdout
    assert "Earlier you answered: No" in result.stdout


def test_ctrl_c_leaves_cleanly_with_one_line_and_nothing_stored(data_dir: Path) -> None:
    # A shell running this suite in the background ignores SIGINT, and children inherit
    # that; a person at a terminal does not, so restore the default for the child.
    process = subprocess.Popen([sys.executable, "-m", "bot.cli", "chat"], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    assert process.stdout is not None
    first = process.stdout.readline()
    assert first.startswith("Schtum is using")
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130
    assert err.strip() == "Stopped. Nothing was stored." and "Traceback" not in err
    reflections = subprocess.run([sys.executable, "-m", "bot.cli", "reflections"],
                                 capture_output=True, text=True, timeout=60)
    assert "no saved reflections" in reflections.stdout


def test_the_configured_jurisdiction_picks_the_breach_flow() -> None:
    env = dict(os.environ, SCHTUM_CONVERSATION_JURISDICTION="us")
    messages, result = chat([{"command": "cancel"}], env=env)
    assert result.returncode == 0
    assert messages[1]["text"].startswith("A confidentiality dilemma (US)")
    uk, _ = chat([{"command": "cancel"}], "--flow", "breach-uk", env=env)
    assert uk[1]["text"].startswith("A confidentiality dilemma (England and Wales)")
