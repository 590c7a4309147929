"""Overlap resolution: the longest, then most specific, candidate wins."""

from __future__ import annotations

from collections.abc import Iterable

from storage.anonymiser.model import PRIORITY, Span


def resolve(spans: Iterable[Span], protected: Iterable[tuple[int, int]] = ()) -> list[Span]:
    """Keep non-overlapping spans, preferring length then kind priority; drop protected ones.

    Protected ranges (statute names, eponyms) veto any span lying wholly inside them.
    """
    guards = list(protected)
    ordered = sorted(
        (s for s in spans if s.end > s.start),
        key=lambda s: (s.start - s.end, -PRIORITY.get(s.kind, 0), s.start),  # longest first
    )
    kept: list[Span] = []
    for span in ordered:
        if any(g0 <= span.start and span.end <= g1 for g0, g1 in guards):
            continue
        if any(span.start < k.end and k.start < span.end for k in kept):
            continue
        kept.append(span)
    kept.sort(key=lambda s: s.start)
    return kept
