"""Button presses: each answered exactly once, and only while its question is current.

A press that is stale (already answered, an old message, a double tap), forged or from
before a restart where it can no longer apply gets a polite answerCallbackQuery and
changes nothing.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Awaitable, Callable

from telegram import Bot, CallbackQuery, Message
from telegram.constants import ParseMode

from bot.messages import Input
from bot.telegram import callbacks, cleanup, onboarding, texts
from bot.telegram.channel import Channel
from bot.telegram.chats import ChatState
from bot.telegram.render import keyboard, split_html, with_answer

log = logging.getLogger("schtum.telegram")
Answer = Callable[[Input], Awaitable[None]]


class Presses:
    """Routes a decoded press to what it stands for."""

    def __init__(self, channel: Channel) -> None:
        self.channel = channel

    async def handle(self, bot: Bot, query: CallbackQuery, message: Message, who: str,
                     state: ChatState, answer: Answer) -> None:
        press = callbacks.decode(query.data)
        if press is None:
            await query.answer(texts.DEAD_BUTTON)
            return
        if press.kind == callbacks.ANSWER:
            await self.answer(bot, query, message, who, state, press, answer)
            return
        strict = press.kind != callbacks.JURISDICTION
        if press.kind == callbacks.OPEN:
            await self.open(bot, query, message, who, state, press.index)
            return
        if not state.accept(press.kind, message.message_id, strict=strict):
            await query.answer(texts.DEAD_BUTTON)
            return
        await query.answer()
        if press.kind == callbacks.JURISDICTION and press.index < len(texts.JURISDICTIONS):
            await onboarding.choose(self.channel, bot, state, who, message.message_id,
                                    press.index)
        elif press.kind == callbacks.FORGET:
            await self.forget(bot, state, who, message.message_id, press.index)
        elif press.kind == callbacks.CLEANUP:
            await cleanup.answer(self.channel, bot, state, message.message_id, press.index)

    async def answer(self, bot: Bot, query: CallbackQuery, message: Message, who: str,
                     state: ChatState, press: callbacks.Press, answer: Answer) -> None:
        """A choice for the current question: show it on the message, then apply it."""
        conversation = self.channel.service.active(who)
        if conversation is None:
            await query.answer(texts.DEAD_BUTTON)
            return
        if callbacks.position(conversation) != press.token:
            await query.answer(texts.STALE_BUTTON)
            return
        shown = state.keyboard
        choices = shown.choices if shown and shown.token == press.token else self.choices(who)
        if press.index >= len(choices):
            await query.answer(texts.STALE_BUTTON)
            return
        label = choices[press.index]
        await query.answer()
        await self.channel.close_keyboard(bot, state, label, message.text_html,
                                          message.message_id)
        await answer(Input.choice(label))

    def choices(self, who: str) -> tuple[str, ...]:
        """The current question's choices (after a restart, when no keyboard is known)."""
        for reply in reversed(self.channel.service.current(who)):
            if reply.choices:
                return reply.choices
        return ()

    async def ask_forget(self, bot: Bot, state: ChatState) -> None:
        labels = (texts.FORGET_YES, texts.FORGET_NO)
        data = [callbacks.encode(callbacks.FORGET, "0", i) for i in range(2)]
        message = await self.channel.send_html(bot, state, texts.FORGET_ASK,
                                               keyboard(labels, data))
        state.live[callbacks.FORGET] = message.message_id

    async def forget(self, bot: Bot, state: ChatState, who: str, message_id: int,
                     index: int) -> None:
        """Crypto-shred on confirmation; then offer to delete the chat's messages too."""
        label = (texts.FORGET_YES, texts.FORGET_NO)[min(index, 1)]
        await bot.edit_message_text(with_answer(texts.FORGET_ASK, label), state.chat_id,
                                    message_id, parse_mode=ParseMode.HTML)
        if index != 0:
            await self.channel.say(bot, state, texts.FORGET_KEPT)
            return
        await self.channel.close_keyboard(bot, state)
        self.channel.service.drop(who)
        if self.channel.service.store is not None:
            self.channel.service.store.forget(who)
        self.channel.forget_identity(who)
        log.info("practitioner_forgotten who=%s", who[:12])
        await self.channel.say(bot, state, texts.FORGOTTEN)
        await cleanup.offer(self.channel, bot, state)

    async def list_reflections(self, bot: Bot, state: ChatState, text: str) -> None:
        labels = tuple(f"Open {n}" for n in range(1, len(state.listed) + 1))
        data = [callbacks.encode(callbacks.OPEN, "0", i) for i in range(len(labels))]
        message = await self.channel.send_html(bot, state, text, keyboard(labels, data),
                                               private=True)
        state.live[callbacks.OPEN] = message.message_id

    async def open(self, bot: Bot, query: CallbackQuery, message: Message, who: str,
                   state: ChatState, index: int) -> None:
        """Open one listed reflection, protected from forwarding and saving."""
        store = self.channel.service.store
        if (store is None or state.live.get(callbacks.OPEN) != message.message_id
                or index >= len(state.listed)):
            await query.answer(texts.DEAD_BUTTON)
            return
        await query.answer()
        for part in split_html(html.escape(store.read_reflection(who, state.listed[index]))):
            await self.channel.send_html(bot, state, part, private=True)
