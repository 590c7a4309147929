"""The Anonymiser: runs every recogniser, resolves overlaps, and writes placeholders.

Text (and every extra term) is first put in the normal form of `storage.text.normalise`,
so invisible characters cannot hide a name; a `Finding`'s offsets, and the redacted
text, refer to that normalised text (the same as the input when it is plain ASCII).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable

from storage.anonymiser.aliases import find_aliases
from storage.anonymiser.cues import lowercase_names, name_words, repeated_names
from storage.anonymiser.dates import find_dates
from storage.anonymiser.lexicon import ascii_shape, fold, fold_text, lexicon, lower_text
from storage.anonymiser.lowerplaces import lower_streets
from storage.anonymiser.model import Finding, Redaction, Span
from storage.anonymiser.names import TITLES, find_names
from storage.anonymiser.numbers import find_numbers
from storage.anonymiser.patterns import find_patterns
from storage.anonymiser.phones import find_phones
from storage.anonymiser.phonetyped import phone_typed
from storage.anonymiser.placeholders import Numberer
from storage.anonymiser.references import find_references
from storage.anonymiser.resolve import resolve
from storage.anonymiser.tokens import capitalised, forget_context
from storage.anonymiser.windows import clusters, digit_windows
from storage.text import normalise

_LOWER_WORD = re.compile(r"[a-z]+")
# Bytes that are not a-z become spaces: one C-level translate and split find the words.
_NOT_LOWER = bytes(b if 97 <= b <= 122 else 32 for b in range(256))
_KEEP_PHRASES = re.compile(
    r"(?:new year'?s? (?:eve|day)|christmas (?:eve|day)|boxing day|(?:mother|father|valentine)"
    r"'?s day|bank holiday|early help|(?:children|adult)'?s? (?:social )?(?:services|care)"
    r"|social services|crisis team|home office|the met\b)")
_PHRASE_ENDS = frozenset({"eve", "day", "holiday", "help", "services", "care", "team",
                          "office", "met"})
_STATUTE = re.compile(
    r"\b(?:[A-Z][\w'’]*\s+){1,6}Act(?:\s+(?:19|20)\d{2})?(?:\s+(?:s\.?\s?|section\s+)\d+\w*)?"
)


def _lower_words(lower: str) -> set[str]:
    """The runs of a-z in `lower` (what `_LOWER_WORD.findall` gives, faster for ASCII)."""
    if lower.isascii():
        return set(lower.encode("ascii").translate(_NOT_LOWER).decode("ascii").split())
    return set(_LOWER_WORD.findall(lower))


def _services(low: str, words: set[str], services: dict[str, tuple[str, ...]]
              ) -> list[tuple[int, int]]:
    """National services and benefits named in passing ("Universal Credit")."""
    found = []
    for first in words.intersection(services):
        for phrase in services[first]:
            i = low.find(phrase)
            while i >= 0:
                end = i + len(phrase)
                if (i == 0 or not low[i - 1].isalnum()) and not low[end:end + 1].isalnum():
                    found.append((i, end))
                i = low.find(phrase, end)
    return found


def _protected(text: str, low: str, words: set[str],
               services: dict[str, tuple[str, ...]]) -> list[tuple[int, int]]:
    """Statute names ("Children Act 1989 s.47"), everyday phrases ("New Year's Eve",
    "Early Help") and national services: nothing inside them is an identifier."""
    found = _services(low, words, services)
    if not _PHRASE_ENDS.isdisjoint(words):
        found.extend((m.start(), m.end()) for m in _KEEP_PHRASES.finditer(low))
    if "Act" in text:
        found.extend((m.start(), m.end()) for m in _STATUTE.finditer(text))
    return found


def _extra(text: str, terms: Iterable[str], names: set[str]) -> list[Span]:
    spans: list[Span] = []
    for term in {normalise(t).strip() for t in terms if t and t.strip()} - {""}:
        words = tuple(fold(w) for w in term.split())
        known = set(words) <= names
        rx = re.compile(r"(?<!\w)" + re.escape(term) + r"(?!\w)", re.IGNORECASE)
        kind = "PERSON" if known else "REMOVED"
        spans.extend(Span(kind, m.start(), m.end(), words) for m in rx.finditer(text))
    return spans


def candidates(text: str, known: set[str]) -> tuple[list[Span], list[tuple[int, int]]]:
    """Candidate identifier spans in `text` (given name words already seen in this
    reflection), and the protected ranges no identifier may lie inside."""
    lex = lexicon()
    forget_context()
    low = fold_text(text)
    near = clusters(text)
    wide = digit_windows(text, near)
    lower = low if low is not None else lower_text(text)
    words = _lower_words(lower)
    spans = find_patterns(text, lower, wide)
    if wide:
        spans.extend(find_numbers(text, lower, near, wide))
        spans.extend(find_dates(text, lower, words, near, wide))
        spans.extend(find_phones(text, near))
        spans.extend(find_references(text, lower, near, words))
    shape = ascii_shape(text)
    spans.extend(find_names(shape, capitalised(shape), lex, known))
    spans.extend(lowercase_names(text, low, words, lex))
    spans.extend(phone_typed(text, low, lex))
    spans.extend(lower_streets(text, low, words))
    spans.extend(find_aliases(text, lower))
    spans.extend(repeated_names(text, low, words, lex, known | name_words(spans), spans))
    return spans, _protected(text, lower, words, lex.services)


class Anonymiser:
    """Numbering is stable across every call on one instance (one reflection):
    the same person is [PERSON 1] in every answer."""

    def __init__(self) -> None:
        self._numberer = Numberer()
        self._names: set[str] = set()
        self._lock = threading.Lock()

    def redact(self, text: str, extra_terms: Iterable[str] = (),
               kept_terms: Iterable[str] = ()) -> Redaction:
        """Replace identifiers (and any `extra_terms`, case-insensitively) with placeholders.

        A finding whose text is one of `kept_terms` (case-insensitively) stays in: the
        practitioner has said it was not an identifier ("Reading between the lines").
        Offsets in the result refer to `normalise(text)`, which is what the redaction
        is made from."""
        text = normalise(text)
        keep = {normalise(t).strip().casefold() for t in kept_terms}
        with self._lock:
            spans, protected = candidates(text, self._names)
            spans.extend(_extra(text, extra_terms, self._names))
            kept = resolve(spans, protected)
            if keep:
                kept = [s for s in kept if text[s.start:s.end].casefold() not in keep]
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
    """Redact one text with fresh numbering (offsets refer to `normalise(text)`)."""
    return Anonymiser().redact(text)


def detect(text: str) -> tuple[Finding, ...]:
    """What identifiers `text` seems to hold, for a live warning; nothing is remembered."""
    return anonymise(text).found
