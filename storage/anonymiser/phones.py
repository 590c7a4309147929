"""Phone numbers: a cheap shape test first, then `phonenumbers` for UK, US and international.

PhoneNumberMatcher costs about a millisecond on a whole digit-heavy answer, so it runs
only on the short chunks shaped like phone numbers, and regexes back it up for the
fictional ranges (07700 900xxx, 555-01xx) that its validity data rejects.
"""

from __future__ import annotations

import re

import phonenumbers

from storage.anonymiser.model import Span

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


def find_phones(text: str) -> list[Span]:
    """Phone numbers in `text`; dates and references are left to their own recognisers."""
    spans: list[Span] = []
    for m in _CHUNK.finditer(text):
        chunk = m.group()
        if sum(c.isdigit() for c in chunk) < _MIN_DIGITS:
            continue
        spans.extend(_matches(chunk, m.start()))
        for rx in (_UK, _NANP):
            spans.extend(Span("PHONE", m.start() + p.start(), m.start() + p.end())
                         for p in rx.finditer(chunk))
    return spans
