"""`schtum anonymise`: plain and JSON-lines modes, including a bad line."""

from __future__ import annotations

import io
import json

from bot.anonymise_command import run


def test_plain_mode_redacts_stdin() -> None:
    out = io.StringIO()
    assert run(False, io.StringIO("Siobhan rang 07700 900461."), out) == 0
    assert out.getvalue() == "[PERSON 1] rang [PHONE]."


def test_jsonl_mode_reports_text_and_offsets() -> None:
    out = io.StringIO()
    line = json.dumps({"text": "Email jo@example.com now"})
    assert run(True, io.StringIO(line + "\n"), out) == 0
    obj = json.loads(out.getvalue())
    assert obj == {"text": "Email [EMAIL] now",
                   "found": [{"kind": "EMAIL", "start": 6, "end": 20}]}


def test_bad_jsonl_line_gets_an_error_and_processing_continues() -> None:
    lines = "not json\n" + json.dumps({"nope": 1}) + "\n" + json.dumps({"text": "Kwame"}) + "\n"
    out = io.StringIO()
    assert run(True, io.StringIO(lines), out) == 1
    objs = [json.loads(x) for x in out.getvalue().splitlines()]
    assert "error" in objs[0] and "error" in objs[1]
    assert objs[2]["text"] == "[PERSON 1]"
