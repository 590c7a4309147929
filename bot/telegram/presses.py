"""Button presses: each answered exactly once, and only while its question is current.

A press that is stale (already answered, an old message, a double tap), forged or from
before a restart where it can no longer apply gets a polite answerCallbackQuery and
changes nothing. Answering the query is best effort: Telegram refuses it for a press made
while the bot was down ("query is too old"), and the press must still count.
"""

from __future__ import annotations

import html
import logging

from telegram import Bot, CallbackQuery, Message
from telegram.constants import ParseMode
from telegram.error import TelegramError

from bot.messages import Input
from bot.telegram import callbacks, cleanup, onboarding, texts
from bot.telegram.channel import Channel
from bot.telegram.chats import ChatState
from bot.telegram.render import KEEP_LABEL, keyboard, split_html, with_answer
from storage.errors import NotAuthorised, StorageError, UnknownPractitioner

log = logging.getLogger("schtum.telegram")


async def acknowledge(query: CallbackQuery, text: str | None = None) -> None:
    """Stop the button's spinner (and show `text`), if Telegram still lets us."""
    try:
        await query.answer(text)
    except TelegramError as problem:
        log.info("press_answer_failed error=%s", type(problem).__name__)


class Presses:
    """Routes a decoded press to what it stands for."""

    def __init__(self, channel: Channel) -> None:
        self.channel = channel

    async def handle(self, bot: Bot, query: CallbackQuery, message: Message, who: str,
                     state: ChatState) -> None:
        press = callbacks.decode(query.data)
        if press is None:
            await acknowledge(query, texts.DEAD_BUTTON)
            return
        if press.kind == callbacks.ANSWER:
            await self.answer(bot, query, message, who, state, press)
            return
        strict = press.kind != callbacks.JURISDICTION
        if press.kind == callbacks.OPEN:
            await self.open(bot, query, message, who, state, press.index)
            return
        if not state.accept(press.kind, message.message_id, strict=strict):
            await acknowledge(query, texts.DEAD_BUTTON)
            return
        await acknowledge(query)
        if press.kind == callbacks.JURISDICTION and press.index < len(texts.JURISDICTIONS):
            await onboarding.choose(self.channel, bot, state, who, message.message_id,
                                    press.index)
        elif press.kind == callbacks.FORGET:
            await self.forget(bot, state, who, message.message_id, press.index)
        elif press.kind == callbacks.CLEANUP:
            await cleanup.answer(self.channel, bot, state, message.message_id, press.index)

    async def answer(self, bot: Bot, query: CallbackQuery, message: Message, who: str,
                     state: ChatState, press: callbacks.Press) -> None:
        """A choice for the current question: apply it, then show it on the message.

        The chosen label appears on the question only once the service has returned and
        took it (no error reply): a Save shows as done only after it is committed, and a
        failed one leaves the summary unmarked (its buttons come back with the next reply).
        """
        conversation = self.channel.service.active(who)
        if conversation is None:
            await acknowledge(query, texts.DEAD_BUTTON)
            return
        if callbacks.position(conversation) != press.token:
            await acknowledge(query, texts.STALE_BUTTON)
            return
        shown = state.keyboard
        choices = shown.choices if shown and shown.token == press.token else self.choices(who)
        if press.index >= len(choices):
            await acknowledge(query, texts.STALE_BUTTON)
            return
        label = choices[press.index]
        await acknowledge(query)
        await self.channel.typing(bot, state, who)
        given = Input.text("") if label == KEEP_LABEL else Input.choice(label)
        replies = self.channel.service.handle(who, given)
        taken = not any(reply.kind == "error" for reply in replies)
        await self.channel.close_keyboard(bot, state, label if taken else None,
                                          message.text_html, message.message_id)
        await self.channel.send(bot, state, who, replies)

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
        await cleanup.offer(self.channel, bot, state, keep=False)

    async def list_reflections(self, bot: Bot, state: ChatState, text: str) -> None:
        labels = tuple(f"Open {n}" for n in range(1, len(state.listed) + 1))
        data = [callbacks.encode(callbacks.OPEN, "0", i) for i in range(len(labels))]
        message = await self.channel.send_html(bot, state, text, keyboard(labels, data),
                                               private=True)
        state.live[callbacks.OPEN] = message.message_id

    async def open(self, bot: Bot, query: CallbackQuery, message: Message, who: str,
                   state: ChatState, index: int) -> None:
        """Open one listed reflection, protected from forwarding and saving.

        A record deleted since the list was shown (or erased by /forget) gets one sentence
        saying so; any other storage problem, its own sentence. Never a traceback.
        """
        store = self.channel.service.store
        if (store is None or state.live.get(callbacks.OPEN) != message.message_id
                or index >= len(state.listed)):
            await acknowledge(query, texts.DEAD_BUTTON)
            return
        await acknowledge(query)
        try:
            body = store.read_reflection(who, state.listed[index])
        except (NotAuthorised, UnknownPractitioner):
            log.info("reflection_open_gone who=%s", who[:12])
            await self.channel.say(bot, state, texts.RECORD_GONE)
            return
        except StorageError as problem:
            log.warning("reflection_open_failed who=%s error=%s", who[:12],
                        type(problem).__name__)
            await self.channel.say(bot, state, html.escape(str(problem)))
            return
        for part in split_html(html.escape(body)):
            await self.channel.send_html(bot, state, part, private=True)
        from bot.telegram import records_view  # sharing, comments and delete, under it

        await records_view.show(self.channel, bot, state, who, state.listed[index])
