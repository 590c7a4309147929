"""The fake Bot API behaves as Telegram does, driven by a real python-telegram-bot.

Where PTB would refuse to send bad input itself, the test posts raw HTTP instead. Each
rule is checked both ways: the good case is accepted, the bad case gets Telegram's
status and description.
"""

from __future__ import annotations

import asyncio
import html
import json
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, Conflict, Forbidden, InvalidToken
from telegram.ext import Application, ContextTypes, MessageHandler, filters

from tests.fake_bot_api import FakeBotApi, parse_html
from tests.fake_bot_api.html_entities import EntityParseError

TOKEN = "123456:TEST-token-abc"
USER = 4242


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi(token=TOKEN, max_poll_wait=0.5) as fake:
        yield fake


@pytest.fixture
async def bot(api: FakeBotApi) -> AsyncIterator[Bot]:
    async with Bot(TOKEN, base_url=api.base_url) as real_bot:
        yield real_bot


async def post(api: FakeBotApi, method: str, token: str = TOKEN, **params: Any) -> httpx.Response:
    """A raw form post, JSON-encoding non-strings as PTB does."""
    data = {k: v if isinstance(v, str) else json.dumps(v) for k, v in params.items()}
    async with httpx.AsyncClient() as client:
        return await client.post(f"{api.base_url}{token}/{method}", data=data)


def keyboard(data: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton("Choose", callback_data=data)]])


async def test_get_me_answers_with_the_bot_the_token_names(bot: Bot) -> None:
    me = await bot.get_me()
    assert (me.id, me.is_bot, me.username) == (123456, True, "schtum_test_bot")


async def test_a_wrong_token_is_unauthorized(api: FakeBotApi) -> None:
    response = await post(api, "getMe", token="123456:wrong")
    assert response.status_code == 401
    assert response.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}
    with pytest.raises(InvalidToken):
        async with Bot("123456:wrong", base_url=api.base_url):
            pass


@pytest.mark.parametrize("method", ["getMe", "getme", "GETME"])
async def test_method_names_are_case_insensitive(api: FakeBotApi, method: str) -> None:
    assert (await post(api, method)).json()["ok"] is True


async def test_an_unknown_method_is_not_found(api: FakeBotApi) -> None:
    response = await post(api, "sendTelepathy")
    assert response.status_code == 404
    assert response.json() == {"ok": False, "error_code": 404, "description": "Not Found"}


async def test_json_bodies_and_query_strings_are_read_like_forms(api: FakeBotApi) -> None:
    api.user_sends(USER, "hi")
    url = f"{api.base_url}{TOKEN}/sendMessage"
    async with httpx.AsyncClient() as client:
        as_json = await client.post(url, json={"chat_id": USER, "text": "json"})
        as_query = await client.get(url, params={"chat_id": str(USER), "text": "query"})
    assert as_json.json()["result"]["text"] == "json"
    assert as_query.json()["result"]["text"] == "query"


async def test_long_poll_returns_an_update_as_soon_as_it_is_queued(
    api: FakeBotApi, bot: Bot
) -> None:
    poll = asyncio.create_task(bot.get_updates(timeout=10))
    await asyncio.sleep(0.05)
    started = time.monotonic()
    api.user_sends(USER, "/start")
    updates = await poll
    assert time.monotonic() - started < 0.3
    assert updates[0].message.text == "/start"
    assert updates[0].message.entities[0].type == "bot_command"


async def test_long_poll_without_updates_waits_no_longer_than_the_cap(bot: Bot) -> None:
    started = time.monotonic()
    assert await bot.get_updates(timeout=30) == ()
    assert 0.4 <= time.monotonic() - started < 1.5


async def test_get_updates_drops_confirmed_updates_and_honours_offset(
    api: FakeBotApi, bot: Bot
) -> None:
    for text in ("one", "two", "three"):
        api.user_sends(USER, text)
    first = await bot.get_updates(limit=2)
    assert [u.message.text for u in first] == ["one", "two"]
    rest = await bot.get_updates(offset=first[-1].update_id + 1)
    assert [u.message.text for u in rest] == ["three"]
    assert [u.message.text for u in await bot.get_updates()] == ["three"]


