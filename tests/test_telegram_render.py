"""Rendering and callback data: escaped HTML, 4,096-character parts, 64-byte buttons."""

from __future__ import annotations

import html

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.messages import Reply
from bot.telegram import callbacks
from bot.telegram.render import MAX_TEXT, outgoing, reply_html, split_html, utf16_len
from tests.fake_bot_api import parse_html


@pytest.mark.parametrize("text", ["<b>bold</b>", "a & b", "x < y > z", "&amp;", "<a href=x>"])
def test_flow_and_user_text_is_escaped(text: str) -> None:
    shown = reply_html(Reply(text, progress=(2, 9)))
    assert parse_html(shown).text == f"Question 2 of about 9\n{text}"


@given(st.text(min_size=1, max_size=12_000))
def test_any_text_splits_into_valid_parts_within_the_limit(text: str) -> None:
    parts = split_html(html.escape(text))
    assert all(utf16_len(p) <= MAX_TEXT for p in parts)
    assert "".join(parse_html(p).text for p in parts).replace("\n", "").replace(" ", "") == \
        text.replace("\n", "").replace(" ", "")


def test_long_replies_split_at_paragraph_boundaries() -> None:
    paragraphs = [f"Paragraph {n} " + "word " * 300 for n in range(8)]
    parts = split_html("\n\n".join(paragraphs))
    assert len(parts) > 1
    assert all(p.startswith("Paragraph ") for p in parts)


def test_keyboard_goes_under_the_last_part_and_private_text_stays_apart() -> None:
    replies = [Reply("intro"), Reply("summary " * 1500, ("Save", "Discard"), "choice",
                                     private=True)]
    sent = outgoing(replies)
    assert [m.private for m in sent] == [False, True, True, True]
    assert [m.choices for m in sent][-1] == ("Save", "Discard")
    assert all(not m.choices for m in sent[:-1])


@given(st.text(max_size=80) | st.from_regex(r"[a-z]:[0-9a-f]{1,9}:[0-9]{1,4}", fullmatch=True))
def test_forged_callback_data_is_never_mistaken_for_ours(data: str) -> None:
    press = callbacks.decode(data)
    if press is not None:
        assert callbacks.encode(press.kind, press.token, press.index) == data


@pytest.mark.parametrize("count", [1, 9, 99])
def test_answer_buttons_fit_in_64_bytes(count: int) -> None:
    for data in callbacks.answer_buttons("ffffffff", count):
        assert len(data.encode()) <= 64
        assert callbacks.decode(data) is not None
