"""The reminder job: PTB's JobQueue runs `tick` every half minute.

Each tick asks the store what is due by now (an indexed query on pseudonyms and UTC
times), claims each reminder before sending it (bot.reminders explains why that makes
a restart safe), sends it with its three buttons, and pauses a schedule Telegram refuses
with 403 (the person blocked the bot). Due follow-ups are announced once a day, from 9
in the morning in the person's zone. Time comes from the channel's clock, so tests
drive it; nothing here logs content or ids.
"""

from __future__ import annotations

import html
import logging
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from telegram import Bot
from telegram.constants import ParseMode
from telegram.error import Forbidden, TelegramError
from telegram.ext import Application, ContextTypes

from bot.people import CHAT_KEY
from bot.reminders import Due, Reminders, zone_of
from bot.schedule import DEFAULT_ZONE
from bot.telegram import later_texts as say
from bot.telegram import outbox
from bot.telegram.channel import Channel
from bot.telegram.later import Later
from bot.telegram.later_callbacks import SKIP, SNOOZE, START, encode
from storage.errors import NotAuthorised, StorageError

log = logging.getLogger("schtum.telegram")
TICK_SECONDS = 30.0
NOTICE_HOUR = 9


class Ticker:
    """Sends what is due; one per running bot."""

    def __init__(self, channel: Channel) -> None:
        self.channel = channel

    def start(self, app: Application) -> None:
        """Schedule the tick (first at once: a missed reminder goes out at start-up)."""
        assert app.job_queue is not None, "the job-queue extra is installed with Schtum"
        app.job_queue.run_repeating(self.job, interval=TICK_SECONDS, first=0.5,
                                    name="schtum-reminders")

    async def job(self, context: ContextTypes.DEFAULT_TYPE) -> None:
        try:
            await self.run(context.bot, datetime.fromtimestamp(self.channel.clock(), UTC))
        except StorageError as problem:
            log.error("reminder_tick_failed error=%s", type(problem).__name__)

    async def run(self, bot: Bot, now: datetime) -> int:
        """Send everything due by `now`; how many messages went out."""
        store = self.channel.service.store
        if store is None:
            return 0
        reminders = Reminders(store)
        sent = 0
        for due in reminders.claim_due(now):
            sent += await self.remind(bot, reminders, due, now)
        sent += await self.notices(bot, now)
        return sent

    async def remind(self, bot: Bot, reminders: Reminders, due: Due, now: datetime) -> int:
        buttons = [(say.START, encode(START, None, due.occurrence)),
                   (say.SNOOZE, encode(SNOOZE, None, due.occurrence)),
                   (say.SKIP, encode(SKIP, None, due.occurrence))]
        try:
            await bot.send_message(due.chat_id, say.REMINDER.format(
                prompt=html.escape(due.prompt)), parse_mode=ParseMode.HTML,
                reply_markup=outbox.markup(buttons))
        except Forbidden:
            reminders.blocked(due.who)
            return 0
        except TelegramError as problem:
            log.warning("reminder_failed who=%s error=%s", due.who[:12], type(problem).__name__)
            reminders.failed(due.who, now)
            return 0
        log.info("reminder_sent who=%s", due.who[:12])
        return 1

    async def notices(self, bot: Bot, now: datetime) -> int:
        """Announce each follow-up on the day it falls due (once a day until closed)."""
        store = self.channel.service.store
        assert store is not None
        sent = 0
        # Zones run up to a day ahead of UTC: look a day ahead, then check the local date.
        rows = store.followups.to_notify((now + timedelta(days=1)).date(), now.date())
        for fid, who, notified in rows:
            settings = store.load_settings(who)
            local = now.astimezone(ZoneInfo(zone_of(settings) or DEFAULT_ZONE))
            if notified is not None and notified >= local.date().isoformat():
                continue
            try:
                item = store.followups.get(who, fid)
            except NotAuthorised:
                continue
            if item.due_on > local.date() or local.hour < NOTICE_HOUR:
                continue
            store.followups.mark_notified(fid, local.date())  # once, even if the send fails
            chat = settings.get(CHAT_KEY)
            if not isinstance(chat, int):
                continue
            text = say.FOLLOWUP_DUE.format(step=html.escape(item.step), title=html.escape(
                str(item.item.get("title", "a reflection"))))
            try:
                await bot.send_message(chat, text, parse_mode=ParseMode.HTML,
                                       reply_markup=outbox.markup(Later.followup_buttons(fid)),
                                       protect_content=True)
            except TelegramError as problem:
                log.warning("followup_notice_failed who=%s error=%s", who[:12],
                            type(problem).__name__)
                continue
            sent += 1
        return sent
