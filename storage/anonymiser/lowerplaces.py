"""Places, employers, pubs and streets typed in lower case (the word-level rules that
`phonetyped` applies at each word that could open one).

"in peckham", "works at infosys", "oakfield primary", "st bede's", "drinks at the red lion",
"on soho rd": without capitals, a place or an organisation is known by a gazetteer, by a
word no dictionary has, or by its cue ("works at", "at the", a house number).
"""

from __future__ import annotations

import re

from storage.anonymiser.lexicon import Lexicon
from storage.anonymiser.model import Span
from storage.anonymiser.names import STRONG_VERBS, WEAK_VERBS
from storage.anonymiser.places import ORG_SUFFIXES, PLACE_PREPOSITIONS, employer_context

Word = tuple[int, int, str]
MIN = 3
# A verb before "school" or "church" says it is an activity, not a name ("missing school").
_NEVER = WEAK_VERBS | STRONG_VERBS
_STOP = frozenset({
    "in", "on", "at", "and", "for", "since", "but", "so", "because", "who", "which", "then",
    "till", "until", "after", "before", "every", "last", "this", "today", "near", "with",
    "w", "is", "was", "has", "had", "the", "a", "to", "from", "said", "says", "where", "when",
})
_PLACE_CUES = PLACE_PREPOSITIONS - {"visiting", "moved", "lives", "live", "living", "grew"}


def place_at(words: list[Word], i: int, lex: Lexicon) -> Span | None:
    """A known place typed in lower case, or an unknown word after "in", "from", "near"."""
    start, end, word = words[i]
    nxt = words[i + 1] if i + 1 < len(words) and words[i + 1][0] == end + 1 else None
    if nxt and f"{word} {nxt[2]}" in lex.places:
        return Span("PLACE", start, nxt[1], (f"{word} {nxt[2]}",))  # "el paso"
    if word in lex.english or len(word) < MIN:
        # "moving to slough", "from limerick": a town that is also a word, after its cue
        cued = i > 0 and words[i - 1][2] in ("to", "from", "in", "near")
        return Span("PLACE", start, end, (word,)) if cued and word in lex.places and (
            word not in lex.common and not word.endswith("ing")) else None
    if word in lex.places:
        return Span("PLACE", start, end, (word,))
    if i and words[i - 1][2] in _PLACE_CUES and word not in lex.first_names:
        return Span("PLACE", start, end, (word,))
    return None


def _org_run(words: list[Word], i: int, lex: Lexicon, low: str) -> list[Word]:
    """The employer's name: the words after the cue up to a common word, or an ordinary
    word after a distinctive one ("infosys bullies him"); after "st" any two words
    ("st thomas more"); a possessive may sit inside ("queen elizabeth's grammar")."""
    run = [words[i]]
    saint = words[i][2] == "st"
    for nxt in words[i + 1:i + 4]:
        gap = nxt[0] - run[-1][1]
        if nxt[2] in _STOP or (gap > 1 and not (gap == 3 and low.startswith("'s", run[-1][1]))
                               ) or run[-1][2] in ORG_SUFFIXES or (
                not (saint and len(run) < 3) and nxt[2] in lex.english
                and nxt[2] not in ORG_SUFFIXES and run[-1][2] not in lex.english):
            break
        run.append(nxt)
    return run


def _org_span(words: list[Word], run: list[Word], low: str) -> Span:
    end = run[-1][1] + (2 if low.startswith("'s", run[-1][1]) else 0)
    return Span("ORG", run[0][0], end, (" ".join(w[2] for w in run),))


PUB_WORDS = frozenset({"arms", "inn", "tavern", "lion", "anchor", "crown", "keys", "bell",
                        "swan", "oak", "plough", "horse", "head", "hart", "bull", "ship",
                        "feathers", "wheatsheaf", "fox", "hounds", "eagle", "greyhound"})
_PUB_CUES = frozenset({"at", "from", "in", "outside", "near", "to"})


def _pub(words: list[Word], i: int) -> Span | None:
    """"drinks at the red lion", "the crown and anchor": a pub, found from the word that
    ends its name (words[i], one of the pub words) back to "the" after a cue."""
    if i + 1 < len(words) and words[i + 1][2] == "of":
        return None  # "at the head of the queue"
    for the in range(i - 2, max(i - 5, 0), -1):  # two words at least: "the head" is no pub
        if words[the][2] == "the" and words[the - 1][2] in _PUB_CUES and all(
                b[0] - a[1] == 1 for a, b in zip(words[the + 1:i], words[the + 2:i + 1],
                                                 strict=True)):
            run = words[the + 1:i + 1]
            return Span("ORG", run[0][0], run[-1][1], (" ".join(w[2] for w in run),))
    return None


