"""Phone-typed text: names, places and employers typed in lower case.

On a phone a practitioner writes "saw kelechi today, staying at his cousin's in peckham".
Capitalisation, the main evidence in `names`, is missing, so a lower-case word is judged
by word lists and its neighbours instead. A known first name that is not an English word
(the lower-case entries of a spelling dictionary leave proper nouns out) is a name
anywhere; one that is also a word ("grace", "will") or that no list knows ("efua") needs
the sentence to treat it as a person ("my client efua", "efua said", "told efua"). The
text is split into words once; only the folded lower-case copy is read, so offsets agree
with the original.
"""

from __future__ import annotations

import re

from storage.anonymiser.lexicon import Lexicon
from storage.anonymiser.model import Span
from storage.anonymiser.names import LOWER_NAME_CUES, STRONG_VERBS, TITLES, WEAK_VERBS
from storage.anonymiser.places import ORG_SUFFIXES, PLACE_PREPOSITIONS, employer_context

# Words, digits included so that "pm" in "10pm" is not a word of its own; a possessive
# "'s" is left outside the word ("kai's" is "kai"), other apostrophes kept ("o'brien").
_WORD = re.compile(r"([a-z0-9]+(?:-[a-z0-9]+)*(?:'(?!s\b)[a-z]+)?)(?:'s\b)?")
_MIN = 3
# Words before a person: "told X", "with X", "w X" (phone for "with"), "client X".
_BEFORE_PERSON = LOWER_NAME_CUES | frozenset({
    "told", "tell", "asked", "saw", "seeing", "met", "texted", "messaged", "rang", "phoned",
    "emailed", "with", "w", "visited", "hit", "hits", "hurt", "re", "abt", "about", "bf",
    "gf", "mate", "manager", "boss", "landlord", "worker", "pastor", "coach", "supervisor",
    "roommate", "flatmate", "stepfather", "stepmother", "wife", "husband", "kill", "leave",
    "had", "called", "named", "supervisee", "lad", "rabbi", "imam", "sir", "miss", "mr",
    "mrs", "ms", "dr", "pc", "dc", "sgt", "cllr", "prof", "mx",
})
_KIN_AFTER_POSSESSIVE = LOWER_NAME_CUES | frozenset({
    "mum", "mom", "dad", "stepdad", "bf", "gf", "ex", "husband", "wife", "partner", "boss",
    "social", "teacher", "uncle", "nan", "family", "baby", "kids", "son", "daughter",
    "brother", "sister", "mate", "friend", "boyfriend", "girlfriend", "parents", "in-laws",
})
# "mr hughes", "dr mistry", "pc dawson": the next word is a surname whatever it is.
_PERSON_TITLES = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "rev", "revd",
                            "fr", "pastor", "imam", "rabbi", "sheikh", "pc", "dc", "ds",
                            "di", "sgt", "cllr", "coach"})
# After a word no list knows, these say it is someone: "efua is pregnant", "kemi from
# church said", "hodan has".
_AFTER_UNKNOWN = frozenset({"is", "was", "has", "had", "from", "says", "thinks", "wants",
                            "feels", "got", "hasnt", "wont", "isnt", "fled", "lost"})
_NEVER = WEAK_VERBS | STRONG_VERBS | TITLES
_STOP = frozenset({
    "in", "on", "at", "and", "for", "since", "but", "so", "because", "who", "which", "then",
    "till", "until", "after", "before", "every", "last", "this", "today", "near", "with",
    "w", "is", "was", "has", "had", "the", "a", "to", "from", "said", "says", "where", "when",
})
_PLACE_CUES = PLACE_PREPOSITIONS - {"visiting", "moved", "lives", "live", "living", "grew"}

Word = tuple[int, int, str]


_SUFFIXES = ("s", "es", "er", "ers", "ing", "ed", "ly", "ness", "ment", "y")


def looks_english(word: str, english: frozenset[str]) -> bool:
    """A word the dictionary lacks but English makes: an inflection of a word it has
    ("safeguarded") or two words run together ("fundraiser", "carpark")."""
    for suffix in _SUFFIXES:
        stem = word[:-len(suffix)]
        if word.endswith(suffix) and len(stem) > 2 and (stem in english
                                                        or stem + "e" in english):
            return True
    return any(word[:i] in english and word[i:] in english
               for i in range(3, len(word) - 2))


