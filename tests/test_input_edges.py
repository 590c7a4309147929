"""Bad input at the edges (issue 10, findings 5 and 6): one sentence, never a traceback,
never a lost reflection, and nothing invisible hiding a name from the anonymiser."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot import commands, terminal, wording
from bot.anonymise_command import run as anonymise_run
from bot.messages import Input, Reply
from bot.service import Service
from storage.anonymiser import Anonymiser, anonymise
from storage.store import Store
from tests.flowwalk import inputs_for, path_with_most_text

KEY = bytes(range(32))
FLOW = "breach-uk"
FIELDS = {"text", "choices", "expects", "progress", "done"}
HIDDEN_NAMES = ["J\u2060ohn S\u00admith", "J\u200bohn Smith", "Jo\u200dhn Smi\ufeffth",
                "\u202eJohn\u202c Smith", "J\u2066ohn\u2069 Smith", "J\u3164ohn Smith"]


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = Store.open(tmp_path / "s.db", KEY)
    yield opened
    opened.close()


def jsonl_chat(service: Service, who: str, lines: list[str]) -> list[dict[str, object]]:
    """Drive the JSON-lines terminal in-process; return every message it wrote."""
    out = io.StringIO()
    terminal.run_chat(service, who, FLOW, terminal.JsonRenderer(out), lines)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def walk_to_review(service: Service, who: str, text: str) -> Reply:
    service.begin(who, FLOW)
    replies: list[Reply] = []
    for given in inputs_for(FLOW, path_with_most_text(FLOW), lambda _: text):
        replies = service.handle(who, given)
    assert replies[-1].kind == "summary"
    return replies[-1]


# -- finding 5: input that crashed and lost the reflection ---------------------------


@pytest.mark.parametrize("line", [
    json.dumps({"text": "a \ud800 b"}),           # a lone surrogate, escaped in JSON
    "[" * 100_000,                                 # RecursionError in json.loads
    '{"text": ' + "1" * 5000 + "}",               # ValueError: int conversion limit
    '{"command": ' + "9" * 5000 + "}",
    "{\"text\": \"ok\"} \udcff",                  # invalid UTF-8 read with surrogateescape
], ids=["lone-surrogate", "deep-nesting", "huge-number-text", "huge-number-command",
        "invalid-utf8"])
def test_bad_jsonl_lines_get_one_error_and_the_same_question(store: Store, line: str) -> None:
    service = Service(store)
    who = service.who("terminal:t")
    messages = jsonl_chat(service, who, [line, json.dumps({"command": "cancel"})])
    errors = [m for m in messages if "error" in m]
    assert len(errors) == 1 and errors[0]["text"].count(".") <= 2
    assert all(FIELDS <= set(m) for m in messages)
    asked = [m["text"] for m in messages if m["expects"] != "none"]
    assert len(set(asked)) == 1
    assert messages[-1]["done"] is True


def test_a_lone_surrogate_never_reaches_save_and_the_reflection_is_kept(store: Store) -> None:
    """Any channel may pass one (Telegram's JSON can carry \\ud800): the service makes it
    U+FFFD before anything else, so Save stores it instead of crashing."""
    service = Service(store)
    who = service.who("terminal:t")
    summary = walk_to_review(service, who, "a \ud800 b")
    assert "\ud800" not in summary.text and "a \ufffd b" in summary.text
    done = service.handle(who, Input.choice(wording.SAVE))
    assert done[0].text == wording.SAVED and done[-1].done
    (saved,) = store.list_reflections(who)
    body = store.read_reflection(who, saved.id)
    assert body == summary.text and body.encode("utf-8")


def test_invalid_utf8_on_stdin_is_one_error_line_even_with_strict_decoding(
        tmp_path: Path) -> None:
    env = dict(os.environ, PYTHONIOENCODING="utf-8:strict")
    stdin = b'\xff\xfe{"choice": "No"}\n{"command": "cancel"}\n'
    result = subprocess.run([sys.executable, "-m", "bot.cli", "chat", "--jsonl"],
                            input=stdin, capture_output=True, timeout=120, env=env)
    assert result.returncode == 0, result.stderr
    assert b"Traceback" not in result.stderr
    messages = [json.loads(x) for x in result.stdout.decode("utf-8").splitlines()]
    assert [m["error"] for m in messages if "error" in m] == [terminal.NOT_UTF8]
    assert messages[-1]["done"] is True


def test_the_human_terminal_refuses_invalid_utf8_and_continues(tmp_path: Path) -> None:
    env = dict(os.environ, PYTHONIOENCODING="utf-8:strict")
    result = subprocess.run([sys.executable, "-m", "bot.cli", "chat"],
                            input=b"\xff\xfe\n\xc2\xb2\nreflections \xc2\xb2\ncancel\n",
                            capture_output=True, timeout=120, env=env)
    assert result.returncode == 0, result.stderr
    out = result.stdout.decode("utf-8")
    assert b"Traceback" not in result.stderr and f"Sorry: {terminal.NOT_UTF8}" in out
    assert "There is no reflection 2; you have none yet." in out and "Cancelled." in out


@pytest.mark.parametrize("typed", ["²", "٣", "१", "9" * 5000],
                         ids=["superscript", "arabic-indic", "devanagari", "5000-digits"])
def test_non_ascii_or_huge_digits_as_a_numbered_answer_never_crash(typed: str) -> None:
    renderer = terminal.HumanRenderer(io.StringIO())
    renderer.choices = ("Yes", "No", "Not sure")
    parsed = renderer.parse(typed + "\n")
    assert parsed in (Input.choice("No"), Input.text(typed)) or isinstance(parsed, str)


def test_a_superscript_two_is_read_as_two_and_a_fullwidth_two_too() -> None:
    renderer = terminal.HumanRenderer(io.StringIO())
    renderer.choices = ("Yes", "No", "Not sure")
    assert renderer.parse("²") == renderer.parse("２") == Input.choice("No")


@pytest.mark.parametrize("word", ["reflections ²", "reflections ٣", "reflections " + "7" * 5000],
                         ids=["superscript", "arabic-indic", "5000-digits"])
def test_reflections_with_odd_digits_mid_chat_never_crash(store: Store, word: str) -> None:
    service = Service(store)
    who = service.who("terminal:t")
    replies = commands._reflections_word(service, who, word)
    assert replies and len(replies) == 1  # one sentence, never a traceback
    assert replies[0].kind == "error" or replies[0].text.startswith("You have no")


@pytest.mark.parametrize("typed", ["12", "007", "0"])
def test_ascii_number_reads_ascii_digits_only(typed: str) -> None:
    assert terminal.ascii_number(typed) == int(typed)
    assert terminal.ascii_number("²") is None and terminal.ascii_number("1 2") is None
    assert terminal.ascii_number("9" * 5000) == sys.maxsize


def _bytes_stdin(data: bytes) -> io.TextIOWrapper:
    return io.TextIOWrapper(io.BytesIO(data), encoding="utf-8", errors="strict")


def test_anonymise_jsonl_gives_one_error_per_bad_line_and_carries_on() -> None:
    lines = (b"\xff\xfe\n" + json.dumps({"text": "x \ud800"}).encode() + b"\n"
             + b"[" * 100_000 + b"\n" + b'{"text": ' + b"1" * 5000 + b"}\n"
             + json.dumps({"text": "Siobhan rang"}).encode() + b"\n")
    out = io.StringIO()
    assert anonymise_run(True, _bytes_stdin(lines), out) == 1
    objs = [json.loads(x) for x in out.getvalue().splitlines()]
    assert [set(o) for o in objs[:4]] == [{"error"}] * 4
    assert objs[4]["text"] == "[PERSON 1] rang"
    out.getvalue().encode("utf-8")


def test_anonymise_plain_refuses_invalid_utf8_with_one_sentence_and_exit_1() -> None:
    out, err = io.StringIO(), io.StringIO()
    assert anonymise_run(False, _bytes_stdin(b"Siobhan\nrang \xff\n"), out, err) == 1
    assert out.getvalue() == ""
    assert err.getvalue().count("\n") == 1 and "line 2" in err.getvalue()


def test_anonymise_command_normal_finish_exits_0_in_a_process() -> None:
    result = subprocess.run([sys.executable, "-m", "bot.cli", "anonymise"],
                            input="J\u2060ohn S\u00admith rang.".encode(), capture_output=True,
                            timeout=120)
    assert result.returncode == 0 and result.stdout.decode() == "[PERSON 1] rang."


# -- finding 6: invisible characters -------------------------------------------------


@pytest.mark.parametrize("hidden", HIDDEN_NAMES)
def test_invisible_characters_cannot_hide_a_name(hidden: str) -> None:
    result = anonymise(f"I saw {hidden} yesterday.")
    assert result.text == "I saw [PERSON 1] yesterday."
    assert not any(unicodedata.category(c) == "Cf" for c in result.text)


@pytest.mark.parametrize("hidden", HIDDEN_NAMES[:3])
def test_the_live_warning_sees_a_hidden_name(store: Store, hidden: str) -> None:
    service = Service(store)
    who = service.who("terminal:t")
    service.begin(who, FLOW)
    for given in inputs_for(FLOW, path_with_most_text(FLOW), lambda _: "x"):
        if given.kind == "text":
            replies = service.handle(who, Input.text(f"{hidden} rang me."))
            assert replies[0].kind == "warning" and "a name" in replies[0].text
            return
        service.handle(who, given)
    raise AssertionError("the flow asked for no text")


def test_remove_words_matches_words_hidden_by_invisible_characters(store: Store) -> None:
    service = Service(store)
    who = service.who("terminal:t")
    walk_to_review(service, who, "We met at the light\u00adhouse and the c\u200bafé.")
    service.handle(who, Input.choice(wording.REMOVE))
    summary = service.handle(who, Input.text("lighthouse, ca\u2060fé"))[-1]
    assert "We met at the [REMOVED] and the [REMOVED]." in summary.text
    service.handle(who, Input.choice(wording.SAVE))
    (saved,) = store.list_reflections(who)
    body = store.read_reflection(who, saved.id)
    assert "\u00ad" not in body and "\u200b" not in body and "lighthouse" not in body


def test_extra_terms_given_straight_to_the_anonymiser_are_normalised() -> None:
    result = Anonymiser().redact("the lighthouse", ["light\u00adhouse"])
    assert result.text == "the [REMOVED]"


def test_anonymise_jsonl_offsets_refer_to_the_normalised_text() -> None:
    out = io.StringIO()
    anonymise_run(True, io.StringIO(json.dumps({"text": "J\u2060ohn S\u00admith rang"}) + "\n"),
                  out)
    obj = json.loads(out.getvalue())
    assert obj == {"text": "[PERSON 1] rang",
                   "found": [{"kind": "PERSON", "start": 0, "end": 10}]}
    assert "John Smith rang"[0:10] == "John Smith"


def test_the_service_stores_answers_in_normal_form(store: Store) -> None:
    service = Service(store)
    who = service.who("terminal:t")
    summary = walk_to_review(service, who, "ﬁne\u200b\u00a0work\r\nhere")
    assert "fine work\nhere" in summary.text
