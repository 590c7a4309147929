"""The Anonymiser: runs every recogniser, resolves overlaps, and writes placeholders."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable

from storage.anonymiser.dates import find_dates
from storage.anonymiser.lexicon import fold, lexicon
from storage.anonymiser.model import Finding, Redaction, Span
from storage.anonymiser.names import TITLES, find_names
from storage.anonymiser.patterns import find_patterns
from storage.anonymiser.phones import find_phones
from storage.anonymiser.placeholders import Numberer
from storage.anonymiser.resolve import resolve
from storage.anonymiser.tokens import tokenise

_STATUTE = re.compile(
    r"\b(?:[A-Z][\w'’]*\s+){1,6}Act(?:\s+(?:19|20)\d{2})?(?:\s+(?:s\.?\s?|section\s+)\d+\w*)?"
)


def _protected(text: str) -> list[tuple[int, int]]:
    """Statute names ("Children Act 1989 s.47"): nothing inside them is an identifier."""
    return [(m.start(), m.end()) for m in _STATUTE.finditer(text)]


def _extra(text: str, terms: Iterable[str], names: set[str]) -> list[Span]:
    spans: list[Span] = []
    for term in {t.strip() for t in terms if t and t.strip()}:
        words = tuple(fold(w) for w in term.split())
        known = set(words) <= names
        rx = re.compile(r"(?<!\w)" + re.escape(term) + r"(?!\w)", re.IGNORECASE)
        kind = "PERSON" if known else "REMOVED"
        spans.extend(Span(kind, m.start(), m.end(), words) for m in rx.finditer(text))
    return spans


def candidates(text: str, known: set[str]) -> list[Span]:
    """Resolved identifier spans in `text`, given name words already seen in this reflection."""
    spans = find_patterns(text)
    spans.extend(find_dates(text))
    spans.extend(find_phones(text))
    spans.extend(find_names(text, tokenise(text), lexicon(), known))
    return spans


class Anonymiser:
    """Numbering is stable across every call on one instance (one reflection):
    the same person is [PERSON 1] in every answer."""

    def __init__(self) -> None:
        self._numberer = Numberer()
        self._names: set[str] = set()
        self._lock = threading.Lock()

    def redact(self, text: str, extra_terms: Iterable[str] = ()) -> Redaction:
        """Replace identifiers (and any `extra_terms`, case-insensitively) with placeholders."""
        with self._lock:
            spans = candidates(text, self._names)
            spans.extend(_extra(text, extra_terms, self._names))
            kept = resolve(spans, _protected(text))
            pieces: list[str] = []
            found: list[Finding] = []
            cursor = 0
            for span in kept:
                surface = text[span.start:span.end]
                label = self._numberer.placeholder(span, surface)
                pieces.extend((text[cursor:span.start], label))
                found.append(Finding(span.kind, span.start, span.end, label))
                cursor = span.end
                if span.kind == "PERSON":
                    self._names.update(k for k in span.key if len(k) > 1 and k not in TITLES)
            pieces.append(text[cursor:])
            return Redaction("".join(pieces), tuple(found))


def anonymise(text: str) -> Redaction:
    """Redact one text with fresh numbering."""
    return Anonymiser().redact(text)


def detect(text: str) -> tuple[Finding, ...]:
    """What identifiers `text` seems to hold, for a live warning; nothing is remembered."""
    return anonymise(text).found
