"""Dates in the formats people type: numeric, ISO, written, and years of birth.

Bare years, months alone and weekdays alone are not dates to redact; nor is the year
in a statute name ("Children Act 1989").
"""

from __future__ import annotations

import re

from storage.anonymiser.model import Span

_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_DAY = r"(?:Mon|Tue|Tues|Wed|Thu|Thur|Thurs|Fri|Sat|Sun)(?:day|nesday|sday|urday|rsday)?\.?,?\s+"
_ORD = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?:,?\s+(?:19|20)\d{2}|\s+'\d{2})"
_WRITTEN = re.compile(
    rf"\b(?:{_DAY})?(?:the\s+)?{_ORD}(?:\s+of)?\s+{_MONTH}(?!\w){_YEAR}?(?!\d)"
    rf"|\b(?:{_DAY})?{_MONTH}\s+(?:the\s+)?{_ORD}(?!\w){_YEAR}?(?!\d)"
    rf"|\b{_MONTH}\s+(?:19|20)\d{{2}}\b",
    re.IGNORECASE,
)
_MONTH_WORD = re.compile(r"(?i:\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b)")
_BEFORE, _AFTER = 32, 16
_NUMERIC = re.compile(r"(?<![\d/.\-])(\d{1,2})([/.\-])(\d{1,2})\2(\d{4}|\d{2})(?![\d/.\-])")
_ISO = re.compile(r"(?<![\d/.\-])(?:19|20)\d{2}([/.\-])(?:0?[1-9]|1[0-2])\1(?:[0-2]?\d|3[01])\b")
_BIRTH_YEAR = re.compile(
    r"(?i:\bborn\s+(?:in\s+)?|\bDOB\W{0,3}|\bb\.\s*|\bdate of birth\W{0,3}(?:is\s+)?)"
    r"((?:19|20)\d{2})\b"
)


def _numeric(text: str) -> list[Span]:
    spans = []
    for m in _NUMERIC.finditer(text):
        a, b = int(m.group(1)), int(m.group(3))
        if 1 <= a <= 31 and 1 <= b <= 31 and (a <= 12 or b <= 12):
            spans.append(Span("DATE", m.start(), m.end()))
    return spans


def _written(text: str) -> list[Span]:
    """Written dates, searched only in a window around each month word (the full
    pattern is slow to try at every position)."""
    spans: list[Span] = []
    for hit in _MONTH_WORD.finditer(text):
        lo, hi = max(0, hit.start() - _BEFORE), min(len(text), hit.end() + _AFTER)
        spans.extend(Span("DATE", m.start(), m.end()) for m in _WRITTEN.finditer(text, lo, hi))
    return spans


def find_dates(text: str) -> list[Span]:
    """Every date-like span in `text`."""
    spans = _written(text)
    if not any(c.isdigit() for c in text):
        return spans
    spans.extend(_numeric(text))
    spans.extend(Span("DATE", m.start(), m.end()) for m in _ISO.finditer(text))
    low = text.lower()
    if any(cue in low for cue in ("born", "dob", "b.", "birth")):
        spans.extend(Span("DATE", m.start(1), m.end(1)) for m in _BIRTH_YEAR.finditer(text))
    return spans
