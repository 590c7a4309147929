"""The channel's core: who is writing, sending replies as messages, keyboards, timeouts.

Handlers (handlers.py) decide what an update means; this module turns the service's
replies into Telegram messages and keeps the per-chat bookkeeping consistent.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import itertools
import logging
from collections.abc import Awaitable, Callable, Sequence

from telegram import Bot, InlineKeyboardMarkup, Message
from telegram.constants import ChatAction, ParseMode
from telegram.error import TelegramError

from bot.messages import Reply
from bot.service import Service
from bot.telegram import callbacks, cleanup, texts
from bot.telegram.chats import Chats, ChatState, Shown
from bot.telegram.render import MAX_TEXT, keyboard, outgoing, split_html, utf16_len, with_answer

log = logging.getLogger("schtum.telegram")
SWEEP_SECONDS = 60.0
FLUSH_SECONDS = 1.0


@functools.lru_cache(maxsize=1024)
def answer_keyboard(choices: tuple[str, ...], token: str) -> InlineKeyboardMarkup:
    """A question's buttons, built once per position: everyone at the same question gets
    the same token, and PTB's markup objects are immutable, so they can be shared."""
    return keyboard(choices, callbacks.answer_buttons(token, len(choices)))


class Channel:
    """The Telegram side of the service: one per running bot."""

    def __init__(self, service: Service, clock: Callable[[], float] | None = None) -> None:
        self.service = service
        self.clock = clock or service.clock
        self.chats = Chats()
        self.timed_out: set[str] = set()
        self.forgetters: list[Callable[[str], object]] = []  # drop drafts held for someone
        self._who: dict[int, str] = {}
        # Called after the replies of a successful Save are sent (the CPD offer).
        self.after_saved: list[Callable[[Bot, ChatState, str], Awaitable[None]]] = []

    def attach(self, service: Service) -> None:
        """Use the service opened in post_init (the Application is built before it).

        Snapshots are deferred and flushed every second (and at shutdown), so an answer
        costs no fsync; a crash loses at most the last second's position, never a save.
        """
        service.defer_snapshots = True
        service.confirm_stop = True  # a person on a phone is asked before losing answers
        self.service = service
        self.clock = service.clock

    # -- identity -------------------------------------------------------------------

    def who(self, user_id: int) -> str:
        """The pseudonym of a Telegram user (cached in memory; never the id on disk)."""
        found = self._who.get(user_id)
        if found is None:
            found = self._who[user_id] = self.service.who(f"telegram:{user_id}")
        return found

    def known(self, user_id: int) -> str | None:
        return self._who.get(user_id)

    def chat(self, who: str, chat_id: int) -> ChatState:
        """The practitioner's chat state; on first contact since a restart, with the
        message ids kept encrypted (the conversation's, and any unanswered clean-up offer).
        """
        state = self.chats.get(who, chat_id)
        if not state.restored:
            state.restored = True
            cleanup.restore(self, state)
        return state

    def keep_tracked(self, state: ChatState) -> None:
        """Copy the tracked ids into the conversation, for its next encrypted snapshot.

        Snapshots are deferred (written within a second, in one batch), so this costs a
        list copy, not a disk write, per message.
        """
        conversation = self.service.conversations.get(state.who)
        if conversation is not None:
            conversation.tracked = list(state.tracked)
            self.service.touch(state.who)

    def forget_identity(self, who: str) -> None:
        """After /forget: the next update re-creates the practitioner with a fresh key, and
        nothing held in memory for them (drafts, offers) outlives their data."""
        for user_id in [u for u, w in self._who.items() if w == who]:
            del self._who[user_id]
        self.timed_out.discard(who)
        self.drop_pending(who)
        state = self.chats.find(who)
        if state is not None:
            state.draft = None

    def drop_pending(self, who: str) -> None:
        """Forget every draft or offer another part of the bot holds for `who`."""
        for forget in self.forgetters:
            forget(who)

    # -- sending --------------------------------------------------------------------

    async def send_html(self, bot: Bot, state: ChatState, text: str,
                        markup: InlineKeyboardMarkup | None = None, *,
                        private: bool = False) -> Message:
        """Send one HTML message (already escaped and within 4,096) and track it."""
        message = await bot.send_message(state.chat_id, text, parse_mode=ParseMode.HTML,
                                         reply_markup=markup, protect_content=private or None)
        state.track(message.message_id, message.date.timestamp())
        self.keep_tracked(state)
        return message

    async def say(self, bot: Bot, state: ChatState, text: str) -> None:
        """Send the channel's own HTML text (split if long), with no buttons."""
        for part in split_html(text):
            await self.send_html(bot, state, part)

    async def send(self, bot: Bot, state: ChatState, who: str, replies: Sequence[Reply]) -> None:
        """Send the service's replies; a keyboard for the current question; offer clean-up."""
        conversation = self.service.conversations.get(who)
        token = callbacks.position(conversation) if conversation else None
        for item in outgoing(replies):
            markup = None
            if item.choices and token:
                markup = answer_keyboard(item.choices, token)
            message = await self.send_html(bot, state, item.html, markup, private=item.private)
            if markup and token:
                state.keyboard = Shown(message.message_id, item.html, item.choices, token)
        if any(reply.kind == "saved" for reply in replies):
            for hook in self.after_saved:
                await hook(bot, state, who)
        if any(reply.done for reply in replies):
            state.keyboard = None
            await cleanup.offer(self, bot, state)

    async def close_keyboard(self, bot: Bot, state: ChatState, chosen: str | None = None,
                             shown_html: str | None = None, message_id: int | None = None
                             ) -> None:
        """Take the buttons off the live question, showing the chosen answer if known."""
        shown, state.keyboard = state.keyboard, None
        if message_id is None:
            if shown is None:
                return
            message_id = shown.message_id
        if shown is not None and shown.message_id == message_id:
            shown_html = shown.html
        try:
            if chosen is not None and shown_html is not None:
                text = with_answer(shown_html, chosen)
                if utf16_len(text) <= MAX_TEXT:
                    await bot.edit_message_text(text, state.chat_id, message_id,
                                                parse_mode=ParseMode.HTML)
                    return
            await bot.edit_message_reply_markup(state.chat_id, message_id, reply_markup=None)
        except TelegramError as problem:
            log.warning("keyboard_close_failed error=%s", type(problem).__name__)

    async def typing(self, bot: Bot, state: ChatState, who: str) -> None:
        """Show 'typing…' before a step that may build the summary (the slow part)."""
        conversation = self.service.conversations.get(who)
        if conversation is None:
            return
        progress = conversation.session.prompt().progress
        if conversation.stage != "flow" or (progress and progress[0] >= progress[1]):
            with contextlib.suppress(TelegramError):
                await bot.send_chat_action(state.chat_id, ChatAction.TYPING)

    # -- time -----------------------------------------------------------------------

    async def check_timeout(self, bot: Bot, state: ChatState, who: str) -> bool:
        """Tell the practitioner once if their conversation timed out; True if it had."""
        if not (self.service.expired(who) or who in self.timed_out):
            return False
        self.timed_out.discard(who)
        await self.close_keyboard(bot, state)
        minutes = round(self.service.timeout / 60)
        await self.say(bot, state, texts.TIMED_OUT.format(minutes=minutes))
        await cleanup.offer(self, bot, state)
        return True

    def sweep(self) -> int:
        """Drop conversations idle past the timeout, so plaintext does not linger in memory."""
        now, dropped = self.clock(), 0
        for who, conversation in list(self.service.conversations.items()):
            if now - conversation.last_seen > self.service.timeout:
                self.service.drop(who)
                self.timed_out.add(who)
                dropped += 1
        if self.service.store is not None:
            self.service.store.purge_expired_sessions(now)
        if dropped:
            log.info("conversations_timed_out count=%d", dropped)
        return dropped

    async def housekeeping(self, tick: float = FLUSH_SECONDS) -> None:
        """Flush deferred snapshots every tick; sweep idle conversations every minute."""
        for count in itertools.count(1):
            await asyncio.sleep(tick)
            try:
                self.service.flush_snapshots()
                if count % round(SWEEP_SECONDS / tick) == 0:
                    self.sweep()
            except Exception as problem:  # noqa: BLE001 - housekeeping must never stop the bot
                log.error("housekeeping_failed error=%s", type(problem).__name__)
