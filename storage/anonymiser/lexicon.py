"""Word lists, built once and cached: the name gazetteer, common words, keep-list, places.

First and last names come from faker's per-locale person providers (romanised forms
for non-Latin scripts; shipped as derived lists, see `namelists`) and the US SSA
baby-name counts, so names of many origins are known without a download; a lower-case
English word list (SCOWL) tells a name typed in lower case from an ordinary word.
Ordinary words come from faker's English lorem list plus a small shipped list.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

_FOLD = str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "ß": "ss", "đ": "d", "Đ": "D",
                       "ı": "i", "æ": "ae", "œ": "oe", "’": "'"})
_FIRST_ATTRS = ("first_names", "first_names_male", "first_names_female",
                "first_names_nonbinary", "first_romanized_names")
_LAST_ATTRS = ("last_names", "last_romanized_names", "last_names_male", "last_names_female")
_LATIN_NAME = re.compile(r"[a-z][a-z'\-]+")

NEVER_NAMES: frozenset[str] = frozenset({
    "i", "he", "she", "they", "we", "you", "it", "his", "her", "their", "my", "our", "your",
    "this", "that", "these", "those", "the", "a", "an", "and", "but", "or", "so", "if", "then",
    "when", "what", "who", "why", "how", "where", "there", "here", "not", "no", "yes", "me",
    "him", "them", "us", "its", "one", "some", "all", "any", "both", "each",
})


def _fold(word: str) -> str:
    if word.isascii():
        return word.lower()
    decomposed = unicodedata.normalize("NFKD", word.translate(_FOLD))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


fold = lru_cache(maxsize=65536)(_fold)
fold.__doc__ = "Lower-case and strip accents, so Przemysław, PRZEMYSLAW and przemyslaw agree."


_PUNCTUATION = (("’", "'"), ("‘", "'"), ("“", '"'), ("”", '"'), ("–", "-"), ("—", "-"),
                ("\u00a0", " "), ("•", "."), ("…", "."), ("£", "$"), ("€", "$"))


def _one_to_one() -> dict[int, str]:
    table: dict[int, str] = {}
    for code in range(0xC0, 0x250):
        folded = _fold(chr(code))
        if len(folded) == 1 and folded.isascii():
            table[code] = folded
    table.update({ord(c): r for c, r in _PUNCTUATION})
    return table


_SAME_LENGTH = _one_to_one()
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _case_kept() -> dict[int, str]:
    table: dict[int, str] = {}
    for code in range(0xC0, 0x250):
        base = unicodedata.normalize("NFKD", chr(code).translate(_FOLD))[:1]
        if len(chr(code).translate(_FOLD)) == 1 and base.isascii() and base.isalpha():
            table[code] = base
    table.update({ord(c): r for c, r in _PUNCTUATION})
    return table


_ASCII_SHAPE = _case_kept()


def ascii_shape(text: str) -> str:
    """`text` with accents and typographic punctuation made ASCII, case and offsets kept
    ("Przemysław’s" -> "Przemyslaw's"), so the cheap ASCII regexes can read it; `text`
    itself when that is impossible (other scripts, emoji)."""
    if text.isascii():
        return text
    shaped = _NON_ASCII.sub(lambda m: _ASCII_SHAPE.get(ord(m.group()), m.group()), text)
    return shaped if shaped.isascii() else text


def lower_text(text: str) -> str:
    """`text` lower-cased character for character, so offsets still agree."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c.lower()[:1] for c in text)


def fold_text(text: str) -> str | None:
    """`text` folded character for character (so offsets agree), or None if it cannot be."""
    if text.isascii():
        return text.lower()
    folded = _NON_ASCII.sub(lambda m: _SAME_LENGTH.get(ord(m.group()), m.group()), text)
    return folded.lower() if folded.isascii() else None


def _names_from(attr_value: object) -> Iterable[str]:
    if isinstance(attr_value, dict | list | tuple):
        return attr_value
    return ()


_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


def _folded_names(raw: set[str]) -> frozenset[str]:
    """Split, fold and keep the Latin-script parts of raw faker names (about 60k strings).

    The parts are folded as one string (one C-level normalisation, not one per name):
    this is most of the time the first anonymisation in a process takes."""
    parts = set(" ".join(str(n) for n in raw).replace("-", " ").split())
    joined = " ".join(p.strip(".") for p in parts).translate(_FOLD)
    found = set(_COMBINING.sub("", unicodedata.normalize("NFKD", joined)).lower().split())
    return frozenset(w for w in found if _LATIN_NAME.fullmatch(w)) - NEVER_NAMES


