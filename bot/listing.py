"""How a reflection is named in a list: its title and date, never two alike.

Several reflections from the same flow on the same day can share a title; a list of
identical lines is useless on a phone. The date is always shown; where title and date
still collide, the time is added, and where even that collides, a counter.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime

MAX_BUTTON = 60


def day(created_at: str) -> str:
    """'5 Mar 2024' from a stored ISO time (UTC)."""
    moment = datetime.fromisoformat(created_at)
    return f"{moment.day} {moment:%b %Y}"


def clock(created_at: str) -> str:
    return f"{datetime.fromisoformat(created_at):%H:%M}"


def labels(items: Sequence[tuple[str, str]]) -> list[str]:
    """'Title · 5 Mar 2024' for each (title, created_at); time, then a counter, if needed."""
    first = [f"{title} · {day(at)}" for title, at in items]
    seen = Counter(first)
    second = [f"{label} {clock(at)}" if seen[label] > 1 else label
              for label, (_, at) in zip(first, items, strict=True)]
    totals, counts = Counter(second), Counter[str]()
    result = []
    for label in second:
        if totals[label] > 1:
            counts[label] += 1
            label = f"{label} ({counts[label]})"
        result.append(label)
    return result


def button(label: str, limit: int = MAX_BUTTON) -> str:
    """A label short enough for a phone's button (the date stays at the end)."""
    if len(label) <= limit:
        return label
    title, _, rest = label.rpartition(" · ")
    if not title:
        return label[: limit - 1] + "…"
    keep = max(limit - len(rest) - 4, 8)
    return f"{title[:keep].rstrip()}… · {rest}"


def by_id(items: Sequence[object]) -> dict[str, str]:
    """Labels keyed by record id, for anything with id, title and created_at."""
    found = labels([(getattr(i, "title"), getattr(i, "created_at")) for i in items])  # noqa: B009
    return {getattr(i, "id"): label for i, label in zip(items, found, strict=True)}  # noqa: B009
