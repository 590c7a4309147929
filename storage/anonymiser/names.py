"""People's names: gazetteer, capitalisation and context rules.

A capitalised word mid-sentence that is a known name, or is not an ordinary English
word, is taken as a name; at the start of a sentence a word needs more evidence (a
known first name, a possessive, or a verb like "said" after it). Lower-case names are
caught only after cues such as "my client" or "called", or when the same name was
already seen capitalised.
"""

from __future__ import annotations

from collections.abc import Iterable

from storage.anonymiser.lexicon import NEVER_NAMES, Lexicon
from storage.anonymiser.model import Span
from storage.anonymiser.places import (
    PLACE_PREPOSITIONS,
    employer_context,
    institution,
    known_place_or_org,
)
from storage.anonymiser.tokens import Token, capital_runs, next_word, previous_words

TITLES = frozenset({
    "mr", "mrs", "ms", "miss", "mx", "dr", "prof", "professor", "sir", "dame", "lord", "lady",
    "rev", "revd", "reverend", "father", "fr", "pastor", "imam", "rabbi", "sheikh", "brother",
    "sister", "auntie", "aunty", "aunt", "uncle", "cousin", "nan", "nana", "grandma", "grandad",
    "granny", "abuela", "abuelo", "officer", "pc", "dc", "ds", "di", "sgt", "coach", "judge",
    "councillor", "cllr", "nurse", "mother", "baba", "mama", "bibi",
})
STRONG_VERBS = frozenset({
    "said", "says", "told", "tells", "asked", "asks", "admitted", "disclosed", "mentioned",
    "explained", "reported", "texted", "phoned", "rang", "emailed", "messaged", "wrote",
    "wants", "wanted", "thinks", "thought", "cried", "shouted", "agreed", "refused", "denied",
    "claimed", "insisted", "missed", "cancelled", "canceled", "arrived", "left", "came",
})
WEAK_VERBS = STRONG_VERBS | frozenset({
    "is", "was", "has", "had", "and", "hasn't", "isn't", "wasn't", "doesn't", "didn't",
    "won't", "can't", "keeps", "gets", "got", "lives", "works", "feels", "felt", "went",
    "turned", "seems", "seemed", "will", "would", "hadn't", "does", "did", "also", "still",
    "never", "always", "just", "who", "goes", "attends", "stays", "stayed",
})
LOWER_NAME_CUES = frozenset({
    "client", "son", "daughter", "brother", "sister", "boyfriend", "girlfriend", "husband",
    "wife", "partner", "friend", "mum", "mom", "dad", "stepdad", "stepmum", "stepmom",
    "uncle", "aunt", "auntie", "cousin", "nan", "teacher", "neighbour", "neighbor", "ex",
    "baby", "niece", "nephew", "grandson", "granddaughter", "colleague", "patient", "fiancé",
    "fiance", "fiancee",
})
CALLED_CUES = (
    ("called",), ("named",), ("nicknamed",), ("known", "as"), ("goes", "by"), ("call", "him"),
    ("call", "her"), ("call", "them"), ("calls", "himself"), ("calls", "herself"),
    ("name", "is"), ("aka",),
)
_PLAIN_SUFFIXES = ("ly", "ing", "ed")


_CALLED_ONE = frozenset(c[0] for c in CALLED_CUES if len(c) == 1)
_CALLED_TWO = frozenset(c for c in CALLED_CUES if len(c) == 2)


def _called(previous: list[str]) -> bool:
    return bool(previous) and (previous[-1] in _CALLED_ONE or tuple(previous[-2:]) in _CALLED_TWO)


def _person(part: list[Token]) -> Span:
    key = tuple(t.folded for t in part if t.folded not in TITLES) or (part[-1].folded,)
    return Span("PERSON", part[0].start, part[-1].end, key)


def _parts(run: list[Token], lex: Lexicon) -> list[list[Token]]:
    """Strip leading ordinary words and split at keep-list words; titles open a part."""
    parts: list[list[Token]] = [[]]
    for tok in run:
        if tok.folded in TITLES:
            parts.append([tok])
        elif tok.folded in lex.keep and not (parts[-1] and parts[-1][0].folded in TITLES):
            parts.append([])
        elif not parts[-1] and (tok.folded in NEVER_NAMES or (
                lex.is_ordinary(tok.folded) and not lex.is_name(tok.folded))):
            continue
        else:
            parts[-1].append(tok)
    return [p for p in parts if p]