def faker_names() -> tuple[frozenset[str], frozenset[str]]:
    """First and last names from every person provider (slow: imports every locale; the
    shipped lists in storage/data are made from this by `namelists`)."""
    import faker.providers.person as person_providers

    firsts: set[str] = set()
    lasts: set[str] = set()
    for info in pkgutil.iter_modules(person_providers.__path__):
        module = importlib.import_module(f"{person_providers.__name__}.{info.name}")
        provider = getattr(module, "Provider", None)
        for attrs, found in ((_FIRST_ATTRS, firsts), (_LAST_ATTRS, lasts)):
            for attr in attrs:
                found.update(_names_from(getattr(provider, attr, None)))
    return _folded_names(firsts), _folded_names(lasts)


def _shipped(name: str) -> list[str]:
    text = resources.files("storage").joinpath("data", name).read_text(encoding="utf-8")
    return [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]


@dataclass(frozen=True)
class Lexicon:
    """Every word list the name and place strategy consults (all folded)."""

    first_names: frozenset[str]
    last_names: frozenset[str]
    common: frozenset[str]
    keep: frozenset[str]
    places: frozenset[str]
    orgs: frozenset[str]
    word_names: frozenset[str] = frozenset()
    # Lower-case English words (SCOWL) and phone shorthand ("tbh", "appt"): in lower-case
    # text, a word in here is not a name unless the sentence says so.
    english: frozenset[str] = frozenset()
    # National services and benefits ("universal credit"), by their first word.
    services: dict[str, tuple[str, ...]] = field(default_factory=dict, compare=False)
    # Every word of a place or organisation entry (and its possessive-free form): a run
    # holding none of them cannot be in the gazetteers, so they need not be searched.
    gazetteer_words: frozenset[str] = field(init=False, repr=False, compare=False)

    # The first words of places of two or more words ("port" of "port talbot").
    place_words: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        words = {w for entry in self.places | self.orgs for w in entry.split(" ")}
        words |= {w[:-2] for w in words if w.endswith("'s")}
        object.__setattr__(self, "gazetteer_words", frozenset(words))
        object.__setattr__(self, "place_words", frozenset(
            p.split(" ")[0] for p in self.places if " " in p) | self.places)

    def is_name(self, folded: str) -> bool:
        """True for a first or last name from any locale."""
        return folded in self.first_names or folded in self.last_names

    def is_ordinary(self, folded: str) -> bool:
        """True for a common English word or a word that must survive."""
        return folded in self.common or folded in self.keep


def _countries(names: frozenset[str]) -> set[str]:
    """Words of country and US state names; a word of a longer name that is also a
    personal name ("Cook" Islands, "Marshall" Islands) is left out, or surnames survive."""
    from faker.providers.address.en_GB import Provider as GbAddress
    from faker.providers.address.en_US import Provider as UsAddress

    words: set[str] = set()
    for name in [*GbAddress.countries, *UsAddress.states]:
        parts = [fold(w) for w in name.replace(",", " ").split()]
        words.update(p for p in parts if len(parts) == 1 or p not in names)
    return words


def _by_first_word(phrases: Iterable[str]) -> dict[str, tuple[str, ...]]:
    table: dict[str, list[str]] = {}
    for phrase in phrases:
        table.setdefault(phrase.split()[0], []).append(phrase)
    return {first: tuple(found) for first, found in table.items()}


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """Build the lexicon once per process, on first use (a few tenths of a second)."""
    from faker.providers.lorem.en_US import Provider as EnglishLorem

    common = {fold(w) for w in EnglishLorem.word_list} | {fold(w) for w in _shipped(
        "anonymiser_common.txt")}
    first_names = frozenset(_shipped("anonymiser_faker_first.txt")) | frozenset(
        _shipped("anonymiser_given_names.txt"))
    last_names = frozenset(_shipped("anonymiser_faker_last.txt"))
    keep = {fold(w) for w in _shipped("anonymiser_keep.txt")} | _countries(
        first_names | last_names)
    return Lexicon(
        first_names=first_names,
        last_names=last_names,
        common=frozenset(common),
        keep=frozenset(keep),
        places=frozenset(fold(p) for p in _shipped("anonymiser_places.txt")),
        orgs=frozenset(fold(o) for o in _shipped("anonymiser_orgs.txt")),
        word_names=frozenset(_shipped("anonymiser_word_names.txt")),
        services=_by_first_word(fold(p) for p in _shipped("anonymiser_services.txt")),
        english=frozenset(_shipped("anonymiser_english.txt"))
        | frozenset(_shipped("anonymiser_texting.txt")) | keep,
    )