def _kind(word: str, lex: Lexicon) -> str:
    """"name" for a first name that is no English word, "maybe" for a word that could be a
    name given context (a word that is also a name, a surname, a word no list knows), ""
    for an ordinary word."""
    if word in lex.common or word in _NEVER:
        return ""
    if "'" in word:
        return "maybe" if word[:2] in ("o'", "d'") and len(word) > 3 else ""
    parts = word.split("-") if "-" in word else (word,)
    if any(p in lex.english or len(p) < 2 for p in parts):
        return "maybe" if word in lex.first_names and word not in lex.keep else ""
    if all(p in lex.first_names for p in parts):
        return "name"
    return "maybe" if len(word) >= _MIN or word in lex.first_names else ""


def _person_context(words: list[Word], i: int, low: str, unknown: bool) -> bool:
    """Does the sentence treat words[i] as a person ("told efua", "efua said", "efua's mum",
    "dylan (16)")?"""
    start, end, _ = words[i]
    if i and words[i - 1][2] in _BEFORE_PERSON and start - words[i - 1][1] <= 2:
        return True
    if low.startswith(" (", end):
        return True
    if low[end:end + 3].strip().isdigit() and low[end:end + 1] == " ":
        return True  # "amir 19", "mikey 14"
    if i + 1 < len(words):
        nxt = words[i + 1][2]
        if low.startswith("'s", end):
            return nxt in _KIN_AFTER_POSSESSIVE
        if words[i + 1][0] - end != 1:
            return False
        return nxt in STRONG_VERBS or (unknown and nxt in _AFTER_UNKNOWN)
    return False


def _person(low: str, words: list[Word], i: int, lex: Lexicon, flags: int) -> Span | None:
    """A lower-case word that is a name: a first name no dictionary has, or a word the
    sentence treats as a person."""
    start, end, word = words[i]
    if flags & _NAME:
        return Span("PERSON", start, end, (word,))
    prev = words[i - 1] if i else None
    if prev is not None and low.startswith("'s", prev[1]):
        return None  # after "amy's" comes a thing ("amy's fundraiser"), or a kin word
    after_title = prev is not None and prev[2] in _PERSON_TITLES and start - prev[1] <= 2
    first = bool(flags & _FIRST)
    if (after_title and (word not in lex.english or word in lex.last_names)) or (
            flags & _MAYBE and _person_context(words, i, low, bool(flags & _UNKNOWN))
            and (first or word not in lex.places)) or (
            first and flags & _MAYBE and prev is not None and prev[2] == "and"
            and start - prev[1] == 1
            and word not in lex.word_names):
        return Span("PERSON", start, end, (word,))  # "hannah and josh arguing"
    return None


def _place(words: list[Word], i: int, lex: Lexicon) -> Span | None:
    """A known place typed in lower case, or an unknown word after "in", "from", "near"."""
    start, end, word = words[i]
    nxt = words[i + 1] if i + 1 < len(words) and words[i + 1][0] == end + 1 else None
    if nxt and f"{word} {nxt[2]}" in lex.places:
        return Span("PLACE", start, nxt[1], (f"{word} {nxt[2]}",))  # "el paso"
    if word in lex.english or len(word) < _MIN:
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


_PUB_WORDS = frozenset({"arms", "inn", "tavern", "lion", "anchor", "crown", "keys", "bell",
                        "swan", "oak", "plough", "horse", "head", "hart", "bull", "ship",
                        "feathers", "wheatsheaf", "fox", "hounds", "eagle", "greyhound"})
_PUB_CUES = frozenset({"at", "from", "in", "outside", "near", "to"})


