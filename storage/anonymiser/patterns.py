"""Deterministic recognisers for identifiers that have a shape: emails, numbers, codes.

Each recogniser is a precompiled regex plus, where a shape alone is ambiguous, a
check (NHS mod-11) or a required context word (ZIP codes, US plates, references).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from storage.anonymiser.model import Span
from storage.anonymiser.windows import Window, chunk_around

_EMAIL = re.compile(r"[\w.+'\-]+@[\w\-]+(?:\.[\w\-]+)+")
_TLD = (r"(?:com|org|net|co\.uk|org\.uk|gov\.uk|ac\.uk|nhs\.uk|uk|io|ly|me|gov|edu|info|biz|"
        r"tv|app|us|ca|ie|au)")
_URL_HINT = re.compile(r"(?:://|www\.|\." + _TLD + r"\b)")
_URL = re.compile(
    r"\b(?:https?://|www\.)[^\s<>\"']+|\b[a-z0-9][\w\-]*(?:\.[\w\-]+)*\." + _TLD
    + r"\b(?:/[^\s<>\"']*)?",
    re.IGNORECASE,
)
_HANDLE = re.compile(
    r"(?<![\w@.])@[A-Za-z0-9_](?:[A-Za-z0-9_.]{0,28}[A-Za-z0-9_])?|\bu/[A-Za-z0-9_\-]{3,}"
)
# Look-behinds sit after the first character so that sre can skip to candidates fast.
NHS = re.compile(r"\d(?<![\d\-/]\d)\d\d[ \-]?\d{3}[ \-]?\d{4}(?![\d\-/])")
NINO = re.compile(
    r"[A-Za-z](?<!\w.)[A-Za-z](?<!(?i:BG|GB|NK|KN|TN|NT|ZZ)) ?\d{2} ?\d{2} ?\d{2} ?[A-Da-d]\b"
)
SSN = re.compile(r"\d(?<!\w\d)\d\d(?<!000)(?<!666)(?<!9\d\d)-(?!00)\d{2}-(?!0000)\d{4}\b")
SSN_CTX = re.compile(
    r"(?i:\bSSN|social security(?: number| no\.?)?)\W{0,4}(?:is\s+)?(\d{9})\b")
POSTCODE = re.compile(
    r"[A-Za-z](?<!\w.)(?:(?<=[A-Z])[A-Z]?\d[A-Z\d]? ?\d[ABD-HJLNP-UW-Z]{2}\b"
    r"|(?<=[a-z])[a-z]?\d[a-z\d]? \d[a-z]{2}\b)"
)
_STATES = (
    "AL|AK|AZ|AR|CA|CO|CT|DE|DC|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|"
    "NH|NJ|NM|NY|NC|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY"
)
ZIP = re.compile(
    r"(?:\b(?:" + _STATES + r")\.?,?\s+|(?i:\bzip(?:\s*code)?|postal code)\W{0,3}(?:(?i:is)\s+)?)"
    r"(\d{5}(?:-\d{4})?)\b"
)
VEHICLE_UK = re.compile(r"[A-Z](?<!\w.)[A-Z]\d{2} ?[A-Z]{3}\b")
PLATE_CTX = re.compile(
    r"(?i:\b(?:number plate|license plate|licence plate|plate|tags?|reg(?:istration)?))"
    r"(?:\s+(?i:number|no\.?|is|was))*\s*[:#,\-–]?\s*"
    r"((?=[A-Za-z0-9 \-]*\d)[A-Za-z0-9]"
    r"(?:[A-Za-z0-9\-]|(?<=[A-Za-z0-9]) (?=[A-Za-z0-9]{3}\b)){1,8})"
)
REF_CTX = re.compile(
    r"(?i:\b(?:case|crime|incident|claim|file|account|referral|reference|ref|patient|client|"

    r"hospital|nhs|member|student|policy|passport|licen[cs]e|driving licen[cs]e|ticket|docket)"
    r"(?:\s+(?:ref(?:erence)?|no\.?|number|id|#))*|\bMRN|\bCRN|\bURN|\bID)"
    r"(?:\s+(?i:is|was|MRN))?[\s:#.,]*"
    r"((?=[\w/\-]*\d)[A-Za-z0-9][\w/\-]*[A-Za-z0-9])"
)
CODE = re.compile(
    r"[A-Z0-9](?<!\w.)(?:(?<=[A-Z])[A-Z]{0,3}(?:-|/)\d{3,}(?:/\d+)*\b|(?<=\d)\d{3}/\d{3,}\b)")
LONG_DIGITS = re.compile(r"\d(?<![\d\-/.]\d)\d{7,}(?![\d\-/])")
_STREET_SUFFIX = (
    r"(?:Street|Road|Lane|Avenue|Close|Drive|Crescent|Grove|Terrace|Gardens|Boulevard|Mews|"
    r"Place|Way|Court|Square|Parade|Walk|Row|Hill|Rise|View|Green|Park|Wharf|Yard|Approach|"
    r"St|Rd|Ave|Dr|Ln|Blvd|Cres|Ct|Pl|Sq|Tce)"
)
NUMBERED_STREET = re.compile(
    r"\b(?:(?:Flat|Apt\.?|Apartment|Unit|Suite)\s*\d+[A-Za-z]?,?\s+)?\d{1,5}[A-Za-z]?,?\s+"
    r"(?:[A-Z][\w'’\-]*\s+){1,3}" + _STREET_SUFFIX + r"\b\.?"
)
_STREET_HINT = re.compile(_STREET_SUFFIX + r"\b")
_NAMED_STREET = re.compile(
    r"\b(?:[A-Z][\w'’\-]*\s+){1,2}"
    r"(?:Street|Road|Lane|Avenue|Close|Crescent|Grove|Terrace|Gardens|Boulevard|Mews|Drive)\b"
)


def nhs_number_is_valid(digits: str) -> bool:
    """Check the NHS number mod-11 check digit (10 digits, weights 10..2)."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def simple(rx: re.Pattern[str], kind: str, text: str, window: Window | None = None,
           group: int = 0) -> Iterator[Span]:
    """A span of `kind` for every match of `rx` (in `window` if given)."""
    lo, hi = window or (0, len(text))
    for m in rx.finditer(text, lo, hi):
        yield Span(kind, m.start(group), m.end(group))


