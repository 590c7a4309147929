"""Offer to delete a finished conversation's messages from the chat (deleteMessages).

Telegram chats are not end-to-end encrypted, so the practitioner's answers sit on
Telegram's servers until deleted. The ids to delete are tracked in memory only; a bot may
delete messages younger than 48 hours, at most 100 per call.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from telegram import Bot
from telegram.error import TelegramError

from bot.telegram import callbacks, texts
from bot.telegram.chats import ChatState
from bot.telegram.render import keyboard

if TYPE_CHECKING:
    from bot.telegram.channel import Channel

log = logging.getLogger("schtum.telegram")
WINDOW = 48 * 3600
MARGIN = 120  # seconds kept in hand, so a press just inside the window still succeeds
BATCH = 100


async def offer(channel: Channel, bot: Bot, state: ChatState) -> None:
    """Ask whether to delete the tracked messages; nothing to offer if none are tracked."""
    if not state.tracked:
        return
    labels = (texts.CLEANUP_YES, texts.CLEANUP_NO)
    data = [callbacks.encode(callbacks.CLEANUP, "0", index) for index in range(2)]
    message = await bot.send_message(state.chat_id, texts.CLEANUP_OFFER,
                                      reply_markup=keyboard(labels, data))
    state.live[callbacks.CLEANUP] = message.message_id


async def answer(channel: Channel, bot: Bot, state: ChatState, message_id: int,
                 index: int) -> None:
    """Carry out the choice made on the offer message, then say what was done."""
    if index != 0:
        await bot.edit_message_text(texts.CLEANUP_KEPT, state.chat_id, message_id)
        return
    chosen = [(mid, date) for mid, date in state.tracked if mid < message_id]
    state.tracked = [(mid, date) for mid, date in state.tracked if mid > message_id]
    now = channel.clock()
    fresh = [mid for mid, date in chosen if now - date < WINDOW - MARGIN]
    deleted = await delete(bot, state.chat_id, fresh)
    text = texts.CLEANUP_DONE.format(count=deleted)
    too_old = len(chosen) - len(fresh)
    if too_old:
        text += texts.CLEANUP_TOO_OLD.format(count=too_old)
    await bot.edit_message_text(text, state.chat_id, message_id)


async def delete(bot: Bot, chat_id: int, message_ids: list[int]) -> int:
    """Delete in batches of at most 100; returns how many were asked for successfully."""
    done = 0
    for start in range(0, len(message_ids), BATCH):
        batch = message_ids[start:start + BATCH]
        try:
            await bot.delete_messages(chat_id, batch)
        except TelegramError as problem:
            log.warning("messages_delete_failed error=%s", type(problem).__name__)
            continue
        done += len(batch)
    return done
