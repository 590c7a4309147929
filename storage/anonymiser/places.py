"""Places and organisations: named schools, hospitals, surgeries, employers, towns.

A run of capitalised words ending in an institution word ("Riverside Medical Centre")
is an organisation when something in it is distinctive; generic bodies made only of
ordinary words ("Crown Prosecution Service", "Social Services") survive.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from storage.anonymiser.lexicon import Lexicon
from storage.anonymiser.model import Span
from storage.anonymiser.tokens import Token

ORG_SUFFIXES = frozenset({
    "school", "primary", "academy", "college", "university", "hospital", "centre", "center",
    "surgery", "practice", "clinic", "church", "mosque", "temple", "synagogue", "gurdwara",
    "fc", "ltd", "limited", "plc", "inc", "llc", "elementary", "high", "juniors", "infants",
    "nursery", "ward", "trust", "services", "service", "council", "police", "prison",
    "partnership", "group", "club", "hotel", "pharmacy", "library", "campus", "unit",
    "foundation", "charity", "hall", "house", "lodge", "care", "systems", "rail", "water",
    "bank", "federation", "arms", "inn", "tavern", "uni", "fellowship", "chapel",
})
PLACE_PREPOSITIONS = frozenset({
    "in", "from", "near", "to", "around", "outside", "into", "towards", "visiting", "moved",
    "lives", "live", "living", "grew", "born", "nearer", "via",
})
EMPLOYER_CUES = (
    ("works", "at"), ("works", "for"), ("work", "at"), ("work", "for"), ("working", "at"),
    ("working", "for"), ("job", "at"), ("employed", "by"), ("shifts", "at"), ("shift", "at"),
    ("manager", "at"), ("placement", "at"), ("volunteers", "at"), ("student", "at"),
    ("studies", "at"), ("worked", "at"), ("worked", "for"), ("nurse", "at"), ("teacher", "at"),
    ("employer",), ("employers",), ("employer", "is"), ("employers", "are"),
    ("employer", "was"),
)

# Someone who "works at", or is a "cleaner at" / "drives for", names an employer.
_OCCUPATIONS = frozenset({
    "works", "work", "working", "worked", "employed", "job", "jobs", "shifts", "shift",
    "placement", "volunteers", "volunteer", "volunteering", "studies", "studying", "temps",
    "temping", "drives", "drove", "driver", "manager", "nurse", "teacher", "student", "pupil",
    "engineer", "cleaner", "carer", "assistant", "apprentice", "intern", "lecturer", "officer",
    "receptionist", "consultant", "analyst", "developer", "paramedic", "porter", "chef",
    "cook", "waiter", "waitress", "barista", "cashier", "guard", "labourer", "warden",
    "employee", "staff", "worker", "technician", "accountant", "solicitor", "doctor",
})
_EMPLOYER_TWO = frozenset(c for c in EMPLOYER_CUES if len(c) == 2) | frozenset(
    (w, p) for w in _OCCUPATIONS for p in ("at", "for"))
_EMPLOYER_ONE = frozenset(c[0] for c in EMPLOYER_CUES if len(c) == 1)


_LEADING_INSTITUTIONS = frozenset({"university", "college", "hospital", "school", "academy",
                                   "hmp", "hmyoi"})


def _distinctive(tok: Token, lex: Lexicon) -> bool:
    """A word that singles out one institution; "Children's" in "Children's Services" does not."""
    ordinary = lex.is_ordinary(tok.folded)
    return not ordinary or lex.is_name(tok.folded) or tok.folded in lex.places or (
        tok.possessive and not ordinary)


def institution(run: list[Token], lex: Lexicon) -> Span | None:
    """An ORG span when the run ends in an institution word and names a particular one."""
    if len(run) >= 2 and run[0].folded in _LEADING_INSTITUTIONS:
        return Span("ORG", run[0].start, run[-1].end, (" ".join(t.folded for t in run),))
    if len(run) < 2 or run[-1].folded not in ORG_SUFFIXES:
        return None
    body = run[:-1]
    while body and body[-1].folded in ORG_SUFFIXES | {"medical", "health", "community"}:
        body = body[:-1]
    if not any(_distinctive(t, lex) for t in body):
        return None
    first = next((i for i, t in enumerate(run) if _distinctive(t, lex) or i > 0), 0)
    if run[first].sentence_start and not _distinctive(run[first], lex):
        first += 1
    return Span("ORG", run[first].start, run[-1].end, (" ".join(t.folded for t in run),))


_AND_BEFORE = re.compile(r"([A-Z][\w'’]+)[ \t]+(?:and|&)[ \t]+$")
_AND_AFTER = re.compile(r"[ \t]+(?:and|&)[ \t]+((?:[A-Z][\w'’]+[ \t]?){1,3})")


def widen_org(text: str, span: Span) -> Span:
    """An organisation with "and" in its name ("Marks and Spencer", "Dundee and Angus
    College"): the name on the other side of the "and" joins it."""
    start, end = span.start, span.end
    before = _AND_BEFORE.search(text, max(0, start - 30), start)
    if before and span.key and span.key[0].split()[-1] in ORG_SUFFIXES and (
            before.group(1).lower() not in ORG_SUFFIXES):
        start = before.start(1)
    after = _AND_AFTER.match(text, end)
    if after and text[start:end].split()[-1].lower() not in ORG_SUFFIXES:
        end = after.end(1) - (1 if after.group(1).endswith((" ", "\t")) else 0)
    return span if (start, end) == (span.start, span.end) else Span(
        "ORG", start, end, span.key)


def employer_context(previous: Sequence[str]) -> bool:
    """True when the words before a run introduce an employer ("works at", "employer,")."""
    return bool(previous) and (
        tuple(previous[-2:]) in _EMPLOYER_TWO or previous[-1] in _EMPLOYER_ONE)


def initials_org(tok: Token, previous: Sequence[str], lex: Lexicon) -> Span | None:
    """An ALL-CAPS employer ("works for DHL", "a cleaner at GSK"); bodies on the keep-list
    (NHS, CAMHS, BACP) are never redacted."""
    if len(tok.base) < 2 or tok.folded in lex.keep or not employer_context(previous):
        return None
    return Span("ORG", tok.start, tok.end, (tok.folded,))


def known_place_or_org(run: list[Token], lex: Lexicon) -> Span | None:
    """A PLACE or ORG span when the run (or its longest known part) is in a gazetteer."""
    if lex.gazetteer_words.isdisjoint([t.folded for t in run]):
        return None  # every gazetteer entry's words are gazetteer words, so none can match
    for size in range(len(run), 0, -1):
        for i in range(len(run) - size + 1):
            part = run[i:i + size]
            key = " ".join(t.folded for t in part)
            if part[-1].possessive and key + "'s" in lex.orgs:
                return Span("ORG", part[0].start, part[-1].end + 2, (key + "'s",))
            kind = "ORG" if key in lex.orgs else "PLACE" if key in lex.places else ""
            if not kind:
                continue
            if size == 1 and part[0].sentence_start and (lex.is_ordinary(key)
                                                         or key in lex.english):
                continue
            return Span(kind, part[0].start, part[-1].end, (key,))
    return None