async def test_allowed_updates_filters_update_kinds(api: FakeBotApi, bot: Bot) -> None:
    api.user_sends(USER, "hello")
    sent = await bot.send_message(USER, "pick", reply_markup=keyboard("a"))
    api.user_presses(USER, sent.message_id, "a")
    only_callbacks = await bot.get_updates(allowed_updates=["callback_query"])
    assert [u.callback_query.data for u in only_callbacks] == ["a"]


@pytest.mark.parametrize(
    ("text", "parse_mode"),
    [("x", None), ("a" * 4096, None), ("😀" * 2048, None),
     ("<b>" + "a" * 4096 + "</b>", "HTML"), ("&lt;" * 4096, "HTML")],
    ids=["one char", "4096 ascii", "2048 emoji", "4096 inside tags", "4096 entities"],
)
async def test_text_up_to_4096_utf16_units_after_parsing_is_accepted(
    api: FakeBotApi, bot: Bot, text: str, parse_mode: str | None
) -> None:
    api.user_sends(USER, "hi")
    assert (await bot.send_message(USER, text, parse_mode=parse_mode)).text


@pytest.mark.parametrize(
    ("text", "description"),
    [("", "message text is empty"), ("  \n ", "message text is empty"),
     ("<b> </b>", "message text is empty"), ("a" * 4097, "message is too long"),
     ("😀" * 2049, "message is too long"), ("<i>" + "a" * 4097 + "</i>", "message is too long")],
    ids=["empty", "blank", "blank in tags", "4097 ascii", "2049 emoji", "4097 inside tags"],
)
async def test_empty_or_overlong_text_is_rejected(
    api: FakeBotApi, text: str, description: str
) -> None:
    api.user_sends(USER, "hi")
    response = await post(api, "sendMessage", chat_id=USER, text=text, parse_mode="HTML")
    assert response.status_code == 400
    assert response.json()["description"] == f"Bad Request: {description}"


