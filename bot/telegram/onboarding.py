"""/start: what Schtum is and is not, the privacy promise, crisis numbers, jurisdiction.

The jurisdiction is stored in the practitioner's encrypted settings with
`onboarded: true`; it decides which breach flow /dilemma runs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from telegram import Bot
from telegram.constants import ParseMode

from bot.telegram import callbacks, texts
from bot.telegram.chats import CONSUMED, ChatState
from bot.telegram.render import keyboard, with_answer

if TYPE_CHECKING:
    from bot.telegram.channel import Channel


def onboarded(channel: Channel, who: str) -> bool:
    store = channel.service.store
    return store is None or bool(store.load_settings(who).get("onboarded"))


def typed_jurisdiction(typed: str) -> int | None:
    """The jurisdiction a typed answer names ("Scotland", "in NI", "2"), or None."""
    words = " ".join(w for w in typed.casefold().replace(",", " ").split()
                     if w not in ("in", "the", "i", "practise", "practice", "work"))
    if words.isdigit() and 1 <= int(words) <= len(texts.JURISDICTIONS):
        return int(words) - 1
    for index, (code, _) in enumerate(texts.JURISDICTIONS):
        if words in texts.JURISDICTION_WORDS[code]:
            return index
    return None


async def welcome(channel: Channel, bot: Bot, state: ChatState,
                  wanted: str | None = None) -> None:
    """The welcome text with a button per jurisdiction; `wanted` (a flow id, or
    "dilemma") is started as soon as the jurisdiction is known."""
    if wanted is not None:
        state.wanted = wanted
    labels = tuple(name for _, name in texts.JURISDICTIONS)
    data = [callbacks.encode(callbacks.JURISDICTION, "0", i) for i in range(len(labels))]
    message = await bot.send_message(state.chat_id, texts.WELCOME, parse_mode=ParseMode.HTML,
                                     reply_markup=keyboard(labels, data))
    state.live[callbacks.JURISDICTION] = message.message_id


async def choose(channel: Channel, bot: Bot, state: ChatState, who: str,
                 message_id: int | None, index: int) -> None:
    """Save the chosen jurisdiction, mark the welcome answered, then go on to what was
    asked for (a /dilemma sent before onboarding starts now), or say what to do next."""
    code, name = texts.JURISDICTIONS[index]
    store = channel.service.store
    if store is not None:
        settings = store.load_settings(who)
        store.save_settings(who, {**settings, "jurisdiction": code, "onboarded": True})
    welcome_id = message_id or state.live.get(callbacks.JURISDICTION)
    if welcome_id and welcome_id > 0:
        state.live[callbacks.JURISDICTION] = CONSUMED
        await bot.edit_message_text(with_answer(texts.WELCOME, name), state.chat_id,
                                    welcome_id, parse_mode=ParseMode.HTML)
    wanted, state.wanted = state.wanted, None
    if wanted is None:
        await channel.say(bot, state, texts.READY.format(place=name))
        return
    flow_id = channel.service.dilemma_flow(who) if wanted == "dilemma" else wanted
    await channel.say(bot, state, texts.READY_GOING_ON.format(place=name))
    await channel.send(bot, state, who, channel.service.begin(who, flow_id))