def _pub(words: list[Word], i: int) -> Span | None:
    """"drinks at the red lion", "the crown and anchor": a pub, named after "at the"."""
    if i < 2 or words[i - 1][2] != "the" or words[i - 2][2] not in _PUB_CUES:
        return None
    run = words[i:i + 4]
    for size in range(len(run), 1, -1):  # two words at least: "the head" is no pub
        after = words[i + size][2] if i + size < len(words) else ""
        if run[size - 1][2] in _PUB_WORDS and after != "of" and all(
                b[0] - a[1] == 1 for a, b in zip(run, run[1:size], strict=False)):
            return Span("ORG", run[0][0], run[size - 1][1],
                        (" ".join(w[2] for w in run[:size]),))
    return None


def _org(words: list[Word], i: int, lex: Lexicon, low: str) -> Span | None:
    """An employer after "works at", or "oakfield primary", "st bede's", "hmp brixton"."""
    start, end, word = words[i]
    if word == "the":
        return None
    if i > 1 and words[i - 1][2] == "the":
        return _pub(words, i)
    if word in _STOP:
        return None
    prev = tuple(w[2] for w in words[max(0, i - 2):i])
    lead = word in _LEADS
    employer = bool(prev) and prev[-1] in _EMPLOYER_LINKS and employer_context(prev)
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


_LEADS = frozenset({"st", "hmp", "hmyoi"})
_EMPLOYER_LINKS = frozenset({"at", "for", "by", "employer", "employers", "is", "are", "was",
                             "the"})


_PERSONISH, _PLACEISH, _ORGISH, _NAME, _MAYBE, _UNKNOWN, _FIRST = 1, 2, 4, 8, 16, 32, 64
_FLAGS: dict[str, int] = {}
_FLAGS_FOR: list[Lexicon] = []


def _flags(word: str, lex: Lexicon) -> int:
    """What a word could open, whatever its neighbours (cached per word by the caller: the
    same words recur in every answer). Words holding a digit ("10pm") open nothing."""
    if not word.replace("-", "").replace("'", "").isalpha():
        return 0
    english = word in lex.english
    kind = _kind(word, lex)
    found = (_NAME if kind == "name" else _MAYBE if kind else 0) | (
        _FIRST if word in lex.first_names else 0)
    if kind and not (english or word in lex.first_names or word in lex.last_names
                     or looks_english(word, lex.english)):
        found |= _UNKNOWN
    if kind or (word in lex.last_names and word not in lex.common and word not in _NEVER):
        found |= _PERSONISH
    if (not english and len(word) >= _MIN) or word in lex.place_words:
        found |= _PLACEISH
    if word in _LEADS or word in ORG_SUFFIXES:
        found |= _ORGISH
    return found


def phone_typed(text: str, low: str | None, lex: Lexicon) -> list[Span]:
    """Names, places and organisations written in lower case (needs a foldable text).

    Most words are ordinary ones that open nothing; they are passed over after one cached
    look-up, except that "at", "for" and "by" may open an employer after them."""
    if low is None:
        return []
    if not _FLAGS_FOR or _FLAGS_FOR[0] is not lex:
        _FLAGS.clear()
        _FLAGS_FOR[:] = [lex]
    cache = _FLAGS
    words = [(m.start(), m.end(1), m.group(1)) for m in _WORD.finditer(low)]
    spans: list[Span] = []
    links = _EMPLOYER_LINKS
    previous = ""
    for i, (start, _, word) in enumerate(words):
        flags = cache.get(word)
        if flags is None:
            flags = cache[word] = _flags(word, lex)
        linked = previous in links
        previous = word
        if not (flags or linked) or not text[start].islower():
            continue
        for found in (_person(low, words, i, lex, flags) if flags & _PERSONISH else None,
                      _place(words, i, lex) if flags & _PLACEISH else None,
                      _org(words, i, lex, low) if flags & _ORGISH or linked else None):
            if found:
                spans.append(found)
    return _joined(text, spans)


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


def _joined(text: str, spans: list[Span]) -> list[Span]:
    """Adjacent lower-case names ("xiao ming", "chloe-anne") become one span."""
    people: list[Span] = []
    for span in sorted((s for s in spans if s.kind == "PERSON"), key=lambda s: s.start):
        last = people[-1] if people else None
        if last and text[last.end:span.start] in (" ", "-"):
            people[-1] = Span("PERSON", last.start, span.end, last.key + span.key)
        else:
            people.append(span)
    return [s for s in spans if s.kind != "PERSON"] + people
