"""Nothing a practitioner types is lost (issue 8): kept on back, kept when it arrives early,
handed back when too long, and a person is asked before stopping throws answers away.

Driven through the real channels: `schtum chat` (JSON lines and the people mode, the
latter also under a real pseudo-terminal for Ctrl-D) and the service with a real store.
"""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot import terminal, wording
from bot.messages import Input
from bot.service import Service
from flows.engine import MAX_ANSWER_CHARS
from storage.store import Store
from tests.test_terminal import chat, questions

ROOT = Path(__file__).resolve().parents[1]
GIBBS = "Ten minutes: Gibbs' cycle"
FIRST = "A long and careful account of the session, which I would hate to type again."


@pytest.fixture
def service(tmp_path: Path) -> Service:
    store = Store.open(tmp_path / "s.db", bytes(range(32)))
    yield Service(store, confirm_stop=True)
    store.close()


def test_after_back_an_empty_json_text_keeps_the_earlier_answer() -> None:
    messages, result = chat([{"choice": GIBBS}, {"text": FIRST}, {"command": "back"},
                             {"text": ""}, {"command": "back"}, {"command": "back"},
                             {"command": "cancel"}], "--flow", "journal")
    assert result.returncode == 0, result.stderr
    asked = questions(messages)  # form, description, feelings, description again, …
    assert f"Earlier you answered: {FIRST}" in asked[3]["text"]
    assert asked[4]["progress"][0] == 3  # moved on, the earlier words accepted
    assert f"Earlier you answered: {FIRST}" in asked[5]["text"]  # and still recorded


def test_in_the_terminal_enter_keeps_the_earlier_answer() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "chat", "--flow", "journal"],
        input=f"1\n{FIRST}\nback\n\nback\ncancel\nyes\n", capture_output=True, text=True,
        timeout=120, cwd=ROOT, env=dict(os.environ))
    assert result.returncode == 0, result.stderr
    assert terminal.KEEP_HINT in result.stdout
    assert result.stdout.count(f"Earlier you answered: {FIRST}") == 2


def test_words_typed_where_an_option_was_expected_are_kept_and_offered(
        service: Service) -> None:
    who = service.who("terminal:t")
    service.begin(who, "journal")
    replies = service.handle(who, Input.text(FIRST))
    assert replies[0].text == wording.HELD and replies[0].kind == "error"
    replies = service.handle(who, Input.choice(GIBBS))
    question = replies[-1]
    assert wording.HELD_OFFER.format(text=FIRST) in question.text and question.keep
    service.handle(who, Input.text(""))
    assert service.active(who).session.answers["description"] == FIRST


def test_an_answer_over_the_limit_is_handed_back_not_dropped(service: Service) -> None:
    who = service.who("terminal:t")
    service.begin(who, "journal")
    service.handle(who, Input.choice(GIBBS))
    long = "word " * (MAX_ANSWER_CHARS // 4)
    replies = service.handle(who, Input.text(long))
    assert replies[0].kind == "error" and f"{MAX_ANSWER_CHARS:,}" in replies[0].text
    assert replies[1].kind == "held" and replies[1].text == long.strip()
    assert replies[1].private
    assert replies[-1].kind == "question" and replies[-1].progress[0] == 2


def test_a_person_is_asked_before_stopping_throws_answers_away(service: Service) -> None:
    who = service.who("terminal:t")
    service.begin(who, "journal")
    for given in (Input.choice(GIBBS), Input.text(FIRST), Input.text("I felt uneasy."),
                  Input.text("It went well enough.")):
        service.handle(who, given)
    asked = service.handle(who, Input.command("cancel"))
    assert asked[-1].choices == wording.STOP_CHOICES and "4 answers" in asked[-1].text
    carried = service.handle(who, Input.choice(wording.STOP_NO))
    assert carried[0].text == wording.CARRY_ON and carried[-1].progress[0] == 5
    service.handle(who, Input.command("cancel"))
    stopped = service.handle(who, Input.choice(wording.STOP_YES))
    assert stopped[-1].done and service.active(who) is None


def test_a_script_stops_at_once_as_before() -> None:
    messages, result = chat([{"choice": GIBBS}, {"text": FIRST}, {"text": "Uneasy."},
                             {"text": "Well enough."}, {"command": "cancel"}],
                            "--flow", "journal")
    assert result.returncode == 0 and messages[-1]["text"] == wording.CANCELLED


def read_until(fd: int, wanted: str, timeout: float = 30.0) -> str:
    seen, deadline = "", time.monotonic() + timeout
    while wanted not in seen and time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                seen += os.read(fd, 65536).decode("utf-8", "replace")
            except OSError:
                break
    assert wanted in seen, seen[-500:]
    return seen


def test_ctrl_d_in_a_terminal_asks_before_leaving(tmp_path: Path) -> None:
    """Under a real pseudo-terminal: Ctrl-D after three answers asks; "no" carries on."""
    main, child = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "bot.cli", "chat", "--flow", "journal"],
                               stdin=child, stdout=child, stderr=child, cwd=ROOT,
                               env=dict(os.environ), close_fds=True)
    os.close(child)
    try:
        read_until(main, "1. Ten minutes")
        for line in ("1", FIRST, "I felt uneasy."):
            os.write(main, f"{line}\n".encode())
            time.sleep(0.3)
        read_until(main, "[Question 4 of about 9]")
        os.write(main, b"\x04")
        read_until(main, "Leave now and lose your 3 answers?")
        os.write(main, b"no\n")
        read_until(main, "[Question 4 of about 9]")
        os.write(main, b"\x04")
        read_until(main, "Leave now and lose your 3 answers?")
        os.write(main, b"yes\n")
        read_until(main, terminal.LEFT)
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        os.close(main)


def test_a_missing_reflection_number_exits_non_zero() -> None:
    result = subprocess.run([sys.executable, "-m", "bot.cli", "reflections", "9"],
                            capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert result.returncode == 1
    assert result.stderr == "schtum: There is no reflection 9; you have none yet.\n"


def test_the_terminal_names_terminal_commands_and_no_telegram_ones() -> None:
    result = subprocess.run([sys.executable, "-m", "bot.cli", "chat", "--flow", "journal"],
                            input="help\ncancel\n", capture_output=True, text=True,
                            timeout=120, cwd=ROOT, env=dict(os.environ))
    assert terminal.INTRO_HINT in result.stdout
    assert "/" not in result.stdout.replace(os.sep, "").split("Schtum is using")[0]
    for telegram_word in ("/back", "/skip", "/dilemma", "button"):
        assert telegram_word not in result.stdout


def test_flow_list_prints_every_flow_with_its_title() -> None:
    from flows.loader import load_flow, shipped_ids

    result = subprocess.run([sys.executable, "-m", "bot.cli", "flow", "list"],
                            capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert len(lines) == len(shipped_ids())
    for flow_id, line in zip(shipped_ids(), lines, strict=True):
        assert line.split()[0] == flow_id and line.endswith(load_flow(flow_id).title)
