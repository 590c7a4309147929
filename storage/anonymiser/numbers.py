"""Number-shaped identifiers: NHS, NI and social security numbers, codes, postcodes,
vehicle registrations, and references, plates and ZIP codes that need a cue word.

Shapes are searched only in tight windows around digits; cued patterns are tried only
where their cue word actually is (found with one case-sensitive scan of the lower-cased
text, which sre can skip through quickly).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from storage.anonymiser.model import Span
from storage.anonymiser.patterns import (
    CODE,
    LONG_DIGITS,
    NHS,
    NINO,
    PLATE_CTX,
    POSTCODE,
    REF_CTX,
    SSN,
    SSN_CTX,
    VEHICLE_UK,
    ZIP,
    nhs_number_is_valid,
)
from storage.anonymiser.windows import Cluster, Window

# (pattern, kind, fewest digits, most digits in the cluster it can hold, needs a letter
# just before the cluster ("LE2 7HQ", "KX19 LBN"), group)
_SHAPED: tuple[tuple[re.Pattern[str], str, int, int, bool, int], ...] = (
    (NINO, "ID", 6, 99, False, 0), (CODE, "ID", 3, 99, False, 0),
    (LONG_DIGITS, "ID", 8, 99, False, 0), (POSTCODE, "POSTCODE", 1, 4, True, 0),
    (VEHICLE_UK, "VEHICLE", 2, 4, True, 0), (ZIP, "POSTCODE", 5, 99, False, 1),
    (SSN, "ID", 9, 99, False, 0),
)
_CUED: tuple[tuple[re.Pattern[str], re.Pattern[str], str], ...] = (
    (re.compile(r"(?:ssn|social security)"), SSN_CTX, "ID"),
    (re.compile(r"(?:case|crime|incident|claim|file|account|referral|reference|ref|patient|"
                r"client|hospital|nhs|member|student|policy|passport|licen|driving|ticket|"
                r"docket|mrn|crn|urn|id)"), REF_CTX, "ID"),
    (re.compile(r"(?:number plate|license plate|licence plate|plate|tag|reg)"), PLATE_CTX,
     "VEHICLE"),
)
_MIN_REF_DIGITS = 3
_NHS_DIGITS = 10
_REACH = 40


def _nhs(text: str, window: Window) -> Iterator[Span]:
    for m in NHS.finditer(text, *window):
        digits = re.sub(r"\D", "", m.group())
        if nhs_number_is_valid(digits):
            yield Span("ID", m.start(), m.end())


def _accept(kind: str, body: str) -> bool:
    if kind == "ID" and sum(c.isdigit() for c in body) < _MIN_REF_DIGITS:
        return False
    return kind != "VEHICLE" or any(c.isalpha() for c in body) or len(body) >= 5


def _lookbacks(near: list[Cluster]) -> list[Window]:
    """Merged ranges just before each digit cluster, where a cue word would have to start."""
    ranges: list[Window] = []
    for c in near:
        lo = max(0, c.start - _REACH)
        if ranges and lo <= ranges[-1][1]:
            ranges[-1] = (ranges[-1][0], c.start)
        else:
            ranges.append((lo, c.start))
    return ranges


def _cued(text: str, low: str, near: list[Cluster], wide: list[Window]) -> Iterator[Span]:
    """Cued patterns, tried only at cue words a little before a digit cluster."""
    ranges = _lookbacks(near)
    for cue, rx, kind in _CUED:
        for lo, hi in ranges:
            for hit in cue.finditer(low, lo, hi):
                i = hit.start()
                if i and low[i - 1].isalnum():
                    continue
                end = next((w[1] for w in wide if w[0] <= i < w[1]), len(text))
                m = rx.match(text, i, end)
                if m and _accept(kind, m.group(1)):
                    yield Span(kind, m.start(1), m.end(1))


def find_numbers(text: str, low: str, near: list[Cluster], wide: list[Window]) -> list[Span]:
    """Number-shaped identifiers; `near` are digit clusters, `wide` windows around them.

    Each shape is tried only around clusters with a digit count it could hold."""
    spans: list[Span] = []
    for c in near:
        window = (c.lo, c.hi)
        if c.digits >= _NHS_DIGITS:
            spans.extend(_nhs(text, window))
        lettered = c.start > 0 and text[c.start - 1].isalpha()
        for rx, kind, fewest, most, after_letter, group in _SHAPED:
            if fewest <= c.digits <= most and (lettered or not after_letter):
                spans += [Span(kind, m.start(group), m.end(group))
                          for m in rx.finditer(text, c.lo, c.hi)]
    if wide:
        spans.extend(_cued(text, low, near, wide))
    return spans
