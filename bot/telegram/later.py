"""Reminders, follow-ups and CPD in Telegram: /remind, /timezone, /followups, the buttons
under a reminder or a due follow-up, a typed outcome, and the CPD offer after a Save.

Drafts (an outcome being written, a CPD offer) live in memory only, like a comment being
written: a restart drops them and their buttons then say so. Every text kept is
anonymised and shown back before it is kept.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from telegram import Bot, CallbackQuery, Message, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import Application, CommandHandler, ContextTypes, filters

from bot import cpd, followups, wording
from bot.people import remember_chat
from bot.reminders import Reminders, zone_of
from bot.schedule import US_ZONES, ScheduleInputError, check_zone, local_text, parse
from bot.telegram import later_texts as say
from bot.telegram import outbox
from bot.telegram.later_callbacks import (
    CANCEL,
    CPD,
    DONE,
    KEEP,
    MINUTES,
    NO_THANKS,
    NOT_YET,
    OUTCOME,
    PRESET,
    REWRITE,
    SKIP,
    SNOOZE,
    START,
    STOP,
    ZONE,
    Press,
    decode,
    encode,
)
from bot.telegram.presses import acknowledge
from bot.telegram.render import with_answer
from flows.reflection import Reflection
from storage.errors import NotAuthorised
from storage.store import Store

if TYPE_CHECKING:
    from bot.telegram.chats import ChatState
    from bot.telegram.handlers import Handlers, Turn

log = logging.getLogger("schtum.telegram")
Context = ContextTypes.DEFAULT_TYPE


@dataclass
class OutcomeDraft:
    followup: str
    record: str
    text: str | None = None  # anonymised, once typed


class Later:
    """Reminders, follow-ups and CPD, bound to the bot's Handlers."""

    def __init__(self, handlers: Handlers) -> None:
        self.handlers = handlers
        self.channel = handlers.channel
        self.outcomes: dict[str, OutcomeDraft] = {}
        self.cpd_offers: dict[str, cpd.Draft] = {}
        self.cpd_minutes: dict[str, cpd.Draft] = {}
        self.zone_for: dict[str, list[str]] = {}  # /remind words waiting for a US zone
        self.journaled: set[str] = set()  # saved a journal entry just now (reminder offer)
        self.clock: Callable[[], float] = lambda: self.channel.clock()
        self.channel.forgetters.append(self.forget)

    def forget(self, who: str) -> None:
        """Drop every draft and offer held for `who` (after /forget or a deletion), so an
        old button cannot write a forgotten reflection's words back under a new key."""
        for pending in (self.outcomes, self.cpd_offers, self.cpd_minutes, self.zone_for):
            pending.pop(who, None)

    @property
    def store(self) -> Store:
        store = self.channel.service.store
        assert store is not None
        return store

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.clock(), UTC)

    def attach(self) -> None:
        """After the service opens: remember a CPD draft at every Save (memory only)."""
        self.channel.service.after_save.append(self._saved)
        self.channel.after_saved.append(self.offer_cpd)
        self.channel.after_saved.append(self.offer_reminders)

    def _saved(self, who: str, record_id: str, reflection: Reflection) -> list:
        self.cpd_offers[who] = cpd.draft(reflection, self.now().date())
        if reflection.flow_id == "journal":
            self.journaled.add(who)
        return []

    async def offer_reminders(self, bot: Bot, state: ChatState, who: str) -> None:
        """Once, after the first saved journal entry, to someone with no schedule."""
        if who not in self.journaled:
            return
        self.journaled.discard(who)
        settings = self.store.load_settings(who)
        if settings.get("remind_offered") or Reminders(self.store).current(who)[0] is not None:
            return
        self.store.save_settings(who, {**settings, "remind_offered": True})
        buttons = [(label, encode(PRESET, None, n)) for n, (label, _) in
                   enumerate(say.PRESETS[:-1])] + [(say.NO_THANKS, encode(NO_THANKS))]
        await outbox.send(self.channel, bot, state, say.REMIND_OFFER, buttons)

    def register(self, app: Application, fresh: filters.BaseFilter) -> None:
        commands: dict[str, Callable[[Turn, list[str]], Awaitable[None]]] = {
            "remind": self.remind, "timezone": self.timezone, "followups": self.followups}
        for name, action in commands.items():
            app.add_handler(CommandHandler(name, self._command(action), fresh))

    def _command(self, action: Callable[[Turn, list[str]], Awaitable[None]]
                 ) -> Callable[[Update, Context], Awaitable[None]]:
        async def handle(update: Update, context: Context) -> None:
            async with self.handlers.turn(update, context) as turn:
                self.outcomes.pop(turn.who, None)  # a command abandons a draft
                self.cpd_minutes.pop(turn.who, None)
                remember_chat(self.store, turn.who, turn.state.chat_id)
                await action(turn, list(context.args or []))
                await self.handlers.show_current(turn)
        return handle

    # -- /remind and /timezone ----------------------------------------------------------

    async def remind(self, turn: Turn, words: list[str]) -> None:
        reminders = Reminders(self.store)
        if not words:
            await self._describe(turn, reminders)
            return
        if [w.casefold() for w in words] == ["on"]:
            reminders.resume(turn.who, self.now())
            await self._describe(turn, reminders)
            return
        await self._choose(turn.bot, turn.state, turn.who, words)

    async def _choose(self, bot: Bot, state: ChatState, who: str, words: list[str]) -> None:
        """Set a schedule from words, asking the time zone first if it is not known."""
        zone = zone_of(self.store.load_settings(who))
        if zone is None and words[0].casefold() != "off":
            self.zone_for[who] = words
            await self._ask_zone(bot, state)
            return
        await self._set(bot, state, who, words, zone or "Europe/London")

    async def _set(self, bot: Bot, state: ChatState, who: str, words: list[str],
                   zone: str) -> None:
        try:
            schedule = parse(words, zone)
        except ScheduleInputError as problem:
            await self.channel.say(bot, state, html.escape(str(problem)))
            return
        first = Reminders(self.store).set(who, schedule, self.now())
        if schedule is None or first is None:
            await self.channel.say(bot, state, say.REMIND_OFF)
            return
        await self.channel.say(bot, state, say.REMIND_SET.format(
            what=schedule.describe(), when=local_text(first, zone)))

    async def _describe(self, turn: Turn, reminders: Reminders) -> None:
        schedule, paused, due = reminders.current(turn.who)
        if schedule is None:
            text = say.REMIND_NONE
        elif paused or due is None:
            text = say.REMIND_PAUSED.format(what=schedule.describe())
        else:
            text = say.REMIND_NOW.format(what=schedule.describe(),
                                         when=local_text(due, schedule.zone))
        buttons = [(label, encode(PRESET, None, n)) for n, (label, _) in enumerate(say.PRESETS)]
        await outbox.send(self.channel, turn.bot, turn.state, html.escape(text), buttons)

    async def _ask_zone(self, bot: Bot, state: ChatState) -> None:
        buttons = [(label, encode(ZONE, None, n)) for n, (label, _) in enumerate(US_ZONES)]
        await outbox.send(self.channel, bot, state, say.ZONE_ASK, buttons)

    async def timezone(self, turn: Turn, words: list[str]) -> None:
        if not words:
            zone = zone_of(self.store.load_settings(turn.who))
            if zone is None:
                await self._ask_zone(turn.bot, turn.state)
                return
            await self.channel.say(turn.bot, turn.state, say.ZONE_NOW.format(zone=zone))
            return
        try:
            zone = check_zone(" ".join(words))
        except ScheduleInputError as problem:
            await self.channel.say(turn.bot, turn.state, html.escape(str(problem)))
            return
        Reminders(self.store).set_zone(turn.who, zone, self.now())
        await self.channel.say(turn.bot, turn.state, say.ZONE_SET.format(zone=zone))

    # -- /followups -----------------------------------------------------------------------

    async def followups(self, turn: Turn, words: list[str]) -> None:
        items = self.store.followups.open_items(turn.who)[:10]
        if not items:
            await self.channel.say(turn.bot, turn.state, say.NO_FOLLOWUPS)
            return
        today = self.now().date()
        for item in items:
            text = html.escape(followups.line(item, today))
            await outbox.send(self.channel, turn.bot, turn.state, text, self.followup_buttons(
                item.id), private=True)

    @staticmethod
    def followup_buttons(fid: str) -> list[tuple[str, str]]:
        return [(say.DONE, encode(DONE, fid)), (say.NOT_YET, encode(NOT_YET, fid)),
                (say.OUTCOME, encode(OUTCOME, fid)), (say.STOP, encode(STOP, fid))]

    # -- typed text -----------------------------------------------------------------------

    async def typed(self, turn: Turn, text: str) -> bool:
        """An outcome or CPD minutes being typed; True if the text was taken as one."""
        draft = self.outcomes.get(turn.who)
        if draft is not None and draft.text is None:
            approved, kinds = followups.anonymise_outcome(text)
            draft.text = approved
            if kinds:
                await self.channel.say(turn.bot, turn.state,
                                       html.escape(wording.identifier_warning(kinds)))
            await outbox.send(self.channel, turn.bot, turn.state,
                              say.SHOW_OUTCOME.format(text=html.escape(approved)),
                              [(say.KEEP, encode(KEEP)), (say.REWRITE, encode(REWRITE)),
                               (say.CANCEL, encode(CANCEL))], private=True)
            return True
        if turn.who in self.cpd_minutes:
            minutes = cpd.parse_minutes(text)
            if minutes is None:
                await self.channel.say(turn.bot, turn.state, say.CPD_BAD)
            else:
                await self._count(turn.bot, turn.state, turn.who, minutes)
            return True
        return False

    # -- presses --------------------------------------------------------------------------

    async def press(self, turn: Turn, query: CallbackQuery, message: Message) -> bool:
        press = decode(query.data)
        if press is None:
            return False
        done = await self._route(turn, press, message)
        await acknowledge(query, None if done else say.NOT_CURRENT)
        return True

    async def _route(self, turn: Turn, press: Press, message: Message) -> bool:
        bot, state, who = turn.bot, turn.state, turn.who
        if press.action in (START, SNOOZE, SKIP):
            return await self._reminder(turn, press, message)
        if press.action == ZONE and press.number < len(US_ZONES):
            zone = US_ZONES[press.number][1]
            Reminders(self.store).set_zone(who, zone, self.now())
            await self._closed(bot, state, message, US_ZONES[press.number][0])
            await self.channel.say(bot, state, say.ZONE_SET.format(zone=zone))
            if who in self.zone_for:
                await self._set(bot, state, who, self.zone_for.pop(who), zone)
            return True
        if press.action == PRESET and press.number < len(say.PRESETS):
            label, words = say.PRESETS[press.number]
            await self._closed(bot, state, message, label)
            await self._choose(bot, state, who, list(words))
            return True
        if press.action == NO_THANKS:
            await self._closed(bot, state, message, say.NO_THANKS)
            return True
        if press.action in (OUTCOME, DONE, NOT_YET, STOP) and press.token:
            return await self._followup(turn, press, message)
        if press.action in (KEEP, REWRITE, CANCEL):
            return await self._outcome_choice(turn, press, message)
        if press.action == CPD and who in self.cpd_offers:
            self.cpd_minutes[who] = self.cpd_offers.pop(who)
            await self._closed(bot, state, message, say.CPD_YES)
            buttons = [(str(m), encode(MINUTES, None, m)) for m in cpd.MINUTES]
            await outbox.send(self.channel, bot, state, say.CPD_ASK, buttons)
            return True
        if press.action == MINUTES and who in self.cpd_minutes and press.number in cpd.MINUTES:
            await self._closed(bot, state, message, f"{press.number} minutes")
            await self._count(bot, state, who, press.number)
            return True
        return False

    async def _reminder(self, turn: Turn, press: Press, message: Message) -> bool:
        bot, state, who = turn.bot, turn.state, turn.who
        reminders = Reminders(self.store)
        schedule, _, due = reminders.current(who)
        zone = schedule.zone if schedule else "Europe/London"
        if press.action == SNOOZE:
            again = reminders.snooze(who, press.number, self.now())
            if again is None:
                return False
            await self._closed(bot, state, message, say.SNOOZED.format(
                when=local_text(again, zone)))
            return True
        if press.action == SKIP:
            await self._closed(bot, state, message, say.SKIPPED.format(
                when=local_text(due, zone) if due else "when you set one"))
            return True
        await self._closed(bot, state, message, say.START)
        if self.channel.service.active(who) is not None:
            from bot.telegram import texts

            await self.channel.say(bot, state, texts.IN_FLOW)
            return True
        await self.channel.send(bot, state, who, self.channel.service.begin(who, "journal"))
        return True

    async def _followup(self, turn: Turn, press: Press, message: Message) -> bool:
        bot, state, who, fid = turn.bot, turn.state, turn.who, press.token or ""
        try:
            item = self.store.followups.get(who, fid)
        except NotAuthorised:
            await self.channel.say(bot, state, say.GONE)
            return True
        if press.action == DONE:
            self.store.followups.close(who, fid)
            await self._closed(bot, state, message, say.DONE)
            await self.channel.say(bot, state, say.FOLLOWUP_CLOSED)
        elif press.action == NOT_YET:
            from datetime import timedelta

            self.store.followups.postpone(who, fid, self.now().date() + timedelta(days=2))
            await self._closed(bot, state, message, say.NOT_YET)
            await self.channel.say(bot, state, say.FOLLOWUP_LATER)
        elif press.action == STOP:
            self.store.followups.close(who, fid)
            await self._closed(bot, state, message, say.STOP)
            await self.channel.say(bot, state, say.FOLLOWUP_STOPPED)
        else:
            self.outcomes[who] = OutcomeDraft(fid, item.record_id)
            await self._closed(bot, state, message, say.OUTCOME)
            await self.channel.say(bot, state, say.ASK_OUTCOME)
        return True

    async def _outcome_choice(self, turn: Turn, press: Press, message: Message) -> bool:
        bot, state, who = turn.bot, turn.state, turn.who
        draft = self.outcomes.get(who)
        if draft is None or draft.text is None:
            return False
        labels = {KEEP: say.KEEP, REWRITE: say.REWRITE, CANCEL: say.CANCEL}
        await self._closed(bot, state, message, labels[press.action])
        if press.action == REWRITE:
            draft.text = None
            await self.channel.say(bot, state, say.ASK_OUTCOME)
            return True
        self.outcomes.pop(who, None)
        if press.action == CANCEL:
            await self.channel.say(bot, state, say.CANCELLED)
            return True
        try:
            followups.record_outcome(self.store, who, draft.record, draft.text, self.now().date())
            self.store.followups.close(who, draft.followup)
        except NotAuthorised:
            await self.channel.say(bot, state, say.GONE)
            return True
        await self.channel.say(bot, state, say.OUTCOME_ADDED)
        return True

    # -- CPD ------------------------------------------------------------------------------

    async def offer_cpd(self, bot: Bot, state: ChatState, who: str) -> None:
        if who in self.cpd_offers:
            await outbox.send(self.channel, bot, state, say.CPD_OFFER,
                              [(say.CPD_YES, encode(CPD))])

    async def _count(self, bot: Bot, state: ChatState, who: str, minutes: int) -> None:
        found = self.cpd_minutes.pop(who)
        cpd.count(self.store, who, found, minutes)
        log.info("cpd_counted who=%s", who[:12])
        await self.channel.say(bot, state, say.CPD_COUNTED.format(minutes=minutes))

    async def _closed(self, bot: Bot, state: ChatState, message: Message, label: str) -> None:
        """Show the choice on the message and take its buttons off."""
        try:
            await bot.edit_message_text(with_answer(message.text_html, label), state.chat_id,
                                        message.message_id, parse_mode=ParseMode.HTML)
        except TelegramError as problem:
            log.info("later_edit_failed error=%s", type(problem).__name__)
