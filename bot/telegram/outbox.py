"""Sending for the supervision handlers: to the presser's chat, or to a linked person.

A notification goes to the chat id kept in the recipient's encrypted settings; if it is
unknown or Telegram refuses (they blocked the bot), the sender's action still stands and
only the event is logged, never an id.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Sequence

from telegram import Bot, InlineKeyboardMarkup, InputFile
from telegram.constants import ParseMode
from telegram.error import TelegramError

from bot import people
from bot.telegram.channel import Channel
from bot.telegram.chats import ChatState
from bot.telegram.render import keyboard, split_html

log = logging.getLogger("schtum.telegram")
Buttons = Sequence[tuple[str, str]]


def markup(buttons: Buttons) -> InlineKeyboardMarkup | None:
    if not buttons:
        return None
    return keyboard([label for label, _ in buttons], [data for _, data in buttons])


async def send(channel: Channel, bot: Bot, state: ChatState, html_text: str,
               buttons: Buttons = (), *, private: bool = False) -> int:
    """Send HTML (split if long, buttons under the last part); the last message's id."""
    parts = split_html(html_text)
    message_id = 0
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        message = await channel.send_html(bot, state, part, markup(buttons) if last else None,
                                          private=private)
        message_id = message.message_id
    return message_id


async def notify(channel: Channel, bot: Bot, who: str, html_text: str, buttons: Buttons = (),
                 *, private: bool = True) -> bool:
    """Tell a linked person something at once; False if they cannot be reached."""
    store = channel.service.store
    chat_id = people.chat_of(store, who) if store is not None else None
    if chat_id is None:
        log.info("notify_skipped reason=no_chat who=%s", who[:12])
        return False
    try:
        for index, part in enumerate(parts := split_html(html_text)):
            last = index == len(parts) - 1
            await bot.send_message(chat_id, part, parse_mode=ParseMode.HTML,
                                   reply_markup=markup(buttons) if last else None,
                                   protect_content=private or None)
    except TelegramError as problem:
        log.warning("notify_failed who=%s error=%s", who[:12], type(problem).__name__)
        return False
    return True


async def document(channel: Channel, bot: Bot, state: ChatState, data: bytes, filename: str,
                   caption: str) -> None:
    """A document built in memory (never on disk), protected from forwarding and saving."""
    message = await bot.send_document(state.chat_id, InputFile(io.BytesIO(data),
                                                               filename=filename),
                                      caption=caption, protect_content=True)
    state.track(message.message_id, message.date.timestamp())
