"""Capitalised words and their runs, with the surrounding words looked up only on demand.

Only words that start with a capital letter can open a name, a place or an organisation,
so only they are tokenised; the words around one (for "works at", "my client", "said")
are read from a small slice of the text when a rule asks for them.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from storage.anonymiser.lexicon import fold

_UPPER = "".join(c for c in map(chr, range(0x3000)) if c.isupper())
_CAP_WORD = re.compile("[" + re.escape(_UPPER) + r"][^\W\d_]*(?:['’\-][^\W\d_]+)*")
WORD = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")
# ASCII twins: plain letter ranges are much cheaper for sre than Unicode categories. The
# capitalised one skips words glued to a letter ("McD", "o'Neill") itself; its look-behinds
# sit after the first character so that sre can still skip to capitals fast.
_CAP_ASCII = re.compile(r"[A-Z](?<![A-Za-z].)(?<![A-Za-z]['\-].)[A-Za-z]*(?:['\-][A-Za-z]+)*")
_WORD_ASCII = re.compile(r"[A-Za-z]+(?:['\-][A-Za-z]+)*")
_SENTENCE_END = ".!?\n:;•"
_OPENERS = " \t\"'“‘(["
_JOINERS = "'’-"
_POSSESSIVES = ("'s", "’s")
# Capitalised pronouns and conjunctions are never part of a name; skipping them early
# saves most of the tokens in a typical answer (a gap holding one never joins a run).
_PRONOUNS = frozenset({
    "I", "I'm", "I've", "I'd", "I'll", "She", "He", "They", "We", "It", "You", "My", "His",
    "Their", "Our", "But", "So", "If", "When", "This", "That", "There", "What", "And", "She's",
    "He's", "It's", "They're", "We're", "Then", "Because", "Although", "Also",
})
_RUN_GAP = re.compile(
    r"(?:['’]s?)?[ \t]+|[ \t]+(?:of|de|da|du|del|van|der|von|bin|al|la|le|&)[ \t]+")
_ABBREVIATED = frozenset({"st", "dr", "mr", "mrs", "ms", "mx", "prof", "rev", "revd", "fr",
                          "mt", "ft", "sgt", "cllr", "pc", "dc", "ds", "di", "jr", "sr"})
_ABBREVIATION_GAP = re.compile(r"\.[ \t]+")
_LOOKBACK = 48


class Token(NamedTuple):
    """One capitalised word: where it is, its base form (possessive removed), and its casing.

    `cap` is false for ALL-CAPS words ("NHS") and true for "Rose" and "I"; `end` is the
    end of the base, `word_end` the end of the whole word ("Rose's").
    """

    start: int
    end: int
    word_end: int
    base: str
    folded: str
    cap: bool
    possessive: bool
    sentence_start: bool


def base_of(word: str) -> tuple[str, bool]:
    """The word without a possessive "'s", and whether it had one."""
    if len(word) > 2 and word[-2:] in _POSSESSIVES:
        return word[:-2], True
    return word, False


def sentence_start(text: str, start: int) -> bool:
    """True when the word at `start` opens a sentence, a line or the text."""
    i = start - 1
    while i >= 0 and text[i] in _OPENERS:
        i -= 1
    return i < 0 or text[i] in _SENTENCE_END


@lru_cache(maxsize=65536)
def _word_info(word: str) -> tuple[str, int, str, bool, bool] | None:
    """(base, its length, folded base, cap, possessive) for a capitalised word, or None for a
    pronoun; cached per word, since the same words recur in every answer."""
    if word in _PRONOUNS:
        return None
    possessive = len(word) > 2 and word[-2:] in _POSSESSIVES
    base = word[:-2] if possessive else word
    return base, len(base), fold(base), len(base) == 1 or not base.isupper(), possessive


_new_tuple = tuple.__new__  # builds a Token without the Python-level NamedTuple.__new__


def capitalised(text: str) -> list[Token]:
    """Every word of `text` that starts with a capital letter, in order (a hot loop, so the
    helpers are inlined)."""
    tokens: list[Token] = []
    append = tokens.append
    plain = text.isascii()
    for m in (_CAP_ASCII if plain else _CAP_WORD).finditer(text):
        start = m.start()
        if start and not plain:
            before = text[start - 1]
            if before.isalpha() or (before in _JOINERS and start > 1
                                    and text[start - 2].isalpha()):
                continue
        info = _word_info(m.group())
        if info is None:
            continue
        base, size, folded, cap, possessive = info
        i = start - 1
        while i >= 0 and text[i] in _OPENERS:
            i -= 1
        append(_new_tuple(Token, (start, start + size, m.end(), base, folded, cap, possessive,
                                  i < 0 or text[i] in _SENTENCE_END)))
    return tokens


def _joins(text: str, before: Token, after: Token) -> bool:
    """True when only a space, a possessive or a particle ("of", "van") separates two words;
    a full stop joins only after an abbreviation ("St. Mary's", "Dr. Lewis")."""
    if after.start - before.end == 1 and text[before.end] == " ":
        return True
    if _RUN_GAP.fullmatch(text, before.end, after.start):
        return True
    return before.folded in _ABBREVIATED and bool(
        _ABBREVIATION_GAP.fullmatch(text, before.end, after.start))


def _bridges(text: str, before: Token, tok: Token, after: list[Token]) -> bool:
    """True for initials inside a name ("Westshire NHS Trust", "BAE Systems"): an ALL-CAPS
    word joined on both sides to capitalised words."""
    return len(tok.base) > 1 and bool(after) and after[0].cap and _joins(
        text, before, tok) and _joins(text, tok, after[0])


def capital_runs(text: str, tokens: list[Token]) -> list[list[Token]]:
    """Group consecutive capitalised words ("St Mary's Primary", "Zhang Wei") into runs."""
    runs: list[list[Token]] = []
    current: list[Token] = []
    for i, tok in enumerate(tokens):
        if not tok.cap or len(tok.base) < 2:
            after = tokens[i + 1:i + 2]
            if current and _bridges(text, current[-1], tok, after):
                current.append(tok)
                continue
            if current:
                runs.append(current)
            current = []
            if len(tok.base) > 1 and after and after[0].cap and _joins(text, tok, after[0]):
                current = [tok]
            elif len(tok.base) > 1 and not tok.sentence_start:
                runs.append([tok])
        elif current and ((tok.start - current[-1].end == 1 and text[tok.start - 1] == " ")
                          or _joins(text, current[-1], tok)):
            current.append(tok)  # the usual single space is tested inline, before _joins
        else:
            if current:
                runs.append(current)
            current = [tok]
    if current:
        runs.append(current)
    return runs


_BEFORE: dict[tuple[str, int], tuple[str, ...]] = {}


def forget_context() -> None:
    """Drop the words remembered for the previous text (called once per text, so nothing
    is reused across texts; a clear racing another thread only costs a recomputation)."""
    _BEFORE.clear()


def previous_words(text: str, start: int, count: int = 2) -> tuple[str, ...]:
    """Up to `count` (at most two) folded words before `start`, nearest last."""
    key = (text, start)
    words = _BEFORE.get(key)
    if words is None:
        found = (_WORD_ASCII if text.isascii() else WORD).findall(
            text, start - _LOOKBACK if start > _LOOKBACK else 0, start)
        words = _BEFORE[key] = tuple([_context_form(w) for w in found[-2:]])
    return words if count >= len(words) else words[-count:]


@lru_cache(maxsize=65536)
def _context_form(word: str) -> str:
    """A context word folded, possessive removed (cached per word)."""
    return fold(word[:-2] if word[-2:] in _POSSESSIVES else word)


def next_word(text: str, tok: Token) -> str:
    """The folded word after `tok`, or ""."""
    m = (_WORD_ASCII if text.isascii() else WORD).search(text, tok.word_end)
    return fold(base_of(m.group())[0]) if m else ""
