"""Where in a text the number-shaped recognisers need to look.

Every date, phone number, reference, postcode or numbered address contains a digit, so
those recognisers run only in windows around digit clusters instead of over the whole
answer. Windows start just after and end just before whitespace, so word boundaries and
look-arounds see what they would see in the full text.
"""

from __future__ import annotations

import re
from typing import NamedTuple

_CLUSTER = re.compile(r"\d(?:[\d \t./:\-()+]*\d)?")
_SPACE = re.compile(r"\s")
_NOT_DIGITS = str.maketrans("", "", " \t./:-()+")  # a cluster's separators
MARGIN = 64
TIGHT = 16

Window = tuple[int, int]
_new_tuple = tuple.__new__


def _left(text: str, i: int) -> int:
    """The start of the whitespace-delimited chunk holding position `i`."""
    if i <= 0:
        return 0
    j = max(text.rfind(" ", 0, i), text.rfind("\n", 0, i), text.rfind("\t", 0, i))
    return j + 1


def _right(text: str, i: int) -> int:
    """The end of the whitespace-delimited chunk holding position `i - 1`."""
    if i >= len(text):
        return len(text)
    m = _SPACE.search(text, i)
    return m.start() if m else len(text)


class Cluster(NamedTuple):
    """A run of digits and separators ("943 476 5919"), its digit count and its window."""

    start: int
    end: int
    digits: int
    lo: int
    hi: int


def clusters(text: str, margin: int = TIGHT) -> list[Cluster]:
    """Digit clusters, each with a whitespace-aligned window `margin` characters wide
    (runs once per text, so the tuple is built without NamedTuple's Python-level __new__)."""
    found = []
    size = len(text)
    for m in _CLUSTER.finditer(text):
        s, e = m.span()
        digits = e - s if e - s < 3 else len(m.group().translate(_NOT_DIGITS))
        hi = e + margin
        if hi < size:
            gap = _SPACE.search(text, hi)
            hi = gap.start() if gap else size
        else:
            hi = size
        found.append(_new_tuple(Cluster, (s, e, digits, _left(text, s - margin), hi)))
    return found


def digit_windows(text: str, near: list[Cluster], margin: int = MARGIN) -> list[Window]:
    """Merged, whitespace-aligned ranges within `margin` characters of a digit cluster."""
    windows: list[Window] = []
    for c in near:
        lo, hi = _left(text, c.start - margin), _right(text, c.end + margin)
        if windows and lo <= windows[-1][1]:
            windows[-1] = (windows[-1][0], max(hi, windows[-1][1]))
        else:
            windows.append((lo, hi))
    return windows


def chunk_around(text: str, i: int) -> Window:
    """The whitespace-delimited chunk that holds position `i`."""
    return _left(text, i), _right(text, i + 1)