@pytest.mark.parametrize(
    ("html_text", "error"),
    [("a < b", 'Unsupported start tag "" at byte offset 2'),
     ("<br>", 'Unsupported start tag "br" at byte offset 0'),
     ("<b>bold", 'Can\'t find end tag corresponding to start tag "b"'),
     ("<b><i>x</b></i>", 'Unmatched end tag at byte offset 7, expected "</i>", found "</b>"'),
     ("x</b>", "Unexpected end tag at byte offset 1"),
     ("x <b", "Unclosed start tag at byte offset 2"),
     ("<span>x</span>", 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
     ("R&D", 'Unescaped "&" at byte offset 1')],
)
async def test_malformed_html_cannot_be_parsed(
    api: FakeBotApi, bot: Bot, html_text: str, error: str
) -> None:
    api.user_sends(USER, "hi")
    with pytest.raises(BadRequest, match="parse entities"):
        await bot.send_message(USER, html_text, parse_mode="HTML")
    assert api.errors[-1].response["description"] == f"Bad Request: can't parse entities: {error}"


def test_html_parses_to_visible_text_with_utf16_entity_offsets() -> None:
    parsed = parse_html('😀 <b>bold</b> <a href="https://x.org/?a=1&amp;b=2">link</a> '
                        '<pre><code class="language-py">x = 1</code></pre> '
                        '<blockquote expandable>q</blockquote> <tg-spoiler>s</tg-spoiler>')
    assert parsed.text == "😀 bold link x = 1 q s"
    assert parsed.entities == [
        {"offset": 3, "length": 4, "type": "bold"},
        {"offset": 8, "length": 4, "type": "text_link", "url": "https://x.org/?a=1&b=2"},
        {"offset": 13, "length": 5, "type": "pre", "language": "py"},
        {"offset": 19, "length": 1, "type": "expandable_blockquote"},
        {"offset": 21, "length": 1, "type": "spoiler"},
    ]


def test_a_bare_ampersand_is_literal_when_strictness_is_off() -> None:
    assert parse_html("R&D &laquo;", strict=False).text == "R&D &laquo;"
    with pytest.raises(EntityParseError):
        parse_html("R&D")


@given(st.text())
def test_escaped_text_always_parses_back_to_itself(text: str) -> None:
    assert parse_html(html.escape(text)).text == text


@pytest.mark.parametrize("data", ["a" * 64, "é" * 32], ids=["64 ascii", "32 two-byte"])
async def test_callback_data_up_to_64_bytes_is_accepted(
    api: FakeBotApi, bot: Bot, data: str
) -> None:
    api.user_sends(USER, "hi")
    sent = await bot.send_message(USER, "pick", reply_markup=keyboard(data))
    assert sent.reply_markup.inline_keyboard[0][0].callback_data == data


@pytest.mark.parametrize("data", ["a" * 65, "é" * 33], ids=["65 ascii", "33 two-byte"])
async def test_callback_data_over_64_bytes_is_button_data_invalid(
    api: FakeBotApi, bot: Bot, data: str
) -> None:
    api.user_sends(USER, "hi")
    with pytest.raises(BadRequest, match="Button_data_invalid"):
        await bot.send_message(USER, "pick", reply_markup=keyboard(data))
    assert api.errors[-1].response["description"] == "Bad Request: BUTTON_DATA_INVALID"


@pytest.mark.parametrize(
    ("markup", "description"),
    [("{not json", "can't parse reply keyboard markup JSON object"),
     ({"inline_keyboard": [{"text": "x"}]},
      'field "inline_keyboard" of the InlineKeyboardMarkup should be an Array of Arrays'),
     ({"inline_keyboard": [[{"text": "x"}]]},
      "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"),
     ({"inline_keyboard": [[{"text": "", "callback_data": "x"}]]}, "BUTTON_TEXT_INVALID"),
     ({"inline_keyboard": [[{"callback_data": "x"}]]},
      'can\'t parse inline keyboard button: Can\'t find field "text"'),
     ({"inline_keyboard": [[{"text": "x", "url": "javascript:alert(1)"}]]},
      "inline keyboard button URL 'javascript:alert(1)' is invalid")],
)
async def test_malformed_inline_keyboards_are_rejected(
    api: FakeBotApi, markup: Any, description: str
) -> None:
    api.user_sends(USER, "hi")
    response = await post(api, "sendMessage", chat_id=USER, text="x", reply_markup=markup)
    assert (response.status_code, response.json()["description"]) == (
        400, f"Bad Request: {description}")


async def test_a_chat_is_unknown_until_its_user_writes(api: FakeBotApi, bot: Bot) -> None:
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.send_message(USER, "hello")
    api.user_sends(USER, "/start")
    assert (await bot.send_message(USER, "hello")).chat.id == USER


async def test_edits_change_the_stored_message_and_identical_edits_are_refused(
    api: FakeBotApi, bot: Bot
) -> None:
    api.user_sends(USER, "hi")
    sent = await bot.send_message(USER, "Question?", reply_markup=keyboard("a"))
    edited = await bot.edit_message_text("Question? <b>a</b>", USER, sent.message_id,
                                         parse_mode="HTML")
    assert edited.reply_markup is None and edited.edit_date is not None
    assert api.messages(USER)[-1]["text"] == "Question? a"
    with pytest.raises(BadRequest, match="Message is not modified"):
        await bot.edit_message_text("Question? <b>a</b>", USER, sent.message_id,
                                    parse_mode="HTML")


async def test_reply_markup_edits_remove_a_keyboard_once(api: FakeBotApi, bot: Bot) -> None:
    api.user_sends(USER, "hi")
    sent = await bot.send_message(USER, "pick", reply_markup=keyboard("a"))
    await bot.edit_message_reply_markup(USER, sent.message_id, reply_markup=None)
    with pytest.raises(BadRequest, match="Message is not modified"):
        await bot.edit_message_reply_markup(USER, sent.message_id, reply_markup=None)


@pytest.mark.parametrize(("whose", "error"), [("missing", "Message to edit not found"),
                                              ("user's", "Message can't be edited")])
async def test_only_the_bots_existing_messages_can_be_edited(
    api: FakeBotApi, bot: Bot, whose: str, error: str
) -> None:
    user_message = api.user_sends(USER, "hi")
    target = user_message if whose == "user's" else 999
    with pytest.raises(BadRequest, match=error):
        await bot.edit_message_text("new", USER, target)


async def test_a_message_can_be_deleted_once_and_only_within_48_hours(
    api: FakeBotApi, bot: Bot
) -> None:
    api.user_sends(USER, "hi")
    fresh = await bot.send_message(USER, "fresh")
    assert await bot.delete_message(USER, fresh.message_id)
    with pytest.raises(BadRequest, match="Message to delete not found"):
        await bot.delete_message(USER, fresh.message_id)
    old = await bot.send_message(USER, "old")
    api.advance_clock(48 * 3600 + 1)
    with pytest.raises(BadRequest, match="Message can't be deleted for everyone"):
        await bot.delete_message(USER, old.message_id)
    assert [m["deleted"] for m in api.messages(USER)] == [False, True, False]


async def test_delete_messages_skips_unknown_ids_and_deletes_the_rest(
    api: FakeBotApi, bot: Bot
) -> None:
    first = api.user_sends(USER, "hi")
    reply = await bot.send_message(USER, "hello")
    assert await bot.delete_messages(USER, [first, reply.message_id, 999])
    assert all(m["deleted"] for m in api.messages(USER))


async def test_delete_messages_refuses_old_messages_and_deletes_none(
    api: FakeBotApi, bot: Bot
) -> None:
    old = api.user_sends(USER, "old")
    api.advance_clock(49 * 3600)
    new = api.user_sends(USER, "new")
    with pytest.raises(BadRequest, match="Message can't be deleted for everyone"):
        await bot.delete_messages(USER, [new, old])
    assert not any(m["deleted"] for m in api.messages(USER))


@pytest.mark.parametrize("ids", [[], list(range(1, 102))], ids=["none", "101"])
async def test_delete_messages_takes_1_to_100_ids(api: FakeBotApi, ids: list[int]) -> None:
    api.user_sends(USER, "hi")
    response = await post(api, "deleteMessages", chat_id=USER, message_ids=ids)
    assert response.status_code == 400


async def test_a_callback_query_is_answered_once(api: FakeBotApi, bot: Bot) -> None:
    api.user_sends(USER, "hi")
    sent = await bot.send_message(USER, "pick", reply_markup=keyboard("a"))
    query_id = api.user_presses(USER, sent.message_id, "a")
    (update,) = await bot.get_updates(offset=2)
    assert (update.callback_query.id, update.callback_query.data) == (query_id, "a")
    assert await bot.answer_callback_query(query_id, text="x" * 200)
    with pytest.raises(BadRequest, match="Query is too old"):
        await bot.answer_callback_query(query_id)


@pytest.mark.parametrize("case", ["unknown", "expired", "long text"])
async def test_bad_callback_answers_are_refused(api: FakeBotApi, bot: Bot, case: str) -> None:
    api.user_sends(USER, "hi")
    sent = await bot.send_message(USER, "pick", reply_markup=keyboard("a"))
    query_id = api.user_presses(USER, sent.message_id, "a")
    if case == "expired":
        api.advance_clock(60)
    args = {"unknown": ("999", None), "expired": (query_id, None),
            "long text": (query_id, "x" * 201)}[case]
    with pytest.raises(BadRequest, match="too old|Message_too_long"):
        await bot.answer_callback_query(*args)


async def test_pressing_needs_the_button_unless_forged(api: FakeBotApi, bot: Bot) -> None:
    api.user_sends(USER, "hi")
    sent = await bot.send_message(USER, "pick", reply_markup=keyboard("a"))
    with pytest.raises(ValueError, match="no button"):
        api.user_presses(USER, sent.message_id, "b")
    assert api.user_presses(USER, sent.message_id, "b", check_button=False)


@pytest.mark.parametrize(("action", "status"), [("typing", 200), ("dancing", 400)])
async def test_only_known_chat_actions_are_accepted(
    api: FakeBotApi, action: str, status: int
) -> None:
    api.user_sends(USER, "hi")
    response = await post(api, "sendChatAction", chat_id=USER, action=action)
    assert response.status_code == status
    if status == 400:
        assert response.json()["description"] == "Bad Request: wrong parameter action in request"


async def test_commands_are_stored_and_invalid_ones_refused(api: FakeBotApi, bot: Bot) -> None:
    assert await bot.set_my_commands([("start", "Begin"), ("help", "How it works")])
    assert [c.command for c in await bot.get_my_commands()] == ["start", "help"]
    with pytest.raises(BadRequest, match="Bot_command_invalid"):
        await bot.set_my_commands([("Start", "Begin")])
    assert await bot.delete_my_commands()
    assert await bot.get_my_commands() == ()


async def test_a_group_the_bot_leaves_can_no_longer_be_written_to(
    api: FakeBotApi, bot: Bot
) -> None:
    api.add_to_group(-100, USER)
    (update,) = await bot.get_updates()
    assert update.my_chat_member.new_chat_member.status == "member"
    with pytest.raises(BadRequest, match="private chats"):
        api.user_sends(USER, "hi")
        await bot.leave_chat(USER)
    assert await bot.leave_chat(-100)
    with pytest.raises(Forbidden):
        await bot.send_message(-100, "still here?")


async def test_user_edits_arrive_as_edited_messages(api: FakeBotApi, bot: Bot) -> None:
    message_id = api.user_sends(USER, "first")
    api.user_edits(USER, message_id, "second")
    updates = await bot.get_updates()
    assert updates[-1].edited_message.text == "second"
    assert updates[-1].edited_message.message_id == message_id


async def test_get_updates_conflicts_with_an_active_webhook(api: FakeBotApi, bot: Bot) -> None:
    assert await bot.set_webhook("https://example.org/hook")
    assert (await bot.get_webhook_info()).url == "https://example.org/hook"
    with pytest.raises(Conflict):
        await bot.get_updates()
    assert await bot.delete_webhook()
    assert await bot.get_updates() == ()


async def test_every_request_is_recorded_and_4xx_ones_are_errors(
    api: FakeBotApi, bot: Bot
) -> None:
    api.user_sends(USER, "hi")
    await bot.send_message(USER, "fine")
    with pytest.raises(BadRequest):
        await bot.send_message(USER, "<oops>", parse_mode="HTML")
    assert [(r.method, r.status) for r in api.requests] == [
        ("getMe", 200), ("sendMessage", 200), ("sendMessage", 400)]
    (error,) = api.errors
    assert error.params == {"chat_id": USER, "text": "<oops>", "parse_mode": "HTML"}
    assert error.response["error_code"] == 400


async def test_waiting_for_a_bot_message_that_never_comes_times_out(api: FakeBotApi) -> None:
    with pytest.raises(TimeoutError):
        await api.wait_for_bot_message(USER, timeout=0.1)


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Say back what the user said, escaped."""
    message = update.effective_message
    assert message is not None and message.text
    await message.reply_html(f"<i>{html.escape(message.text)}</i>")


async def test_a_polling_application_echoes_and_stops_within_seconds(api: FakeBotApi) -> None:
    app = Application.builder().token(TOKEN).base_url(api.base_url).build()
    app.add_handler(MessageHandler(filters.TEXT, echo))
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(timeout=10, poll_interval=0)
        api.user_sends(USER, "a <tag> & more")
        reply = await api.wait_for_bot_message(USER)
        started = time.monotonic()
        await app.updater.stop()
        await app.stop()
    assert time.monotonic() - started < 3
    assert reply["text"] == "a <tag> & more"
    assert reply["entities"] == [{"offset": 0, "length": 14, "type": "italic"}]
    assert api.errors == []


async def test_a_threaded_server_serves_another_loop_and_stops_promptly() -> None:
    api = FakeBotApi(token=TOKEN).start_in_thread()
    try:
        async with Bot(TOKEN, base_url=api.base_url) as real_bot:
            poll = asyncio.create_task(real_bot.get_updates(timeout=10))
            await asyncio.sleep(0.05)
            api.user_sends(USER, "from the test thread")
            (update,) = await poll
            assert update.message.text == "from the test thread"
            await real_bot.send_message(USER, "reply")
            assert (await api.wait_for_bot_message(USER))["text"] == "reply"
    finally:
        started = time.monotonic()
        api.stop()
    assert time.monotonic() - started < 2


async def test_closing_the_server_ends_a_pending_long_poll_at_once() -> None:
    api = await FakeBotApi(token=TOKEN, max_poll_wait=10).start()
    async with Bot(TOKEN, base_url=api.base_url) as real_bot:
        poll = asyncio.create_task(real_bot.get_updates(timeout=10))
        await asyncio.sleep(0.1)
        started = time.monotonic()
        await api.aclose()
        assert await poll == ()
    assert time.monotonic() - started < 1


async def test_url_buttons_with_a_web_address_are_accepted(api: FakeBotApi, bot: Bot) -> None:
    api.user_sends(USER, "hi")
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Help", url="https://example.org/x")]])
    sent = await bot.send_message(USER, "see", reply_markup=markup)
    assert sent.reply_markup.inline_keyboard[0][0].url == "https://example.org/x"
