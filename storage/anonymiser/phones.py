"""Phone numbers: a cheap shape test first, then `phonenumbers` for UK, US and international.

PhoneNumberMatcher costs about a millisecond on a whole digit-heavy answer, so it runs
only on the short chunks shaped like phone numbers that the UK and North American
regexes (which also cover the fictional 07700 900xxx and 555-01xx ranges its validity
data rejects) have not already matched whole.
"""

from __future__ import annotations

import re

import phonenumbers

from storage.anonymiser.model import Span
from storage.anonymiser.windows import Cluster, Window

_REGIONS = ("GB", "US")
_CHUNK = re.compile(r"(?<![\w/.\-])(?:\+|\()?\d[\d \t().\-]{6,}\d(?![\w/])")
_UK = re.compile(
    r"(?<![\d\-/])(?:\+44\s?\(?0?\)?\s?|0)\d{2,4}[\s\-]?\d{3}[\s\-]?\d{3,4}(?![\d\-/])")
_NANP = re.compile(
    r"(?<![\d\-/])(?:\+?1[\s.\-]?)?\(?\d{3}\)?[\s.\-]?\d{3}[\s.\-]\d{4}(?![\d\-/])")
_MIN_DIGITS = 9


def _matches(chunk: str, offset: int) -> list[Span]:
    for region in _REGIONS:
        found = [
            Span("PHONE", offset + m.start, offset + m.end)
            for m in phonenumbers.PhoneNumberMatcher(
                chunk, region, leniency=phonenumbers.Leniency.POSSIBLE)
            if sum(c.isdigit() for c in m.raw_string) >= _MIN_DIGITS
        ]
        if found:
            return found
    return []


def find_phones(text: str, near: list[Cluster]) -> list[Span]:
    """Phone numbers in `text` (only around clusters of nine or more digits); dates and
    references are left to their own recognisers."""
    spans: list[Span] = []
    done = -1
    for c in near:
        if c.digits >= _MIN_DIGITS and c.hi > done:
            spans.extend(_in_window(text, (c.lo, c.hi)))
            done = c.hi
    return spans


def _in_window(text: str, window: Window) -> list[Span]:
    spans: list[Span] = []
    for m in _CHUNK.finditer(text, *window):
        chunk = m.group()
        if sum(c.isdigit() for c in chunk) < _MIN_DIGITS:
            continue
        shaped = [Span("PHONE", m.start() + p.start(), m.start() + p.end())
                  for rx in (_UK, _NANP) for p in rx.finditer(chunk)]
        spans.extend(shaped)
        first = m.start() + next(i for i, ch in enumerate(chunk) if ch.isdigit())
        last = m.start() + max(i for i, ch in enumerate(chunk) if ch.isdigit())
        if not any(p.start <= first and last < p.end for p in shaped):
            spans.extend(_matches(chunk, m.start()))
    return spans
