"""Stable numbering: the same person, place or organisation keeps one number per reflection."""

from __future__ import annotations

from storage.anonymiser.model import NUMBERED_KINDS, Span


class Numberer:
    """Hands out "[PERSON 1]"-style placeholders, reusing numbers for the same entity.

    People match when one name's words contain the other's ("Mr Okafor", "Chidi Okafor",
    "Okafor"); places and organisations match on their folded text.
    """

    def __init__(self) -> None:
        self._people: list[set[str]] = []
        self._others: dict[str, dict[tuple[str, ...], int]] = {k: {} for k in NUMBERED_KINDS}

    def placeholder(self, span: Span, surface: str) -> str:
        """The placeholder for `span`; `surface` is its original text (used as a fallback key)."""
        if span.kind not in NUMBERED_KINDS:
            return f"[{span.kind}]"
        key = span.key or (surface.lower(),)
        if span.kind == "PERSON":
            return f"[PERSON {self._person(key)}]"
        table = self._others[span.kind]
        number = table.setdefault(key, len(table) + 1)
        return f"[{span.kind} {number}]"

    def _person(self, key: tuple[str, ...]) -> int:
        words = set(key)
        for number, known in enumerate(self._people, start=1):
            if words <= known or known <= words:
                known |= words
                return number
        self._people.append(words)
        return len(self._people)
