"""Values that cross the anonymiser's boundary, and the internal candidate span."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

KIND_NAMES: dict[str, str] = {
    "PERSON": "a name",
    "PLACE": "a place name",
    "ORG": "the name of a school, employer or service",
    "DATE": "a date",
    "PHONE": "a phone number",
    "EMAIL": "an email address",
    "ID": "an identifying number",
    "ADDRESS": "an address",
    "POSTCODE": "a postcode",
    "URL": "a web address",
    "HANDLE": "a social media handle",
    "VEHICLE": "a vehicle registration",
    "REMOVED": "a word you asked to remove",
}

NUMBERED_KINDS = frozenset({"PERSON", "PLACE", "ORG"})

# Higher wins when two candidates cover the same length of text.
PRIORITY: dict[str, int] = {
    "EMAIL": 90, "URL": 85, "HANDLE": 80, "REMOVED": 78, "ID": 75, "POSTCODE": 70,
    "VEHICLE": 65, "DATE": 60, "PHONE": 55, "ADDRESS": 50, "ORG": 40, "PLACE": 30,
    "PERSON": 20,
}


@dataclass(frozen=True)
class Finding:
    """One identifier: its kind, where it sits in the original text, and its stand-in."""

    kind: str
    start: int
    end: int
    placeholder: str


@dataclass(frozen=True)
class Redaction:
    """The redacted text and what was taken out of it."""

    text: str
    found: tuple[Finding, ...]


class Span(NamedTuple):
    """A candidate identifier before overlaps are resolved and numbers assigned.

    `key` names the entity (e.g. a person's name tokens) so repeats share a number. A
    tuple rather than a dataclass: dozens are made per answer, and tuples are cheap.
    """

    kind: str
    start: int
    end: int
    key: tuple[str, ...] = ()

    @property
    def length(self) -> int:
        """Characters covered."""
        return self.end - self.start
