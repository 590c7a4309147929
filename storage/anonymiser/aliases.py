"""Stand-ins for a person's name: an initial ("M. said", "told J.") and a social media
handle typed without its "@" ("his insta is danny.k.official", "goes by kira_b99").

An initial is a capital letter and a full stop; it is a person only when the sentence
treats it as one (a verb after it, or "told", "client", "and" before it), since "plan B."
and "Vitamin D." are not. A handle needs its cue ("insta", "snap", "username") unless
its shape gives it away (letters joined by an underscore, "kira_b99").
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from storage.anonymiser.model import Span

_INITIAL = re.compile(r"(?<![\w.])([A-HJ-Za-z]\.)(?=[ \t]+([a-z']+|and\b|\()|$)")
_VERB_AFTER = frozenset({
    "is", "was", "has", "had", "said", "says", "told", "disclosed", "mentioned", "wants",
    "wanted", "thinks", "feels", "felt", "lives", "goes", "went", "came", "and", "rang",
    "texted", "asked", "admitted", "reported", "denied", "cried", "left", "seemed", "seems",
    "hasn't", "isn't", "wasn't", "doesn't", "didn't", "won't", "can't", "keeps", "got", "(",
})
_BEFORE = re.compile(r"(?i:\b(?:told|client|and|with|asked|saw|re|about|child|son|daughter)"
                     r"[ \t]+)$")
_HANDLE_CUE = re.compile(
    r"(?i:\b(?:insta(?:gram)?|snap(?:chat)?|tiktok|fb|facebook|twitter|handle|username|"
    r"user\s+name|gamertag|discord|kik|profile|account|goes\s+by|posts\s+as)"
    r"(?:\s+(?:is|was|name|handle))*\s*:?\s+)([A-Za-z0-9_.]{2,29}[A-Za-z0-9_])")
_UNDERSCORED = re.compile(r"(?<![\w@/.])[A-Za-z][A-Za-z0-9]*_[A-Za-z0-9_]+(?![\w@])")


def _initials(text: str) -> Iterator[Span]:
    """Tried only where a letter stands alone before a full stop (found with str.find)."""
    i = text.find(".")
    while i >= 0:
        single = i and text[i - 1].isalpha() and (i < 2 or not text[i - 2].isalnum())
        m = _INITIAL.match(text, i - 1) if single else None
        i = text.find(".", i + 1)
        if m is None:
            continue
        after = m.group(2)
        before = text[max(0, m.start() - 16):m.start()]
        if _BEFORE.search(before) or (m.group(1)[0].isupper() and after in _VERB_AFTER):
            yield Span("PERSON", m.start(1), m.end(1), (m.group(1)[0].lower() + ".",))


def _handles(text: str) -> Iterator[Span]:
    for m in _HANDLE_CUE.finditer(text):
        handle = m.group(1)
        if any(c in handle for c in "_.") or any(c.isdigit() for c in handle):
            yield Span("HANDLE", m.start(1), m.end(1), (handle.lower(),))
    if "_" in text:
        for m in _UNDERSCORED.finditer(text):
            yield Span("HANDLE", m.start(), m.end(), (m.group().lower(),))


def find_aliases(text: str, low: str) -> list[Span]:
    """Initials standing for a person, and handles without an "@"."""
    spans: list[Span] = []
    if "." in text:
        spans.extend(_initials(text))
    if "_" in text or any(cue in low for cue in ("insta", "snap", "tiktok", "fb", "facebook",
                                                 "twitter", "handle", "user", "gamertag",
                                                 "discord", "kik", "profile", "account",
                                                 "goes by", "posts as")):
        spans.extend(_handles(text))
    return spans
