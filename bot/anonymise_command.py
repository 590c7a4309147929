"""`schtum anonymise [--jsonl]`: redact stdin, as plain text or one JSON object per line.

Text is normalised first (`storage.text.normalise`: NFKC, invisible characters dropped),
so in `--jsonl` output each finding's `start` and `end` are offsets, in code points,
into the *normalised* text, the text the redaction was made from. For plain ASCII
without control characters that is the input itself.

Input that cannot be text never becomes a traceback: in `--jsonl` a line that is not
UTF-8, not JSON (including nesting too deep or a number too long to convert), or holds
a lone surrogate gets one `{"error": …}` line and processing continues (exit 1 at the
end); in plain mode such input is refused with one sentence on stderr and exit 1.
"""

from __future__ import annotations

import json
import sys
from typing import TextIO

from bot.terminal import tolerate_bad_bytes
from storage.anonymiser import anonymise
from storage.text import has_surrogates

NOT_UTF8 = "This line is not valid UTF-8 text."
NOT_JSON = 'This line is not valid JSON: send one object per line, like {"text": "..."}.'
NO_TEXT = 'Each line needs a "text" field holding a string.'
LONE_SURROGATE = ('The "text" holds a lone surrogate escape (such as \\ud800), which is not '
                  "a character; send valid Unicode.")


def _jsonl_line(line: str) -> tuple[dict[str, object], bool]:
    """One output object for one input line, and whether the line was good."""
    if has_surrogates(line):
        return {"error": NOT_UTF8}, False
    try:
        data = json.loads(line)
    except (ValueError, RecursionError):
        return {"error": NOT_JSON}, False
    if not isinstance(data, dict) or not isinstance(data.get("text"), str):
        return {"error": NO_TEXT}, False
    if has_surrogates(data["text"]):
        return {"error": LONE_SURROGATE}, False
    result = anonymise(data["text"])
    found = [{"kind": f.kind, "start": f.start, "end": f.end} for f in result.found]
    return {"text": result.text, "found": found}, True


def run(jsonl: bool, stdin: TextIO, stdout: TextIO, stderr: TextIO | None = None) -> int:
    """Redact stdin to stdout; exit status 1 when any input was unusable, else 0."""
    tolerate_bad_bytes(stdin)
    if not jsonl:
        text = stdin.read()
        if has_surrogates(text):
            line = text[:_first_surrogate(text)].count("\n") + 1
            print(f"schtum: the input is not valid UTF-8 text (line {line}); nothing was "
                  "redacted.", file=stderr or sys.stderr)
            return 1
        stdout.write(anonymise(text).text)
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


def _first_surrogate(text: str) -> int:
    return next(i for i, c in enumerate(text) if "\ud800" <= c <= "\udfff")
