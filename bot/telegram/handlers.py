"""What each update means: one small async handler per command, text, press or edit.

Every handler runs under the practitioner's lock (updates from one person in order,
different people concurrently) and first checks the conversation timeout. Handlers
never log content: the service logs events by pseudonym, and errors go to `on_error`.
"""

from __future__ import annotations

import html
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass

from telegram import Bot, Message, Update
from telegram.constants import ChatMemberStatus, ChatType, ParseMode
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot import listing
from bot.messages import COMMANDS, Input, Reply
from bot.telegram import callbacks, onboarding, texts
from bot.telegram.channel import Channel
from bot.telegram.chats import ChatState
from bot.telegram.presses import Presses, acknowledge
from storage.errors import StorageError

log = logging.getLogger("schtum.telegram")
Context = ContextTypes.DEFAULT_TYPE
FLOW_COMMANDS = {"dilemma": None, "journal": "journal", "contract": "contract"}
MAX_LISTED = 20


@dataclass
class Turn:
    """One update being handled: the bot, the practitioner and their chat."""

    bot: Bot
    who: str
    state: ChatState
    timed_out: bool


class Handlers:
    """The bot's handlers, bound to one Channel."""

    def __init__(self, channel: Channel) -> None:
        self.channel = channel
        self.presses = Presses(channel)
        from bot.telegram.supervision import Supervision

        self.supervision = Supervision(self)  # /invite, /share, /inbox, comments, /pack…
        from bot.telegram.later import Later

        self.later = Later(self)  # /remind, /timezone, /followups, outcomes, CPD

    @asynccontextmanager
    async def turn(self, update: Update, context: Context) -> AsyncIterator[Turn]:
        """Take the practitioner's lock (before any await), then check the timeout."""
        user, chat = update.effective_user, update.effective_chat
        assert user is not None and chat is not None
        who = self.channel.who(user.id)
        state = self.channel.chat(who, chat.id)
        async with state.lock:
            message = update.effective_message
            if message is not None and update.message is not None:
                state.track(message.message_id, message.date.timestamp())
                self.channel.keep_tracked(state)
            timed_out = await self.channel.check_timeout(context.bot, state, who)
            yield Turn(context.bot, who, state, timed_out)

    async def show_current(self, turn: Turn) -> None:
        """Re-show the current question (with fresh buttons) after a side command."""
        if self.channel.service.active(turn.who) is not None:
            await self.channel.close_keyboard(turn.bot, turn.state)
            await self.channel.send(turn.bot, turn.state, turn.who,
                                    self.channel.service.current(turn.who))

    async def flow_input(self, turn: Turn, given: Input) -> None:
        await self.channel.typing(turn.bot, turn.state, turn.who)
        replies = self.channel.service.handle(turn.who, given)
        await self.channel.send(turn.bot, turn.state, turn.who, replies)

    # -- commands -------------------------------------------------------------------

    async def start(self, update: Update, context: Context) -> None:
        """/start: the welcome, unless a reflection is under way."""
        async with self.turn(update, context) as turn:
            if self.channel.service.active(turn.who) is not None:
                await self.channel.say(turn.bot, turn.state, texts.IN_FLOW)
                await self.show_current(turn)
                return
            await onboarding.welcome(self.channel, turn.bot, turn.state)

    async def begin(self, update: Update, context: Context) -> None:
        """/dilemma, /journal, /contract: start that flow (after onboarding)."""
        assert update.message is not None and update.message.text is not None
        name = update.message.text.split()[0].lstrip("/").split("@")[0].casefold()
        async with self.turn(update, context) as turn:
            if self.channel.service.active(turn.who) is not None:
                await self.channel.say(turn.bot, turn.state, texts.IN_FLOW)
                await self.show_current(turn)
                return
            if not onboarding.onboarded(self.channel, turn.who):
                await onboarding.welcome(self.channel, turn.bot, turn.state,
                                         wanted=FLOW_COMMANDS.get(name) or "dilemma")
                return
            flow_id = FLOW_COMMANDS.get(name) or self.channel.service.dilemma_flow(turn.who)
            turn.state.told_about_edits = False
            await self.channel.close_keyboard(turn.bot, turn.state)
            await self.channel.send(turn.bot, turn.state, turn.who,
                                    self.channel.service.begin(turn.who, flow_id))

    async def flow_command(self, update: Update, context: Context) -> None:
        """/back, /skip, /why, /cancel: the service's commands, if a flow is under way."""
        assert update.message is not None and update.message.text is not None
        name = update.message.text.split()[0].lstrip("/").split("@")[0].casefold()
        async with self.turn(update, context) as turn:
            await self.command_word(turn, name)

    async def command_word(self, turn: Turn, name: str) -> None:
        if name == "help":
            await self.channel.say(turn.bot, turn.state, texts.HELP)
            await self.show_current(turn)
            return
        if self.channel.service.active(turn.who) is None:
            if not turn.timed_out:
                await self.channel.say(turn.bot, turn.state, texts.NO_FLOW)
            return
        await self.channel.close_keyboard(turn.bot, turn.state)
        await self.flow_input(turn, Input.command(name))

    async def privacy(self, update: Update, context: Context) -> None:
        """/privacy: what is kept and what is not."""
        async with self.turn(update, context) as turn:
            await self.channel.say(turn.bot, turn.state, texts.PRIVACY)
            await self.show_current(turn)

    async def reflections(self, update: Update, context: Context) -> None:
        """/reflections: the practitioner's saved reflections, each with an Open button."""
        async with self.turn(update, context) as turn:
            store = self.channel.service.store
            items = store.list_reflections(turn.who)[:MAX_LISTED] if store else []
            if not items:
                await self.channel.say(turn.bot, turn.state, texts.NO_REFLECTIONS)
                await self.show_current(turn)
                return
            labels = listing.labels([(i.title, i.created_at) for i in items])
            lines = [f"{n}. {html.escape(label)}" for n, label in enumerate(labels, 1)]
            turn.state.listed = [item.id for item in items]
            await self.presses.list_reflections(turn.bot, turn.state,
                                                "\n".join([texts.REFLECTIONS_HEAD, *lines]))
            await self.show_current(turn)

    async def forget(self, update: Update, context: Context) -> None:
        """/forget: ask for confirmation with buttons."""
        async with self.turn(update, context) as turn:
            await self.presses.ask_forget(turn.bot, turn.state)

    async def unknown(self, update: Update, context: Context) -> None:
        """Any other /command."""
        async with self.turn(update, context) as turn:
            await self.channel.say(turn.bot, turn.state, texts.UNKNOWN_COMMAND)

    # -- text, presses, edits ---------------------------------------------------------

    async def text(self, update: Update, context: Context) -> None:
        """Typed text: an answer, a choice's label, or a command word such as 'back'."""
        assert update.message is not None and update.message.text is not None
        typed = update.message.text.strip()
        async with self.turn(update, context) as turn:
            if await self.supervision.typed(turn, typed):
                return  # a comment being written, not a flow answer
            if await self.later.typed(turn, typed):
                return  # an outcome or CPD minutes, not a flow answer
            word = typed.lstrip("/").casefold()
            if word in COMMANDS:
                await self.command_word(turn, word)
                return
            if turn.timed_out:
                return
            if self.channel.service.active(turn.who) is None:
                if not onboarding.onboarded(self.channel, turn.who):
                    await self.onboarding_text(turn, typed)
                    return
                await self.channel.say(turn.bot, turn.state, texts.NO_FLOW)
                return
            shown = turn.state.keyboard
            chosen = next((c for c in shown.choices if c.casefold() == typed.casefold()),
                          None) if shown else None
            await self.channel.close_keyboard(turn.bot, turn.state, chosen)
            await self.flow_input(turn, Input.text(typed))

    async def onboarding_text(self, turn: Turn, typed: str) -> None:
        """Before onboarding, typed text can name the jurisdiction; else the welcome."""
        index = onboarding.typed_jurisdiction(typed)
        if index is not None:
            await self.channel.close_keyboard(turn.bot, turn.state)
            await onboarding.choose(self.channel, turn.bot, turn.state, turn.who, None, index)
        elif turn.state.live.get(callbacks.JURISDICTION, 0) > 0:
            await self.channel.say(turn.bot, turn.state, texts.NOT_A_PLACE)
        else:
            await onboarding.welcome(self.channel, turn.bot, turn.state)

    async def press(self, update: Update, context: Context) -> None:
        """A button press: answered exactly once, politely if stale or forged."""
        query = update.callback_query
        assert query is not None
        async with self.turn(update, context) as turn:
            message = query.message
            if not isinstance(message, Message):
                await acknowledge(query, texts.DEAD_BUTTON)
                return
            if await self.supervision.press(turn, query, message):
                return
            if await self.later.press(turn, query, message):
                return
            await self.presses.handle(turn.bot, query, message, turn.who, turn.state)

    async def edited(self, update: Update, context: Context) -> None:
        """An edit never becomes an answer; say so once per conversation."""
        async with self.turn(update, context) as turn:
            if not turn.state.told_about_edits:
                turn.state.told_about_edits = True
                await self.channel.say(turn.bot, turn.state, texts.EDITS_NOT_READ)

    async def not_text(self, update: Update, context: Context) -> None:
        """Stickers, photos, voice: not read."""
        async with self.turn(update, context) as turn:
            await self.channel.say(turn.bot, turn.state, texts.NOT_TEXT)

    # -- groups and errors ------------------------------------------------------------

    async def group(self, update: Update, context: Context) -> None:
        """Any message in a group: refuse politely and leave (reflections are private)."""
        chat = update.effective_chat
        if chat is not None:
            await leave(context.bot, chat.id)

    async def membership(self, update: Update, context: Context) -> None:
        """Added to a group: refuse politely and leave."""
        change = update.my_chat_member
        if change is None or change.chat.type == ChatType.PRIVATE:
            return
        if change.new_chat_member.status in (ChatMemberStatus.MEMBER,
                                             ChatMemberStatus.ADMINISTRATOR):
            await leave(context.bot, change.chat.id)

    async def on_error(self, update: object, context: Context) -> None:
        """Log the event without content; tell the practitioner where they are."""
        error = type(context.error).__name__
        user = update.effective_user if isinstance(update, Update) else None
        who = self.channel.known(user.id) if user else None
        conversation = self.channel.service.conversations.get(who) if who else None
        log.error("handler_failed who=%s state=%s stage=%s error=%s",
                  who[:12] if who else "-",
                  conversation.session.state if conversation else "-",
                  conversation.stage if conversation else "-", error)
        state = self.channel.chats.find(who) if who else None
        if state is None or not isinstance(update, Update):
            return
        problem_said = (str(context.error) if isinstance(context.error, StorageError)
                        else texts.SOMETHING_WRONG)  # a storage error is its own sentence
        try:
            async with state.lock:
                replies = [Reply(problem_said)]
                if conversation is not None:
                    await self.channel.close_keyboard(context.bot, state)
                    replies += self.channel.service.current(who)
                await self.channel.send(context.bot, state, who, replies)
        except Exception as problem:  # noqa: BLE001 - the error handler must not raise
            log.error("error_report_failed error=%s", type(problem).__name__)


async def leave(bot: Bot, chat_id: int) -> None:
    with suppress(TelegramError):
        await bot.send_message(chat_id, texts.GROUP_REFUSAL, parse_mode=ParseMode.HTML)
    with suppress(TelegramError):
        await bot.leave_chat(chat_id)
    log.info("group_left")

