"""/start: what Schtum is and is not, the privacy promise, crisis numbers, jurisdiction.

The jurisdiction is stored in the practitioner's encrypted settings with
`onboarded: true`; it decides which breach flow /dilemma runs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from telegram import Bot
from telegram.constants import ParseMode

from bot.telegram import callbacks, texts
from bot.telegram.chats import ChatState
from bot.telegram.render import keyboard, with_answer

if TYPE_CHECKING:
    from bot.telegram.channel import Channel


def onboarded(channel: Channel, who: str) -> bool:
    store = channel.service.store
    return store is None or bool(store.load_settings(who).get("onboarded"))


async def welcome(channel: Channel, bot: Bot, state: ChatState) -> None:
    """The welcome text with a button per jurisdiction."""
    labels = tuple(name for _, name in texts.JURISDICTIONS)
    data = [callbacks.encode(callbacks.JURISDICTION, "0", i) for i in range(len(labels))]
    message = await bot.send_message(state.chat_id, texts.WELCOME, parse_mode=ParseMode.HTML,
                                     reply_markup=keyboard(labels, data))
    state.live[callbacks.JURISDICTION] = message.message_id


async def choose(channel: Channel, bot: Bot, state: ChatState, who: str, message_id: int,
                 index: int) -> None:
    """Save the chosen jurisdiction, mark the welcome answered, say what to do next."""
    code, name = texts.JURISDICTIONS[index]
    store = channel.service.store
    if store is not None:
        settings = store.load_settings(who)
        store.save_settings(who, {**settings, "jurisdiction": code, "onboarded": True})
    await bot.edit_message_text(with_answer(texts.WELCOME, name), state.chat_id, message_id,
                                parse_mode=ParseMode.HTML)
    await channel.say(bot, state, texts.READY.format(place=name))
