"""Names that are not capitalised: after a cue ("my client jane", "called gaz"), or repeats.

Both are found with plain substring searches (one per cue word, one per name already
seen) instead of looking at every word.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from storage.anonymiser.lexicon import Lexicon, fold, lower_text
from storage.anonymiser.model import Span
from storage.anonymiser.names import (
    CALLED_CUES,
    LOWER_NAME_CUES,
    TITLES,
    WEAK_VERBS,
)
from storage.anonymiser.tokens import WORD, Token, base_of, sentence_start

_GAP = r"[\W\d_]+"
_new_tuple = tuple.__new__  # a Token without NamedTuple's Python-level __new__


_NEXT_WORD = r"(?:['’]s)?" + _GAP + r"([^\W\d_]+(?:['’\-][^\W\d_]+)*)"


def _cue_table() -> tuple[tuple[str, bool, re.Pattern[str]], ...]:
    """(first cue word, is a "called" cue, regex for the rest up to the name)."""
    table = [(c[0], True, re.compile(_GAP.join(("", *c[1:])) + _NEXT_WORD if len(c) > 1
                                     else _NEXT_WORD)) for c in CALLED_CUES]
    table += [(c, False, re.compile(_NEXT_WORD)) for c in sorted(LOWER_NAME_CUES)]
    return tuple(table)


_CUES = _cue_table()


def _cue_hits(low: str, words: set[str]) -> Iterator[tuple[bool, re.Match[str]]]:
    """Every cue word at a word start in `low`, with the word after it (str.find per cue
    word present beats one big alternation, which sre tries letter by letter)."""
    for word, is_called, rest in _CUES:
        if word not in words:
            continue
        i = low.find(word)
        while i >= 0:
            end = i + len(word)
            if _starts_word(low, i):
                m = rest.match(low, end)
                if m:
                    yield is_called, m
            i = low.find(word, end)


def _word_token(text: str, start: int, word: str) -> Token:
    base, possessive = base_of(word)
    cap = base[0].isupper() and (len(base) == 1 or not base.isupper())
    return _new_tuple(Token, (start, start + len(base), start + len(word), base, fold(base),
                              cap, possessive, sentence_start(text, start)))


def _starts_word(text: str, i: int) -> bool:
    return i == 0 or not (text[i - 1].isalpha() or (
        text[i - 1] in "'’-" and i > 1 and text[i - 2].isalpha()))


def lowercase_names(text: str, low: str | None, words: set[str],
                    lex: Lexicon) -> Iterator[Span]:
    """Names typed without a capital, when a cue word comes just before them; `words`
    are the lower-case words of the text."""
    for is_called, m in _cue_hits(low if low is not None else lower_text(text), words):
        start = m.start(1)
        base = base_of(text[start:m.end(1)])[0]
        single = len(base) == 1
        if base[0].isupper() and not single and not base.isupper():
            continue
        folded = fold(base)
        ordinary = lex.is_ordinary(folded) or folded in WEAK_VERBS
        if is_called and (not ordinary or (single and base.isupper())):
            yield Span("PERSON", start, start + len(base), (folded,))
        elif not is_called and not ordinary and folded in lex.first_names:
            yield Span("PERSON", start, start + len(base), (folded,))


def _occurrences(text: str, low: str | None, names: Iterable[str],
                 words: set[str]) -> Iterator[Token]:
    if low is None:
        for m in WORD.finditer(text):
            tok = _word_token(text, m.start(), m.group())
            if tok.folded in names:
                yield tok
        return
    for name in names:
        if name not in words and name.isascii() and name.isalpha():
            continue
        i = low.find(name)
        while i >= 0:
            end = i + len(name)
            if _starts_word(low, i) and (end == len(low) or not low[end].isalpha()):
                m = WORD.match(text, i)
                if m and len(base_of(m.group())[0]) == len(name):
                    yield _word_token(text, i, m.group())
            i = low.find(name, end)


def repeated_names(text: str, low: str | None, words: set[str], lex: Lexicon,
                   names: set[str], taken: list[Span]) -> Iterator[Span]:
    """Later mentions of a name already found (in any case), outside spans already taken."""
    starts = {s.start for s in taken}
    for tok in _occurrences(text, low, names, words):
        if tok.start in starts or any(s.start <= tok.start < s.end for s in taken):
            continue
        if not lex.is_ordinary(tok.folded) or (tok.cap and not tok.sentence_start):
            yield Span("PERSON", tok.start, tok.end, (tok.folded,))


def name_words(spans: Iterable[Span]) -> set[str]:
    """The name words of PERSON spans, for finding them again."""
    return {k for s in spans if s.kind == "PERSON" for k in s.key
            if len(k) > 1 and k not in TITLES}
