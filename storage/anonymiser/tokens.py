"""Word tokens and runs of capitalised words, with the context the name rules need."""

from __future__ import annotations

import re
from typing import NamedTuple

from storage.anonymiser.lexicon import fold

_WORD = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")
_SENTENCE_END = ".!?\n:;•"
_OPENERS = " \t\"'“‘(["
_RUN_GAP = re.compile(
    r"(?:['’]s?)?\.?[ \t]+|[ \t]+(?:of|de|da|du|del|van|der|von|bin|al|la|le|&)[ \t]+")


class Token(NamedTuple):
    """One word: where it is, its base form (possessive removed), and how it is cased."""

    index: int
    start: int
    end: int
    base: str
    folded: str
    cap: bool
    possessive: bool
    sentence_start: bool


def _sentence_start(text: str, start: int) -> bool:
    i = start - 1
    while i >= 0 and text[i] in _OPENERS:
        i -= 1
    return i < 0 or text[i] in _SENTENCE_END


def tokenise(text: str) -> list[Token]:
    """Split `text` into word tokens; "Rose's" becomes base "Rose" with a possessive flag."""
    tokens: list[Token] = []
    for m in _WORD.finditer(text):
        word, end = m.group(), m.end()
        possessive = len(word) > 2 and word[-2:] in ("'s", "’s")
        base = word[:-2] if possessive else word
        end = m.start() + len(base)
        cap = base[0].isupper() and (len(base) == 1 or not base.isupper())
        tokens.append(Token(len(tokens), m.start(), end, base, fold(base), cap, possessive,
                            _sentence_start(text, m.start())))
    return tokens


def capital_runs(text: str, tokens: list[Token]) -> list[list[Token]]:
    """Group consecutive capitalised tokens ("St Mary's Primary", "Zhang Wei") into runs."""
    runs: list[list[Token]] = []
    current: list[Token] = []
    for tok in tokens:
        if not tok.cap or len(tok.base) < 2:
            if current:
                runs.append(current)
            current = []
        elif current and _RUN_GAP.fullmatch(text[current[-1].end:tok.start]):
            current.append(tok)
        else:
            if current:
                runs.append(current)
            current = [tok]
    if current:
        runs.append(current)
    return runs


def next_word(tokens: list[Token], tok: Token) -> str:
    """The folded word after `tok`, or ""."""
    nxt = tok.index + 1
    return tokens[nxt].folded if nxt < len(tokens) else ""


def previous_words(tokens: list[Token], tok: Token, count: int = 3) -> list[str]:
    """Up to `count` folded words before `tok`, nearest last."""
    return [t.folded for t in tokens[max(0, tok.index - count):tok.index]]