def _urls(text: str, low: str) -> Iterator[Span]:
    """URLs, searched only in the chunks that hold a "www.", "://" or a ".tld"."""
    done = -1
    for hint in _URL_HINT.finditer(low):
        if hint.start() < done:
            continue
        lo, done = chunk_around(text, hint.start())
        for m in _URL.finditer(text, lo, done):
            end = m.end()
            while end > m.start() and text[end - 1] in ".,;:!?)]'\"":
                end -= 1
            yield Span("URL", m.start(), end)


def _streets(text: str, windows: list[Window]) -> Iterator[Span]:
    """Street names: only where a street word ("Road", "Close") appears."""
    hints = [m.end() for m in _STREET_HINT.finditer(text)]
    if not hints:
        return
    for end in hints:
        yield from simple(_NAMED_STREET, "ADDRESS", text, (max(0, end - 80), end))
    for window in windows:
        if any(window[0] < h <= window[1] for h in hints):
            yield from simple(NUMBERED_STREET, "ADDRESS", text, window)


def find_patterns(text: str, low: str, windows: list[Window]) -> list[Span]:
    """Emails, handles, web addresses and street names (number-shaped ones are in numbers)."""
    spans: list[Span] = []
    if "@" in text:
        spans.extend(simple(_EMAIL, "EMAIL", text))
    if "@" in text or "u/" in text:
        spans.extend(simple(_HANDLE, "HANDLE", text))
    if "." in text or ":" in text:
        spans.extend(_urls(text, low))
    spans.extend(_streets(text, windows))
    return spans