def org_at(words: list[Word], i: int, lex: Lexicon, low: str) -> Span | None:
    """An employer after "works at", or "oakfield primary", "st bede's", "hmp brixton"."""
    start, end, word = words[i]
    if word in PUB_WORDS:
        return _pub(words, i)
    if word in _STOP:
        return None
    prev = tuple(w[2] for w in words[max(0, i - 2):i])
    lead = word in LEADS
    employer = bool(prev) and prev[-1] in EMPLOYER_LINKS and employer_context(prev)
    if employer and word in lex.orgs:
        return Span("ORG", start, end, (word,))  # "works at boots"
    if employer and word not in _GENERIC and word not in lex.common and word in lex.english and (
            i + 1 == len(words) or words[i + 1][2] in _STOP or low[end:end + 1] in ",.;"):
        return Span("ORG", start, end, (word,))  # "a carer at sunrise in banstead"
    if lead or employer or (prev[-1:] == ("at",) and word not in lex.english):
        run = _org_run(words, i, lex, low)
        if (lead and len(run) == 1) or (all(w[2] in lex.english for w in run)
                                        and run[-1][2] not in ORG_SUFFIXES):
            return None
        return _org_span(words, run, low)
    if word in ORG_SUFFIXES and prev and words[i - 1][1] + 1 == start and not prev[-1].endswith(
            ("ing", "ed")) and prev[-1] not in _NEVER and (
            prev[-1] not in lex.english or (prev[-1] not in _GENERIC and prev[-1] not in
                                            lex.common and prev[-1] not in lex.keep
                                            and word in _STRONG_SUFFIXES)):
        return Span("ORG", words[i - 1][0], end, (f"{prev[-1]} {word}",))
    return None


# Words before "school", "church" that name no particular one ("the local church").
_GENERIC = frozenset({
    "secondary", "primary", "grammar", "comprehensive", "catholic", "community", "local",
    "village", "parish", "special", "boarding", "private", "state", "public", "medical",
    "general", "district", "county", "city", "town", "youth", "sixth", "nursery", "infant",
    "junior", "senior", "middle", "elementary", "high", "free", "independent", "faith",
    "sunday", "new", "old", "same", "other", "big", "little", "main", "nearest", "day",
    "night", "boys", "girls", "art", "drama", "football", "boxing", "dance", "church",
    "residential", "care", "mental", "health", "psychiatric", "children's", "womens",
    "women's", "mens", "men's", "their", "her", "his", "my", "our", "your", "a", "the",
    "home", "work", "school", "college", "uni", "university", "hospital", "nights",
    "weekends", "lunch", "length", "least", "once", "first", "last", "all", "random",
})
_STRONG_SUFFIXES = frozenset({"church", "mosque", "temple", "synagogue", "gurdwara",
                              "academy", "college", "primary", "school", "fellowship",
                              "chapel", "baptist", "uni", "university"})


LEADS = frozenset({"st", "hmp", "hmyoi"})
EMPLOYER_LINKS = frozenset({"at", "for", "by", "employer", "employers", "is", "are", "was"})


_STREET_WORDS = frozenset({"road", "rd", "street", "st", "lane", "lanes", "ln", "avenue",
                           "ave", "close", "crescent", "drive", "grove", "terrace", "gardens",
                           "court", "row", "blvd", "boulevard", "parade", "mews"})
_STREET = re.compile(
    r"(?:\b(?:on|at|in|off|along|down|up|from|near|to)\s+|(?<![\d/.\-])\d{1,4}[a-z]?,?\s+)"
    r"((?:\d{1,4}[a-z]?,?\s+)?(?!(?:the|a|my|his|her|their|this|that|main|same|high)\b)"
    r"[a-z][a-z'\-]+(?:\s+[a-z][a-z'\-]+)?\s+(?:road|rd|street|lane|lanes|ln|avenue|ave|"
    r"close|crescent|drive|grove|terrace|gardens|court|row|blvd|boulevard|parade|mews|"
    # "st" ends a street only before punctuation or a little word, else it is a saint
    r"st(?=\s*(?:[,.;:!?)]|$)|\s+(?:and|in|on|at|near|by|which|where|with|w)\b)))\b")


_STREET_HINT = re.compile(r"\b(?:" + "|".join(sorted(_STREET_WORDS)) + r")\b")
_STREET_REACH = 48


def lower_streets(text: str, low: str, words: set[str]) -> list[Span]:
    """Streets typed in lower case, after "on", "at", "off" or a house number ("on soho rd",
    "14 cedar road"); only texts that hold a street word are searched."""
    if low is None or _STREET_WORDS.isdisjoint(words):
        return []
    spans = []
    for hint in _STREET_HINT.finditer(low):
        lo = max(0, hint.start() - _STREET_REACH)
        lo = low.rfind(" ", 0, lo) + 1 if lo else 0
        spans.extend(Span("ADDRESS", m.start(1), m.end(1))
                     for m in _STREET.finditer(low, lo, hint.end() + 8)
                     if text[m.start(1)].islower() or text[m.start(1)].isdigit())
    return spans
