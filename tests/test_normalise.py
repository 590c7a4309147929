"""storage.text.normalise: the one normal form every input takes before it is checked or kept."""

from __future__ import annotations

import sys
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flows.loader import load_flow, shipped_ids
from storage.text import has_surrogates, normalise

EVERY = "".join(chr(c) for c in range(sys.maxunicode + 1))
FORMAT = [c for c in EVERY if unicodedata.category(c) == "Cf"]
HOSTILE = ["\ud800", "\udfff", "\u200b", "\u200d", "\u2060", "\u00ad", "\ufeff", "\u202e",
           "\u2066", "\u3164", "\x00", "\x1b", "\r", "\x85", "\u2028", "\u00a0", "\u3000",
           "²", "ﬁ", "Ｊ", "\u0301"]


def test_every_format_character_is_dropped() -> None:
    assert len(FORMAT) > 150
    assert normalise("a" + "".join(FORMAT) + "b") == "ab"


def test_control_characters_go_and_line_ends_become_newlines() -> None:
    assert normalise("a\x00b\x1b[31mc\x7f") == "ab[31mc"
    assert normalise("one\r\ntwo\rthree\x85four\u2028five\x0csix") == \
        "one\ntwo\nthree\nfour\nfive\nsix"
    assert normalise("tab\tkept\n") == "tab\tkept\n"


def test_odd_spaces_become_one_plain_space_and_nfkc_applies() -> None:
    assert normalise("a\u00a0b\u2009c\u3000d\u1680e") == "a b c d e"
    assert normalise("ﬁne Ｊｏｈｎ ²") == "fine John 2"
    assert normalise("Sio\u0301") == "Sió"


def test_lone_surrogates_become_the_replacement_character() -> None:
    assert normalise("a \ud800 b \udcff") == "a \ufffd b \ufffd"
    assert has_surrogates("a \udcff") and not has_surrogates("a \ufffd") \
        and not has_surrogates("plain")


def test_plain_ascii_is_returned_as_it_is() -> None:
    text = "Siobhan rang on 3 May about her mum."
    assert normalise(text) is text


def test_shipped_choice_labels_are_already_normal() -> None:
    """The service normalises every choice it is given, so labels must not change."""
    for flow_id in shipped_ids():
        for state in load_flow(flow_id).states.values():
            for choice in state.choices:
                assert normalise(choice.label) == choice.label, (flow_id, choice.label)


@pytest.mark.parametrize("hostile", HOSTILE)
def test_each_hostile_character_leaves_text_that_utf8_can_store(hostile: str) -> None:
    out = normalise(f"J{hostile}ohn")
    out.encode("utf-8")
    assert not any(unicodedata.category(c) in ("Cf", "Cs") for c in out)


@settings(max_examples=300, deadline=None)
@given(st.text(st.one_of(st.characters(codec=None, exclude_categories=()),
                         st.sampled_from(HOSTILE)), max_size=80))
def test_normalise_is_idempotent_and_always_storable(text: str) -> None:
    once = normalise(text)
    assert normalise(once) == once
    once.encode("utf-8")
    assert unicodedata.is_normalized("NFKC", once)
    assert not any(unicodedata.category(c) in ("Cf", "Cs") for c in once)
    assert not any(unicodedata.category(c) == "Cc" and c not in "\t\n" for c in once)
