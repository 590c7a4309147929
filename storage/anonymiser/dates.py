"""Dates in the formats people type: numeric, ISO, written, and years of birth.

Bare years, months alone and weekdays alone are not dates to redact; nor is the year
in a statute name ("Children Act 1989").
"""

from __future__ import annotations

import re

from storage.anonymiser.model import Span
from storage.anonymiser.windows import Cluster, Window

_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_DAY = r"(?:Mon|Tue|Tues|Wed|Thu|Thur|Thurs|Fri|Sat|Sun)(?:day|nesday|sday|urday|rsday)?\.?,?\s+"
_ORD = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?:,?\s+(?:19|20)\d{2}|\s+['’]\d{2})"
_RANGE = rf"(?:{_ORD}\s*[-–]\s*)?"
_WRITTEN = re.compile(
    rf"\b(?:{_DAY})?(?:the\s+)?{_RANGE}{_ORD}(?:\s+of)?\s+{_MONTH}(?!\w){_YEAR}?(?!\d)"
    rf"|\b(?:{_DAY})?{_MONTH}\s+(?:the\s+)?{_ORD}(?!\w){_YEAR}?(?!\d)"
    rf"|\b{_MONTH}\s+(?:(?:19|20)\d{{2}}|['’]\d{{2}})\b",
    re.IGNORECASE,
)
_MONTH_START = re.compile(r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)")
_MONTH_FORMS = frozenset({
    "jan", "january", "feb", "february", "mar", "march", "apr", "april", "may", "jun", "june",
    "jul", "july", "aug", "august", "sep", "sept", "september", "oct", "october", "nov",
    "november", "dec", "december",
})
_LETTERS = re.compile(r"[a-z]*")
_BEFORE, _AFTER = 32, 16
_NUMERIC_DIGITS, _ISO_DIGITS = 3, 6
_MONTH_BEFORE, _MONTH_AFTER = 24, 12
_NUMERIC = re.compile(
    r"(\d(?<![\d/.\-]\d)\d?)([/.\-])(\d{1,2})\2(\d{4}|\d{2})(?![\d/\-]|\.\d)")
_ISO = re.compile(
    r"(?:1(?<![\d/.\-]1)9|2(?<![\d/.\-]2)0)\d{2}([/.\-])(?:0?[1-9]|1[0-2])\1(?:[0-2]?\d|3[01])\b")
# A day and month without a year ("on 12/01") is a date only after a word that says so;
# alone, "3/10" is as likely a score.
_SHORT = re.compile(
    r"(?i:\b(?:on|from|since|until|till|by|dated|before|after|of|w/c)\s+)"
    r"((?:0?[1-9]|[12]\d|3[01])/(?:0?[1-9]|[12]\d|3[01]))(?![\d/])")
_SHORT_WORDS = frozenset({"on", "from", "since", "until", "till", "by", "dated", "before",
                          "after", "of", "c"})
# A day of the month without a month, as phones type it: "the 3rd", "tues 14th", "last
# Fri 6th". Alone an ordinal is a date only after "the" or a weekday, and not when a noun
# follows that makes it a count ("the 3rd time", "the 2nd floor").
_ORDINAL = re.compile(
    r"(?i:\b(?:(?:last|next|this|on)\s+)?(?:mon|tue|tues|wed|weds|thu|thur|thurs|fri|sat|sun)"
    r"(?:day|nesday|sday|urday|rsday)?\.?,?\s+(?:the\s+)?|\bthe\s+)"
    r"(?:[12]\d|3[01]|0?[1-9])(?i:st|nd|rd|th)\b"
    r"(?!\s+(?i:time|times|floor|session|sessions|attempt|attempts|year|grade|week|day|"
    r"place|child|kid|one|person|appointment|visit|call|go|try|round|generation|"
    r"century|stage|level)\b)")
# A day and month typed alone ("4/2", "6/18"): a date unless it reads as a score, a
# fraction or "24/7".
_BARE_SHORT = re.compile(r"(?<![\w/.\-£$])(\d{1,2})/(\d{1,2})(?![\d/]|\.\d|%)")
_NOT_DATES = frozenset({"1/2", "1/3", "2/3", "1/4", "3/4", "24/7", "50/50"})
_SCORE_BASES = frozenset({5, 10})
_BIRTH_WORDS = frozenset({"born", "dob", "b", "birth"})
_BIRTH_CUE = re.compile(r"(?:born|dob|b\.|date of birth)")
_BIRTH_YEAR = re.compile(
    r"(?i:\bborn\s+(?:in\s+)?|\bDOB\W{0,3}|\bb\.\s*|\bdate of birth\W{0,3}(?:is\s+)?)"
    r"((?:19|20)\d{2})\b"
)


def _numeric(text: str, window: Window) -> list[Span]:
    spans = []
    for m in _NUMERIC.finditer(text, *window):
        a, b = int(m.group(1)), int(m.group(3))
        if 1 <= a <= 31 and 1 <= b <= 31 and (a <= 12 or b <= 12):
            spans.append(Span("DATE", m.start(), m.end()))
    return spans


def _months(low: str, window: Window) -> list[int]:
    """Starts of month words ("March", "sept", "Dec.") inside `window` of the lower-cased text."""
    found = []
    for m in _MONTH_START.finditer(low, *window):
        i = m.start()
        if i and low[i - 1].isalpha():
            continue
        word = _LETTERS.match(low, i)
        if word and word.group() in _MONTH_FORMS:
            found.append(i)
    return found


def _written(text: str, low: str, window: Window) -> list[Span]:
    """Written dates, searched only in a short range around each month word (the full
    pattern is slow to try at every position)."""
    spans: list[Span] = []
    for start in _months(low, window):
        lo, hi = max(0, start - _BEFORE), min(len(text), start + 9 + _AFTER)
        spans.extend(Span("DATE", m.start(), m.end()) for m in _WRITTEN.finditer(text, lo, hi))
    return spans


def _births(text: str, low: str) -> list[Span]:
    spans = []
    for cue in _BIRTH_CUE.finditer(low):
        m = _BIRTH_YEAR.match(text, cue.start())
        if m:
            spans.append(Span("DATE", m.start(1), m.end(1)))
    return spans


def _month_ranges(text: str, near: list[Cluster]) -> list[Window]:
    """Where a month word of a written date can start: just before or after a number."""
    ranges: list[Window] = []
    for c in near:
        lo, hi = max(0, c.start - _MONTH_BEFORE), min(len(text), c.end + _MONTH_AFTER)
        if ranges and lo <= ranges[-1][1]:
            ranges[-1] = (ranges[-1][0], hi)
        else:
            ranges.append((lo, hi))
    return ranges


def _bare_short(text: str, window: Window) -> list[Span]:
    spans = []
    for m in _BARE_SHORT.finditer(text, *window):
        a, b = int(m.group(1)), int(m.group(2))
        if m.group() in _NOT_DATES or b in _SCORE_BASES or not (a and b):
            continue
        if (a <= 31 and b <= 12) or (a <= 12 and b <= 31):
            spans.append(Span("DATE", m.start(), m.end()))
    return spans


def find_dates(text: str, low: str, words: set[str], near: list[Cluster],
               wide: list[Window]) -> list[Span]:
    """Every date-like span; every one holds a digit, so only windows near digits are read
    (and written dates only when a month word is among the text's `words`)."""
    spans: list[Span] = []
    if not _MONTH_FORMS.isdisjoint(words):
        for window in _month_ranges(text, near):
            spans.extend(_written(text, low, window))
    short = not _SHORT_WORDS.isdisjoint(words)
    for c in near:
        if 2 <= c.digits <= 4 and "/" in text[c.start:c.end]:
            if short:
                spans.extend(Span("DATE", m.start(1), m.end(1))
                             for m in _SHORT.finditer(text, c.lo, c.hi))
            spans.extend(_bare_short(text, (c.lo, c.hi)))
        if c.digits <= 2 and text[c.end:c.end + 2].lower() in ("st", "nd", "rd", "th"):
            spans.extend(Span("DATE", m.start(), m.end())
                         for m in _ORDINAL.finditer(text, c.lo, c.hi))
        if c.digits >= _NUMERIC_DIGITS:
            spans.extend(_numeric(text, (c.lo, c.hi)))
        if c.digits >= _ISO_DIGITS:
            spans.extend(Span("DATE", m.start(), m.end()) for m in _ISO.finditer(text, c.lo, c.hi))
    if wide and not _BIRTH_WORDS.isdisjoint(words):
        spans.extend(_births(text, low))
    return spans
