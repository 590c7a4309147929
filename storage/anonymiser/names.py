"""People's names: gazetteer, capitalisation and context rules.

A capitalised word mid-sentence that is a known name, or is not an ordinary English
word, is taken as a name; at the start of a sentence a word needs more evidence (a
known first name, a possessive, or a verb like "said" after it), and a word that is also
an everyday word ("Grace", "Hope") needs the sentence to treat it as a person. ALL-CAPS
words count only as employers ("works for DHL") or inside an institution's name.
Lower-case names are handled in `cues`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from storage.anonymiser.lexicon import NEVER_NAMES, Lexicon
from storage.anonymiser.model import Span
from storage.anonymiser.places import (
    PLACE_PREPOSITIONS,
    employer_context,
    initials_org,
    institution,
    known_place_or_org,
    widen_org,
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
# "Big Dave", "Little Mo": a nickname's leading word belongs to the name.
NICKNAME_WORDS = frozenset({
    "big", "little", "lil", "young", "old", "mad", "crazy", "fat", "tiny", "wee", "ginger",
    "skinny", "lanky", "posh", "baby",
})
# After "X is/was …", words that say X is a person ("Grace is doing better", "Faith is 14").
PERSON_PREDICATES = frozenset({
    "doing", "scared", "worried", "struggling", "pregnant", "feeling", "still", "now", "back",
    "better", "worse", "missing", "aged", "terrified", "angry", "upset", "refusing", "living",
    "staying", "off", "due", "going", "being", "not", "married", "engaged", "adopted",
    "currently", "also", "very", "so", "quite", "really", "finding", "hoping",
    "self-harming", "drinking", "using",
})
_SAINT = frozenset({"st", "saint"})
_BE = frozenset({"is", "was", "has", "had", "isn't", "wasn't", "hasn't", "hadn't"})
_PLACE_CUES = PLACE_PREPOSITIONS | {"at"}


_CALLED_ONE = frozenset(c[0] for c in CALLED_CUES if len(c) == 1)
_CALLED_TWO = frozenset(c for c in CALLED_CUES if len(c) == 2)


def called(previous: Sequence[str]) -> bool:
    """True when the words before introduce a name ("called", "known as")."""
    return bool(previous) and (previous[-1] in _CALLED_ONE or tuple(previous[-2:]) in _CALLED_TWO)


def person(part: list[Token]) -> Span:
    """A PERSON span over `part`, keyed by its name words (titles left out)."""
    key = tuple(t.folded for t in part if t.folded not in TITLES) or (part[-1].folded,)
    return Span("PERSON", part[0].start, part[-1].end, key)


def _parts(run: list[Token], lex: Lexicon) -> list[list[Token]]:
    """Strip leading ordinary words and split at keep-list words; titles and nickname
    words ("Big Dave") open a part. (Runs once per run: the word lists are bound locally.)"""
    keep, firsts, lasts, common = lex.keep, lex.first_names, lex.last_names, lex.common
    parts: list[list[Token]] = [[]]
    last = len(run) - 1
    for i, tok in enumerate(run):
        f = tok.folded
        current = parts[-1]
        if f in TITLES or (f in NICKNAME_WORDS and i < last):
            parts.append([tok])
        elif not tok.cap and not current:
            continue
        elif f in keep and last == 0 and f in firsts:
            current.append(tok)
        elif f in keep and not (current and current[0].folded in TITLES):
            parts.append([])
        elif not current and (f in NEVER_NAMES or (
                (f in common or f in keep) and not (f in firsts or f in lasts))):
            continue
        else:
            current.append(tok)
    return [p for p in parts if p]


def _acts_as_person(tok: Token, text: str, nxt: str) -> bool:
    """For a sentence-initial word that is also a name ("Grace", "Hope", "Mark"): does the
    sentence treat it as a person? ("Hope said…", "Grace's mum", "Faith is 14",
    "Sunny, her little brother"; not "Hope is in short supply", "Mark my words")."""
    if nxt in STRONG_VERBS or tok.possessive:
        return True
    after = text[tok.word_end:tok.word_end + 40]
    if after.startswith(" ("):  # "Grace (my client) said", "Precious (16)"
        return True
    if after.startswith(",") and nxt in ("her", "his", "my", "their", "our"):
        return True
    if nxt == "and":
        words = after.split()
        return len(words) > 1 and (words[1][:1].isupper() or words[1] in ("her", "his"))
    if nxt not in _BE:
        return False
    words = after.split()
    return len(words) > 1 and (words[1].strip(",.;") in PERSON_PREDICATES or any(
        c.isdigit() for c in "".join(words[1:3])))


def _single(tok: Token, text: str, lex: Lexicon, known: set[str],
            before: Sequence[str]) -> Span | None:
    """One capitalised word; `before` holds the (up to) two words before it."""
    f = tok.folded
    if f in NEVER_NAMES:
        return None
    is_first, is_last, ordinary = f in lex.first_names, f in lex.last_names, lex.is_ordinary(f)
    prev = before[-1:]
    if f in known and not (ordinary and tok.sentence_start):
        return person([tok])
    if f in lex.keep:
        cued = not LOWER_NAME_CUES.isdisjoint(before)
        return person([tok]) if is_first and (
            next_word(text, tok) in STRONG_VERBS or cued) else None
    if prev and prev[-1] == "the":
        return None if ordinary or is_first else Span("ORG", tok.start, tok.end, (f,))
    if ordinary or (tok.sentence_start and f in lex.word_names):
        if tok.sentence_start:
            return person([tok]) if (is_first or is_last) and _acts_as_person(
                tok, text, next_word(text, tok)) else None
        return person([tok]) if is_first or is_last else None
    if tok.sentence_start:
        if is_first and not f.endswith(_PLAIN_SUFFIXES):
            return person([tok])
        if text.startswith(" (", tok.word_end) and f not in lex.english:
            return person([tok])  # "Tavita (the client) disclosed"
        if (is_last and tok.possessive) or next_word(text, tok) in WEAK_VERBS:
            return None if f.endswith(_PLAIN_SUFFIXES) else person([tok])
        return None
    if prev and prev[-1] in _PLACE_CUES and not is_first:
        return Span("PLACE", tok.start, tok.end, (f,))
    return person([tok])


def _classify_part(part: list[Token], text: str, lex: Lexicon, known: set[str],
                   before: Sequence[str]) -> Span | None:
    if part[0].folded in TITLES:
        return person(part) if len(part) > 1 else None
    place = known_place_or_org(part, lex)
    after_prep = bool(before) and before[-1] in _PLACE_CUES
    if place and (place.kind == "ORG" or after_prep or not any(
            t.folded in lex.first_names for t in part)):
        return place
    if len(part) == 1:
        return _single(part[0], text, lex, known, before)
    if after_prep and not any(t.folded in lex.first_names for t in part):
        return Span("PLACE", part[0].start, part[-1].end, (" ".join(t.folded for t in part),))
    return person(part)


def _runs(text: str, tokens: list[Token], lex: Lexicon, known: set[str]) -> Iterable[Span]:
    keep, firsts, lasts, common = lex.keep, lex.first_names, lex.last_names, lex.common
    for run in capital_runs(text, tokens):
        first = run[0]
        f = first.folded
        if len(run) == 1 and not first.possessive and (f in NEVER_NAMES or (
                first.sentence_start and (f in common or f in keep)
                and not (f in firsts or f in lasts))):
            continue
        if len(run) == 1 and not first.cap:
            if first.folded not in lex.keep:
                org = initials_org(first, previous_words(text, first.start), lex)
                if org:
                    yield org
            continue
        prev = previous_words(text, run[0].start)
        if prev and prev[-1] == "the" and all(lex.is_ordinary(t.folded) for t in run):
            continue
        if len(run) > 1 and first.folded in _SAINT:
            end = run[-1].end + (2 if run[-1].possessive else 0)
            yield known_place_or_org(run, lex) or Span(
                "ORG", first.start, end, (" ".join(t.folded for t in run),))
            continue
        if called(prev):
            yield person(run)
            continue
        if employer_context(prev):
            end = run[-1].end + (2 if run[-1].possessive else 0)
            yield widen_org(text, Span("ORG", run[0].start, end,
                                       (" ".join(t.folded for t in run),)))
            continue
        org = institution(run, lex)
        if org:
            yield widen_org(text, org)
            continue
        for part in _parts(run, lex):
            before = prev if part[0].start == first.start else previous_words(
                text, part[0].start)
            span = _classify_part(part, text, lex, known, before)
            if span:
                yield span


def find_names(text: str, tokens: list[Token], lex: Lexicon, known: set[str]) -> list[Span]:
    """PERSON, PLACE and ORG spans from capitalised words; `known` holds names seen before."""
    return list(_runs(text, tokens, lex, known))
