"""Deterministic recognisers for identifiers that have a shape: emails, numbers, codes.

Each recogniser is a precompiled regex plus, where a shape alone is ambiguous, a
check (NHS mod-11) or a required context word (ZIP codes, US plates, references).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from storage.anonymiser.model import Span

_DIGIT = re.compile(r"\d")
_DOTTED = re.compile(r"\w[.:]\w")
_EMAIL = re.compile(r"[\w.+'\-]+@[\w\-]+(?:\.[\w\-]+)+")
_TLD = (r"(?:com|org|net|co\.uk|org\.uk|gov\.uk|ac\.uk|nhs\.uk|uk|io|ly|me|gov|edu|info|biz|"
        r"tv|app|us|ca|ie|au)")
_URL = re.compile(
    r"\b(?:https?://|www\.)[^\s<>\"']+|\b[a-z0-9][\w\-]*(?:\.[\w\-]+)*\." + _TLD
    + r"\b(?:/[^\s<>\"']*)?",
    re.IGNORECASE,
)
_HANDLE = re.compile(
    r"(?<![\w@.])@[A-Za-z0-9_](?:[A-Za-z0-9_.]{0,28}[A-Za-z0-9_])?|\bu/[A-Za-z0-9_\-]{3,}"
)
_NHS = re.compile(r"(?<![\d\-/])\d{3}[ \-]?\d{3}[ \-]?\d{4}(?![\d\-/])")
_NINO = re.compile(
    r"\b(?!BG|GB|NK|KN|TN|NT|ZZ)[A-Z]{2} ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b", re.IGNORECASE
)
_SSN = re.compile(r"\b(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}\b")
_SSN_CTX = re.compile(
    r"(?i:\bSSN|social security(?: number| no\.?)?)\W{0,4}(?:is\s+)?(\d{9})\b")
_POSTCODE = re.compile(
    r"\b(?:[A-Z]{1,2}\d[A-Z\d]?) ?\d[ABD-HJLNP-UW-Z]{2}\b|\b[a-z]{1,2}\d[a-z\d]? \d[a-z]{2}\b"
)
_STATES = (
    "AL|AK|AZ|AR|CA|CO|CT|DE|DC|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|"
    "NH|NJ|NM|NY|NC|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY"
)
_ZIP = re.compile(
    r"(?:\b(?:" + _STATES + r")\.?,?\s+|(?i:\bzip(?:\s*code)?|postal code)\W{0,3}(?:(?i:is)\s+)?)"
    r"(\d{5}(?:-\d{4})?)\b"
)
_VEHICLE_UK = re.compile(r"\b[A-Z]{2}\d{2} ?[A-Z]{3}\b")
_PLATE_CTX = re.compile(
    r"(?i:\b(?:number plate|license plate|licence plate|plate|tags?|reg(?:istration)?))"
    r"(?:\s+(?i:number|no\.?|is|was))*\s*[:#,\-–]?\s*"
    r"((?=[A-Za-z0-9 \-]*\d)[A-Za-z0-9]"
    r"(?:[A-Za-z0-9\-]|(?<=[A-Za-z0-9]) (?=[A-Za-z0-9]{3}\b)){1,8})"
)
_REF_CTX = re.compile(
    r"(?i:\b(?:case|crime|incident|claim|file|account|referral|reference|ref|patient|client|"

    r"hospital|nhs|member|student|policy|passport|licen[cs]e|driving licen[cs]e|ticket|docket)"
    r"(?:\s+(?:ref(?:erence)?|no\.?|number|id|#))*|\bMRN|\bCRN|\bURN|\bID)"
    r"(?:\s+(?i:is|was|MRN))?[\s:#.,]*"
    r"((?=[\w/\-]*\d)[A-Za-z0-9][\w/\-]*[A-Za-z0-9])"
)
_CODE = re.compile(r"\b[A-Z]{1,4}(?:-|/)\d{3,}(?:/\d+)*\b|\b\d{4}/\d{3,}\b")
_LONG_DIGITS = re.compile(r"(?<![\d\-/.])\d{8,}(?![\d\-/])")
_STREET_SUFFIX = (
    r"(?:Street|Road|Lane|Avenue|Close|Drive|Crescent|Grove|Terrace|Gardens|Boulevard|Mews|"
    r"Place|Way|Court|Square|Parade|Walk|Row|Hill|Rise|View|Green|Park|Wharf|Yard|Approach|"
    r"St|Rd|Ave|Dr|Ln|Blvd|Cres|Ct|Pl|Sq|Tce)"
)
_NUMBERED_STREET = re.compile(
    r"\b(?:(?:Flat|Apt\.?|Apartment|Unit|Suite)\s*\d+[A-Za-z]?,?\s+)?\d{1,5}[A-Za-z]?,?\s+"
    r"(?:[A-Z][\w'’\-]*\s+){1,3}" + _STREET_SUFFIX + r"\b\.?"
)
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


def _simple(rx: re.Pattern[str], kind: str, text: str, group: int = 0) -> Iterator[Span]:
    for m in rx.finditer(text):
        yield Span(kind, m.start(group), m.end(group))


def _urls(text: str) -> Iterator[Span]:
    for m in _URL.finditer(text):
        end = m.end()
        while end > m.start() and text[end - 1] in ".,;:!?)]'\"":
            end -= 1
        yield Span("URL", m.start(), end)


def _nhs(text: str) -> Iterator[Span]:
    for m in _NHS.finditer(text):
        digits = re.sub(r"\D", "", m.group())
        if nhs_number_is_valid(digits):
            yield Span("ID", m.start(), m.end())


_MIN_REF_DIGITS = 3


def _contextual(rx: re.Pattern[str], kind: str, text: str) -> Iterator[Span]:
    for m in rx.finditer(text):
        body = m.group(1)
        digits = sum(c.isdigit() for c in body)
        if kind == "ID" and digits < _MIN_REF_DIGITS:
            continue
        if kind != "VEHICLE" or any(c.isalpha() for c in body) or len(body) >= 5:
            yield Span(kind, m.start(1), m.end(1))


def _streets(text: str) -> Iterator[Span]:
    yield from _simple(_NUMBERED_STREET, "ADDRESS", text)
    yield from _simple(_NAMED_STREET, "ADDRESS", text)


_CONTEXTUAL: tuple[tuple[tuple[str, ...], re.Pattern[str], str], ...] = (
    (("ssn", "social security"), _SSN_CTX, "ID"),
    (("case", "crime", "incident", "claim", "file", "account", "ref", "patient", "client",
      "hospital", "nhs", "member", "student", "policy", "passport", "licen", "ticket",
      "docket", "mrn", "crn", "urn", "id"), _REF_CTX, "ID"),
    (("plate", "tag", "reg"), _PLATE_CTX, "VEHICLE"),
    (("zip", "postal", " "), _ZIP, "POSTCODE"),
)


def find_patterns(text: str) -> list[Span]:
    """Every shaped identifier in `text` (overlaps are resolved later)."""
    spans: list[Span] = []
    if "@" in text:
        spans.extend(_simple(_EMAIL, "EMAIL", text))
    if "@" in text or "/" in text:
        spans.extend(_simple(_HANDLE, "HANDLE", text))
    if _DOTTED.search(text):
        spans.extend(_urls(text))
    spans.extend(_streets(text))
    if not _DIGIT.search(text):
        return spans
    low = text.lower()
    spans.extend(_nhs(text))
    spans.extend(_simple(_NINO, "ID", text))
    spans.extend(_simple(_CODE, "ID", text))
    spans.extend(_simple(_LONG_DIGITS, "ID", text))
    spans.extend(_simple(_POSTCODE, "POSTCODE", text))
    spans.extend(_simple(_VEHICLE_UK, "VEHICLE", text))
    if "-" in text:
        spans.extend(_simple(_SSN, "ID", text))
    for cues, rx, kind in _CONTEXTUAL:
        if any(cue in low for cue in cues):
            spans.extend(_contextual(rx, kind, text))
    return spans
