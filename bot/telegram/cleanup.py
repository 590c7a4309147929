"""Offer to delete a finished conversation's messages from the chat (deleteMessages).

Telegram chats are not end-to-end encrypted, so the practitioner's answers sit on
Telegram's servers until deleted. A bot may delete messages younger than 48 hours, at most
100 per call. The ids to delete (ids and dates, never content) survive a restart: during a
conversation in its encrypted snapshot, and while an offer waits for an answer in the
practitioner's encrypted settings, so "Delete" pressed after a restart still deletes the
messages sent before it.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from telegram import Bot
from telegram.error import TelegramError

from bot.telegram import callbacks, texts
from bot.telegram.chats import ChatState
from bot.telegram.render import keyboard
from storage.errors import StorageError

if TYPE_CHECKING:
    from bot.telegram.channel import Channel

log = logging.getLogger("schtum.telegram")
WINDOW = 48 * 3600
MARGIN = 120  # seconds kept in hand, so a press just inside the window still succeeds
BATCH = 100
PENDING = "cleanup"  # the settings key of an unanswered offer: {"offer": id, "tracked": [...]}


async def offer(channel: Channel, bot: Bot, state: ChatState, *, keep: bool = True) -> None:
    """Ask whether to delete the tracked messages; nothing to offer if none are tracked.

    `keep=False` (after /forget) leaves nothing on disk: the offer lives in memory only.
    """
    if not state.tracked:
        return
    labels = (texts.CLEANUP_YES, texts.CLEANUP_NO)
    data = [callbacks.encode(callbacks.CLEANUP, "0", index) for index in range(2)]
    message = await bot.send_message(state.chat_id, texts.CLEANUP_OFFER,
                                      reply_markup=keyboard(labels, data))
    state.live[callbacks.CLEANUP] = message.message_id
    if keep:
        remember(channel, state.who, {"offer": message.message_id, "tracked": state.tracked})


async def answer(channel: Channel, bot: Bot, state: ChatState, message_id: int,
                 index: int) -> None:
    """Carry out the choice made on the offer message, then say what was done."""
    remember(channel, state.who, None)
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


def restore(channel: Channel, state: ChatState) -> None:
    """After a restart: the conversation's tracked ids and any unanswered offer."""
    conversation = channel.service.active(state.who)
    tracked = set(conversation.tracked) if conversation is not None else set()
    pending = pending_offer(channel, state.who)
    if pending is not None:
        state.live.setdefault(callbacks.CLEANUP, pending[0])
        tracked.update(pending[1])
    known = {mid for mid, _ in state.tracked}
    state.tracked = sorted([*state.tracked, *(t for t in tracked if t[0] not in known)])


def pending_offer(channel: Channel, who: str) -> tuple[int, list[tuple[int, float]]] | None:
    store = channel.service.store
    if store is None:
        return None
    try:
        kept: Any = store.load_settings(who).get(PENDING)
        if kept is None:
            return None
        return int(kept["offer"]), [(int(mid), float(date)) for mid, date in kept["tracked"]]
    except (StorageError, KeyError, TypeError, ValueError) as problem:
        log.warning("cleanup_restore_failed who=%s error=%s", who[:12], type(problem).__name__)
        return None


def remember(channel: Channel, who: str, pending: dict[str, Any] | None) -> None:
    """Keep (or with None, clear) the unanswered offer in the encrypted settings."""
    store = channel.service.store
    if store is None or not who:
        return
    try:
        settings = store.load_settings(who)
        if pending is None and PENDING not in settings:
            return
        if pending is None:
            settings.pop(PENDING)
        else:
            settings[PENDING] = {"offer": pending["offer"],
                                 "tracked": [list(t) for t in pending["tracked"]]}
        store.save_settings(who, settings)
    except StorageError as problem:
        log.warning("cleanup_keep_failed who=%s error=%s", who[:12], type(problem).__name__)


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
