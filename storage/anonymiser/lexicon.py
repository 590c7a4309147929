"""Word lists, built once and cached: the name gazetteer, common words, keep-list, places.

First and last names come from faker's per-locale person providers (romanised forms
for non-Latin scripts), so names of many origins are known without a download.
Ordinary words come from faker's English lorem list plus a small shipped list.
"""

from __future__ import annotations

import importlib
import pkgutil
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import faker.providers.person as person_providers
from faker.providers.lorem.en_US import Provider as EnglishLorem

_FOLD = str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "ß": "ss", "đ": "d", "Đ": "D",
                       "ı": "i", "æ": "ae", "œ": "oe", "’": "'"})
_FIRST_ATTRS = ("first_names", "first_names_male", "first_names_female",
                "first_names_nonbinary", "first_romanized_names")
_LAST_ATTRS = ("last_names", "last_romanized_names", "last_names_male", "last_names_female")
_MIN_NAME = 2

NEVER_NAMES: frozenset[str] = frozenset({
    "i", "he", "she", "they", "we", "you", "it", "his", "her", "their", "my", "our", "your",
    "this", "that", "these", "those", "the", "a", "an", "and", "but", "or", "so", "if", "then",
    "when", "what", "who", "why", "how", "where", "there", "here", "not", "no", "yes", "me",
    "him", "them", "us", "its", "one", "some", "all", "any", "both", "each",
})


@lru_cache(maxsize=65536)
def fold(word: str) -> str:
    """Lower-case and strip accents, so Przemysław, PRZEMYSLAW and przemyslaw agree."""
    decomposed = unicodedata.normalize("NFKD", word.translate(_FOLD))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def _is_latin_word(word: str) -> bool:
    return len(word) >= _MIN_NAME and all(c.isascii() and (c.isalpha() or c in "'-") for c in word)


def _names_from(attr_value: object) -> list[str]:
    if isinstance(attr_value, dict):
        return [str(k) for k in attr_value]
    if isinstance(attr_value, list | tuple):
        return [str(v) for v in attr_value]
    return []


def _faker_names(attrs: tuple[str, ...]) -> frozenset[str]:
    found: set[str] = set()
    for info in pkgutil.iter_modules(person_providers.__path__):
        module = importlib.import_module(f"{person_providers.__name__}.{info.name}")
        provider = getattr(module, "Provider", None)
        for attr in attrs:
            for name in _names_from(getattr(provider, attr, None)):
                for part in name.replace("-", " ").split():
                    folded = fold(part.strip("."))
                    if _is_latin_word(folded):
                        found.add(folded)
    return frozenset(found - NEVER_NAMES)


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

    def is_name(self, folded: str) -> bool:
        """True for a first or last name from any locale."""
        return folded in self.first_names or folded in self.last_names

    def is_ordinary(self, folded: str) -> bool:
        """True for a common English word or a word that must survive."""
        return folded in self.common or folded in self.keep


def _countries() -> set[str]:
    from faker.providers.address.en_GB import Provider as GbAddress
    from faker.providers.address.en_US import Provider as UsAddress

    words: set[str] = set()
    for name in [*GbAddress.countries, *UsAddress.states]:
        words.update(fold(w) for w in name.replace(",", " ").split())
    return words


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """Build the lexicon once per process (about a second, then free)."""
    common = {fold(w) for w in EnglishLorem.word_list} | {fold(w) for w in _shipped(
        "anonymiser_common.txt")}
    keep = {fold(w) for w in _shipped("anonymiser_keep.txt")} | _countries()
    return Lexicon(
        first_names=_faker_names(_FIRST_ATTRS),
        last_names=_faker_names(_LAST_ATTRS),
        common=frozenset(common),
        keep=frozenset(keep),
        places=frozenset(fold(p) for p in _shipped("anonymiser_places.txt")),
        orgs=frozenset(fold(o) for o in _shipped("anonymiser_orgs.txt")),
    )
