"""Properties of the anonymiser over random and hostile text: it never raises, never lets
an invisible character through, writes only well-formed placeholders, and is stable on
its own output."""

from __future__ import annotations

import re
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from storage.anonymiser import KIND_NAMES, Anonymiser, anonymise
from storage.text import normalise

HOSTILE = ["\ud800", "\udfff", "\u200b", "\u200d", "\u2060", "\u00ad", "\ufeff", "\u202e",
           "\u202c", "\u2066", "\u2069", "\u200f", "\u3164", "\x00", "\r", "\u2028", "\u00a0"]
INVISIBLE = [c for c in HOSTILE if c not in "\ud800\udfff\r\u2028\u00a0"]
NAMES = ["Siobhan", "Kwame Mensah", "Przemysław", "Aoife O'Neill", "Mr Okafor", "Priya"]
DETAILS = ["on 3 May 2024", "on 07700 900461", "in Leeds", "at jo@example.com",
           "at St Mary's School"]
DOINGS = ["said", "her mum rang", "was worried", "talked about the GP", "came back"]
PIECES = NAMES + DETAILS + DOINGS + [".", ","]
PLACEHOLDER = re.compile(r"\[(?:(?:PERSON|PLACE|ORG) [1-9][0-9]*|[A-Z]+)\]")
NUMBERED = {"PERSON", "PLACE", "ORG"}

any_text = st.text(st.one_of(st.characters(codec=None, exclude_categories=()),
                             st.sampled_from(HOSTILE)), max_size=300)


@st.composite
def hostile_prose(draw: st.DrawFn) -> str:
    """Plausible answers with invisible and odd characters scattered through them."""
    words = draw(st.lists(st.sampled_from(PIECES), min_size=1, max_size=15))
    text = " ".join(words)
    for _ in range(draw(st.integers(0, 6))):
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(st.sampled_from(HOSTILE)) + text[at:]
    return text


@st.composite
def hidden_sentences(draw: st.DrawFn) -> str:
    """Sentences ("Priya rang in Leeds.") with invisible characters scattered through them."""
    count = draw(st.integers(1, 4))
    text = ". ".join(f"{draw(st.sampled_from(NAMES))} {draw(st.sampled_from(DOINGS))} "
                     f"{draw(st.sampled_from(DETAILS))}" for _ in range(count)) + "."
    for _ in range(draw(st.integers(0, 6))):
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(st.sampled_from(INVISIBLE)) + text[at:]
    return text


def _is_invisible(char: str) -> bool:
    return unicodedata.category(char) in ("Cf", "Cs")


@settings(max_examples=120, deadline=None)
@given(st.one_of(any_text, hostile_prose()))
def test_redaction_never_raises_and_is_clean_and_storable(text: str) -> None:
    result = anonymise(text)
    assert not any(_is_invisible(c) for c in result.text)
    result.text.encode("utf-8")
    clean = normalise(text)
    for finding in result.found:
        assert 0 <= finding.start < finding.end <= len(clean)
        assert finding.kind in KIND_NAMES
        assert PLACEHOLDER.fullmatch(finding.placeholder)
        assert finding.placeholder.startswith(f"[{finding.kind}")
        assert (finding.kind in NUMBERED) == (" " in finding.placeholder)
        assert finding.placeholder in result.text


@settings(max_examples=80, deadline=None)
@given(hidden_sentences())
def test_no_name_survives_however_it_is_hidden(text: str) -> None:
    out = anonymise(text).text
    assert out == anonymise(normalise(text)).text
    for word in ("Siobhan", "Kwame", "Mensah", "Przemysław", "Aoife", "Okafor", "Priya",
                 "Leeds", "07700", "example.com"):
        assert word not in out


@settings(max_examples=80, deadline=None)
@given(hidden_sentences())
def test_redacting_redacted_text_changes_nothing(text: str) -> None:
    """Holds for sentences; not for word salad: names jammed against each other or a
    place ("in Leeds Kwame Mensah Priya") can be missed once and caught next to a
    placeholder on a second pass (a recall limit found by these tests, issue 10)."""
    once = anonymise(text).text
    assert anonymise(once).text == once


@settings(max_examples=40, deadline=None)
@given(hostile_prose(), st.lists(st.sampled_from(PIECES + HOSTILE), max_size=3))
def test_extra_terms_never_raise_and_leave_no_invisible_character(
        text: str, terms: list[str]) -> None:
    result = Anonymiser().redact(text, terms)
    assert not any(_is_invisible(c) for c in result.text)
