"""Reference numbers that mix letters and digits, officers' numbers, house numbers and
the last digits of a social security number.

A prison number ("A4521BK"), a professional registration ("12A3456E") or a case code
("a9931ce") has no fixed shape, but a token holding three or more digits and a letter
(other than a unit such as "500mg" or a time such as "10pm") is nearly always one. A
police officer's collar number and a house number are bare digits, so they need their
cue: "PC 4471", "the neighbour at number 41", "last four of her SSN 4471".
"""

from __future__ import annotations

import re

from storage.anonymiser.model import Span
from storage.anonymiser.windows import Cluster

_MIXED = re.compile(r"(?<![\w\-/.])(?=[A-Za-z]*\d)(?=\d*[A-Za-z])[A-Za-z0-9]{5,12}(?![\w\-/])")
_UNITS = re.compile(
    r"\d+(?:st|nd|rd|th|am|pm|mg|mcg|ml|kg|g|lbs?|k|m|km|mph|hrs?|yrs?|mins?|s|x|p|cm|mm|bpm|kcal|gb|mb)",
    re.IGNORECASE)
_MIN_DIGITS = 3
_COLLAR = re.compile(
    r"(?i:\b(?:pc|dc|ds|sgt|ps|officer|collar(?:\s+number|\s+no\.?)?|badge(?:\s+number)?)"
    r"\s*#?\s*)(\d{3,6})\b")
_HOUSE = re.compile(
    r"(?i:\b(?:at|from|in|to|of|opposite|next\s+door\s+to)\s+(?:number|no\.?)\s*)"
    r"(\d{1,4}[A-Za-z]?)\b")
_SSN_PART = re.compile(
    r"(?i:\b(?:ssn|social(?:\s+security)?)(?:\s+(?:number|no\.?|digits|ends?(?:\s+in)?|is|was|"
    r"of))*[\s:#,]*)(\d{4})\b(?!-)")


_LETTER_DIGIT = re.compile(r"[A-Za-z]\d|\d[A-Za-z]")


def _mixed(text: str, lo: int, hi: int) -> list[Span]:
    spans: list[Span] = []
    if not _LETTER_DIGIT.search(text, lo, hi):
        return spans
    for m in _MIXED.finditer(text, lo, hi):
        token = m.group()
        if sum(c.isdigit() for c in token) >= _MIN_DIGITS and not _UNITS.fullmatch(token):
            spans.append(Span("ID", m.start(), m.end()))
    return spans


_CUED = ((_COLLAR, "ID", frozenset({"pc", "dc", "ds", "sgt", "ps", "officer", "collar",
                                     "badge"})),
         (_HOUSE, "PLACE", frozenset({"number", "no"})),
         (_SSN_PART, "ID", frozenset({"ssn", "social"})))


def find_references(text: str, low: str, near: list[Cluster], words: set[str]) -> list[Span]:
    """Lettered references near every digit cluster; bare numbers only where the text
    holds their cue word (`words` are its lower-case words)."""
    spans: list[Span] = []
    cued = [(rx, kind) for rx, kind, cues in _CUED if not cues.isdisjoint(words)]
    done = -1
    for c in near:
        if c.hi <= done:
            continue
        lo, hi = max(c.lo - 24, 0), c.hi
        if c.digits >= _MIN_DIGITS - 1:
            spans.extend(_mixed(text, c.lo, c.hi))
        for rx, kind in cued:
            spans.extend(Span(kind, m.start(1), m.end(1)) for m in rx.finditer(text, lo, hi))
        done = hi
    return spans