def _single(tok: Token, tokens: list[Token], lex: Lexicon, known: set[str]) -> Span | None:
    f, nxt = tok.folded, next_word(tokens, tok)
    if f in NEVER_NAMES:
        return None
    is_first, is_last, ordinary = f in lex.first_names, f in lex.last_names, lex.is_ordinary(f)
    prev = previous_words(tokens, tok, 1)
    if f in known and not (ordinary and tok.sentence_start):
        return _person([tok])
    if f in lex.keep:
        cued = bool(set(previous_words(tokens, tok, 2)) & LOWER_NAME_CUES)
        return _person([tok]) if is_first and (nxt in STRONG_VERBS or cued) else None
    if ordinary:
        if tok.sentence_start:
            strong = nxt in STRONG_VERBS or tok.possessive
            return _person([tok]) if (is_first or is_last) and strong else None
        return _person([tok]) if is_first or is_last else None
    if tok.sentence_start:
        if is_first and not f.endswith(_PLAIN_SUFFIXES):
            return _person([tok])
        if nxt in WEAK_VERBS or (is_last and tok.possessive):
            return None if f.endswith(_PLAIN_SUFFIXES) else _person([tok])
        return None
    if prev and prev[-1] in PLACE_PREPOSITIONS | {"at"} and not is_first:
        return Span("PLACE", tok.start, tok.end, (f,))
    return _person([tok])


def _classify_part(part: list[Token], tokens: list[Token], lex: Lexicon,
                   known: set[str]) -> Span | None:
    if part[0].folded in TITLES:
        return _person(part) if len(part) > 1 else None
    place = known_place_or_org(part, lex)
    prev = previous_words(tokens, part[0], 1)
    after_prep = bool(prev) and prev[-1] in PLACE_PREPOSITIONS | {"at"}
    if place and (place.kind == "ORG" or after_prep or not any(
            t.folded in lex.first_names for t in part)):
        return place
    if len(part) == 1:
        return _single(part[0], tokens, lex, known)
    if after_prep and not any(t.folded in lex.first_names for t in part):
        return Span("PLACE", part[0].start, part[-1].end, (" ".join(t.folded for t in part),))
    return _person(part)


def _runs(text: str, tokens: list[Token], lex: Lexicon, known: set[str]) -> Iterable[Span]:
    for run in capital_runs(text, tokens):
        prev = previous_words(tokens, run[0])
        if _called(prev):
            yield _person(run)
            continue
        if employer_context(prev):
            end = run[-1].end + (2 if run[-1].possessive else 0)
            yield Span("ORG", run[0].start, end, (" ".join(t.folded for t in run),))
            continue
        org = institution(run, lex)
        if org:
            yield org
            continue
        for part in _parts(run, lex):
            span = _classify_part(part, tokens, lex, known)
            if span:
                yield span


def _lowercase(tokens: list[Token], lex: Lexicon) -> Iterable[Span]:
    for tok in tokens:
        if tok.cap and len(tok.base) > 1:
            continue
        prev = previous_words(tokens, tok, 2)
        ordinary = lex.is_ordinary(tok.folded) or tok.folded in WEAK_VERBS
        if _called(prev) and (not ordinary or (tok.cap and len(tok.base) == 1)):
            yield _person([tok])
        elif prev and prev[-1] in LOWER_NAME_CUES and not ordinary and (
                tok.folded in lex.first_names):
            yield _person([tok])


def _repeats(tokens: list[Token], lex: Lexicon, names: set[str],
             taken: list[Span]) -> Iterable[Span]:
    for tok in tokens:
        if tok.folded not in names or any(s.start <= tok.start < s.end for s in taken):
            continue
        ordinary = lex.is_ordinary(tok.folded)
        if not ordinary or (tok.cap and not tok.sentence_start):
            yield _person([tok])


def find_names(text: str, tokens: list[Token], lex: Lexicon, known: set[str]) -> list[Span]:
    """PERSON, PLACE and ORG spans from words; `known` holds name tokens seen before."""
    spans = list(_runs(text, tokens, lex, known))
    spans.extend(_lowercase(tokens, lex))
    names = set(known)
    for span in spans:
        if span.kind == "PERSON":
            names.update(k for k in span.key if len(k) > 1 and k not in TITLES)
    spans.extend(_repeats(tokens, lex, names, spans))
    return spans
