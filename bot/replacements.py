"""The replacements a practitioner can undo in review ("Put words back").

Each placeholder in the anonymised summary is listed once (a numbered one such as
"[PLACE 2]" once for all its mentions; an unnumbered "[DATE]" once per different date),
labelled by the words that follow it in the summary, so the practitioner can recognise
"[PLACE 2] between the lines" without the original words being shown on a button. The
original words come from the raw answers, which are still in memory during review.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from storage.anonymiser import Anonymiser
from storage.text import normalise

_LABEL_WORDS = 3
_LABEL_CHARS = 40
_WORDS = re.compile(r"\S+")


@dataclass(frozen=True)
class Replacement:
    """One placeholder the practitioner may put back, and the words it replaced."""

    label: str
    placeholder: str
    originals: tuple[str, ...]


def _context(redacted: str, start: int, end: int) -> str:
    """The placeholder at [start, end) with a few words after it (or before, at the end)."""
    after = _WORDS.findall(redacted, end)[:_LABEL_WORDS]
    if any(c.isalnum() for c in "".join(after)):
        label = redacted[start:end] + " " + " ".join(after)
    else:
        before = _WORDS.findall(redacted, 0, start)[-_LABEL_WORDS:]
        label = " ".join([*before, redacted[start:end]])
    return label if len(label) <= _LABEL_CHARS else label[:_LABEL_CHARS - 1].rstrip() + "…"


def replacements(texts: Iterable[str], extra_terms: Iterable[str] = (),
                 kept_terms: Iterable[str] = ()) -> list[Replacement]:
    """The placeholders in `texts` redacted as one reflection (the same numbering as the
    summary), in order of first appearance."""
    redactor = Anonymiser()
    extra, kept = list(extra_terms), list(kept_terms)
    groups: dict[object, tuple[str, str, list[str]]] = {}
    for text in texts:
        plain = normalise(text)
        redaction = redactor.redact(text, extra, kept)
        shift = 0
        for found in redaction.found:
            surface = plain[found.start:found.end]
            at = found.start + shift
            shift += len(found.placeholder) - (found.end - found.start)
            numbered = found.placeholder[-2:-1].isdigit()
            key = found.placeholder if numbered else (found.placeholder, surface.casefold())
            if key not in groups:
                label = _context(redaction.text, at, at + len(found.placeholder))
                groups[key] = (label, found.placeholder, [])
            if surface not in groups[key][2]:
                groups[key][2].append(surface)
    return _unique([Replacement(label, placeholder, tuple(originals))
                    for label, placeholder, originals in groups.values()])


def _unique(found: list[Replacement]) -> list[Replacement]:
    """Labels must differ, since a choice is matched by its label."""
    seen: dict[str, int] = {}
    out = []
    for r in found:
        n = seen[r.label.casefold()] = seen.get(r.label.casefold(), 0) + 1
        out.append(r if n == 1 else Replacement(f"{r.label} ({n})", r.placeholder, r.originals))
    return out


def pick(found: list[Replacement], typed: str) -> Replacement | None:
    """The replacement a practitioner chose: by its label, its number in the list
    ("restore 2"), or its placeholder ("[PLACE 2]", "place 2")."""
    text = typed.strip()
    if text.casefold().startswith("restore "):
        text = text[len("restore "):].strip()
    folded = text.casefold()
    for r in found:
        if r.label.casefold() == folded:
            return r
    if text.isdigit() and 1 <= int(text) <= len(found):
        return found[int(text) - 1]
    bare = folded.strip("[]").strip()
    return next((r for r in found if r.placeholder.casefold().strip("[]") == bare), None)
