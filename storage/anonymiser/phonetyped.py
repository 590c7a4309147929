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
from storage.anonymiser.lowerplaces import (
    EMPLOYER_LINKS,
    LEADS,
    MIN,
    PUB_WORDS,
    Word,
    org_at,
    place_at,
)
from storage.anonymiser.model import Span
from storage.anonymiser.names import LOWER_NAME_CUES, STRONG_VERBS, TITLES, WEAK_VERBS
from storage.anonymiser.places import ORG_SUFFIXES

# Words, digits included so that "pm" in "10pm" is not a word of its own; a possessive
# "'s" is left outside the word ("kai's" is "kai"), other apostrophes kept ("o'brien").
_WORD = re.compile(r"([a-z0-9]+(?:-[a-z0-9]+)*(?:'(?!s\b)[a-z]+)?)(?:'s\b)?")
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


_SYLLABLE = 3


def _kind(word: str, lex: Lexicon) -> str:
    """"name" for a first name that is no English word, "maybe" for a word that could be a
    name given context (a word that is also a name, a surname, a word no list knows), ""
    for an ordinary word."""
    if word in lex.common or word in _NEVER:
        return ""
    if "'" in word:
        return "maybe" if word[:2] in ("o'", "d'") and len(word) > 3 else ""
    parts = word.split("-") if "-" in word else (word,)
    if len(parts) > 1 and parts[0] in lex.first_names and parts[0] not in lex.english and all(
            p in lex.first_names or len(p) <= _SYLLABLE for p in parts[1:]) and (
            parts[0] not in lex.common):
        return "name"  # "ellie-may", "ji-woo", "chloe-anne"
    if any(p in lex.english or len(p) < 2 for p in parts):
        return "maybe" if word in lex.first_names and word not in lex.keep else ""
    if all(p in lex.first_names for p in parts):
        return "name"
    return "maybe" if len(word) >= MIN or word in lex.first_names else ""


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
    if (not english and len(word) >= MIN) or word in lex.place_words:
        found |= _PLACEISH
    if word in LEADS or word in ORG_SUFFIXES or word in PUB_WORDS:
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
    links = EMPLOYER_LINKS
    previous = ""
    for i, (start, _, word) in enumerate(words):
        flags = cache.get(word)
        if flags is None:
            flags = cache[word] = _flags(word, lex)
        linked = previous in links
        previous = word
        if not (flags or linked) or not text[start].islower():
            continue
        person = _person(low, words, i, lex, flags) if flags & _PERSONISH else None
        if person:
            spans.extend(_name_neighbours(text, words, i, lex))
        for found in (person,
                      place_at(words, i, lex) if flags & _PLACEISH else None,
                      org_at(words, i, lex, low) if flags & _ORGISH or linked else None):
            if found:
                spans.append(found)
    return _joined(text, spans)


def _name_neighbours(text: str, words: list[Word], i: int, lex: Lexicon) -> list[Span]:
    """The rest of a name around one found: "xiao ming", "chidi okafor" (a first name just
    before, or a first or last name just after, that is no English word)."""
    found = []
    for j, gap in ((i - 1, words[i][0] - words[i - 1][1] if i else 0),
                   (i + 1, words[i + 1][0] - words[i][1] if i + 1 < len(words) else 0)):
        if gap != 1 or not text[words[j][0]].islower():
            continue
        word = words[j][2]
        if (word in lex.first_names or (j > i and word in lex.last_names)) and not (
                word in lex.english or word in _NEVER):
            found.append(Span("PERSON", words[j][0], words[j][1], (word,)))
    return found


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
