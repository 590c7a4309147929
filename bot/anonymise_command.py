"""`schtum anonymise [--jsonl]`: redact stdin, as plain text or one JSON object per line."""

from __future__ import annotations

import json
from typing import TextIO

from storage.anonymiser import anonymise


def _jsonl_line(line: str) -> tuple[dict[str, object], bool]:
    """One output object for one input line, and whether the line was good."""
    try:
        data = json.loads(line)
    except json.JSONDecodeError:
        return {"error": "This line is not valid JSON: send one object per line, "
                         "like {\"text\": \"...\"}."}, False
    if not isinstance(data, dict) or not isinstance(data.get("text"), str):
        return {"error": "Each line needs a \"text\" field holding a string."}, False
    result = anonymise(data["text"])
    found = [{"kind": f.kind, "start": f.start, "end": f.end} for f in result.found]
    return {"text": result.text, "found": found}, True


def run(jsonl: bool, stdin: TextIO, stdout: TextIO) -> int:
    """Redact stdin to stdout; exit status 1 when any JSON line was bad, else 0."""
    if not jsonl:
        stdout.write(anonymise(stdin.read()).text)
        stdout.flush()
        return 0
    status = 0
    for line in stdin:
        if not line.strip():
            continue
        obj, ok = _jsonl_line(line)
        status = status if ok else 1
        stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")
        stdout.flush()
    return status
