"""Overlap resolution: the longest, then most specific, candidate wins."""

from __future__ import annotations

from collections.abc import Iterable

from storage.anonymiser.model import PRIORITY, Span


def _order(span: Span) -> tuple[int, int, int]:
    return span.start - span.end, -PRIORITY.get(span.kind, 0), span.start  # longest first


def resolve(spans: Iterable[Span], protected: Iterable[tuple[int, int]] = ()) -> list[Span]:
    """Keep non-overlapping spans, preferring length then kind priority; drop protected ones.

    Protected ranges (statute names, eponyms) veto any span lying wholly inside them.
    Taken characters are marked in a bytearray, so each overlap test is one C-level find
    rather than a scan of every span kept so far.
    """
    guards = list(protected)
    ordered = sorted((s for s in spans if s.end > s.start), key=_order)
    if not ordered:
        return []
    taken = bytearray(max(s.end for s in ordered))
    kept: list[Span] = []
    for span in ordered:
        start, end = span.start, span.end
        if guards and any(g0 <= start and end <= g1 for g0, g1 in guards):
            continue
        if taken.find(1, start, end) >= 0:
            continue
        taken[start:end] = b"\x01" * (end - start)
        kept.append(span)
    kept.sort(key=lambda s: s.start)
    return kept
