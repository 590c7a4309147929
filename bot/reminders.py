"""Between-session reminders: each practitioner's schedule, and what is due now.

The schedule lives in the practitioner's encrypted settings ("reminder", with "zone" and
the chat id beside it); the index (storage.reminder_index) holds only their pseudonym
and the next due UTC time, written in the same transaction. Time is passed in (`now`),
never read here, so tests drive it.

Exactly once, across restarts: `claim` commits "sent occurrence X, next due Y" before
the message goes out. A crash before that commit leaves X due, so it is sent at the next
start (if less than 12 hours late; older ones are skipped); a crash after it never sends
X again. The one gap is a crash during the send itself, which loses that one reminder:
we chose that over a possible duplicate, which a practitioner would see.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from bot import prompts
from bot.people import CHAT_KEY
from bot.schedule import DEFAULT_ZONE, Schedule, next_occurrence
from storage.errors import UnknownPractitioner
from storage.store import Store

log = logging.getLogger("schtum.reminders")
KEY, ZONE_KEY = "reminder", "zone"
LATE_LIMIT = timedelta(hours=12)
SNOOZE = timedelta(hours=1)
RETRY, ATTEMPTS = timedelta(minutes=5), 3


@dataclass(frozen=True)
class Due:
    """A reminder claimed for sending: to whom, where, which occurrence, what to ask."""

    who: str
    chat_id: int
    occurrence: int  # UTC seconds: identifies the occurrence (button data carries it)
    prompt: str


def _ts(moment: datetime) -> int:
    return int(moment.timestamp())


def _at(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def zone_of(settings: dict[str, Any]) -> str | None:
    """The practitioner's zone: chosen, else London for the UK nations; None to ask (US)."""
    chosen = settings.get(ZONE_KEY)
    if isinstance(chosen, str):
        return chosen
    return None if settings.get("jurisdiction") == "us" else DEFAULT_ZONE


class Reminders:
    """Schedules and due reminders over one open Store."""

    def __init__(self, store: Store) -> None:
        self.store = store

    # -- the practitioner's schedule --------------------------------------------------

    def current(self, who: str) -> tuple[Schedule | None, bool, datetime | None]:
        """(schedule, paused, next due) for /remind with no arguments."""
        settings = self.store.load_settings(who)
        stored = settings.get(KEY)
        zone = zone_of(settings) or DEFAULT_ZONE
        if not stored:
            return None, False, None
        due = self.store.reminders.due_at(who)
        return (Schedule.from_settings(stored, zone), bool(stored.get("paused")),
                _at(due) if due is not None else None)

    def set(self, who: str, schedule: Schedule | None, now: datetime) -> datetime | None:
        """Replace the schedule (None: off); returns the first due time."""
        settings = self.store.load_settings(who)
        old = settings.get(KEY) or {}
        if schedule is None:
            settings.pop(KEY, None)
            self.store.reminders.save(who, settings, None)
            log.info("reminder_off who=%s", who[:12])
            return None
        first = next_occurrence(schedule, now)
        settings[ZONE_KEY] = schedule.zone
        settings[KEY] = {**schedule.to_settings(), "paused": False, "next": _ts(first),
                         "snooze": False, "sent": old.get("sent"),
                         "prompts": old.get("prompts", []), "attempts": 0}
        self.store.reminders.save(who, settings, _ts(first))
        log.info("reminder_set who=%s kind=%s", who[:12], schedule.kind)
        return first

    def resume(self, who: str, now: datetime) -> datetime | None:
        """Unpause (after a block, say) from the next occurrence on."""
        schedule, _, _ = self.current(who)
        return self.set(who, schedule, now) if schedule else None

    def set_zone(self, who: str, zone: str, now: datetime) -> datetime | None:
        """Keep the zone; a schedule follows it from its next occurrence."""
        settings = self.store.load_settings(who)
        self.store.save_settings(who, {**settings, ZONE_KEY: zone})
        schedule, paused, _ = self.current(who)
        if schedule is None or paused:
            return None
        return self.set(who, Schedule(schedule.kind, schedule.at, zone, schedule.weekday), now)

    # -- what is due --------------------------------------------------------------------

    def claim_due(self, now: datetime) -> list[Due]:
        """Every reminder due by `now`, each claimed (committed) before it is returned."""
        claimed = []
        for who, due_at in self.store.reminders.due(_ts(now)):
            try:
                found = self._claim(who, due_at, now)
            except UnknownPractitioner:
                continue  # forgotten meanwhile: its index row went with it
            if found is not None:
                claimed.append(found)
        return claimed

    def _claim(self, who: str, due_at: int, now: datetime) -> Due | None:
        settings = self.store.load_settings(who)
        stored = settings.get(KEY)
        if not stored or stored.get("paused"):
            self.store.reminders.save(who, settings, None)  # a stale index row
            return None
        if stored.get("next") != due_at:
            self.store.reminders.save(who, settings, stored.get("next"))
            return None
        schedule = Schedule.from_settings(stored, zone_of(settings) or DEFAULT_ZONE)
        following = next_occurrence(schedule, max(now, _at(due_at)))
        snoozed = bool(stored.get("snooze"))
        chat = settings.get(CHAT_KEY)
        repeat = not snoozed and stored.get("sent") == due_at
        if now - _at(due_at) > LATE_LIMIT or not isinstance(chat, int) or repeat:
            stored.update(next=_ts(following), snooze=False, attempts=0)
            self.store.reminders.save(who, settings, _ts(following))
            log.info("reminder_skipped who=%s late=%d", who[:12], _ts(now) - due_at)
            return None
        recent = list(stored.get("prompts", []))
        index = recent[-1] if snoozed and recent else prompts.choose(recent)
        occurrence = int(stored.get("sent") or due_at) if snoozed else due_at
        stored.update(next=_ts(following), snooze=False, sent=occurrence,
                      prompts=recent if snoozed and recent else prompts.remember(recent, index))
        self.store.reminders.save(who, settings, _ts(following))
        return Due(who, chat, occurrence, prompts.bank()[index])

    # -- after sending ------------------------------------------------------------------

    def blocked(self, who: str) -> None:
        """Telegram said 403 (they blocked the bot): pause until they /remind again."""
        settings = self.store.load_settings(who)
        if settings.get(KEY):
            settings[KEY]["paused"] = True
        self.store.reminders.save(who, settings, None)
        log.info("reminder_paused reason=blocked who=%s", who[:12])

    def failed(self, who: str, now: datetime) -> None:
        """A send that failed for another reason: try again shortly, a few times."""
        settings = self.store.load_settings(who)
        stored = settings.get(KEY)
        if not stored or stored.get("attempts", 0) >= ATTEMPTS:
            return
        retry = now + RETRY
        if _ts(retry) < stored["next"]:
            stored.update(next=_ts(retry), snooze=True, attempts=stored.get("attempts", 0) + 1)
            self.store.reminders.save(who, settings, _ts(retry))

    def snooze(self, who: str, occurrence: int, now: datetime) -> datetime | None:
        """Send this occurrence's prompt again in an hour; None if it is no longer current."""
        settings = self.store.load_settings(who)
        stored = settings.get(KEY)
        if not stored or stored.get("paused") or stored.get("sent") != occurrence:
            return None
        again = now + SNOOZE
        if _ts(again) >= stored["next"]:
            return None  # the next reminder comes sooner than the snooze would
        stored.update(next=_ts(again), snooze=True, attempts=0)
        self.store.reminders.save(who, settings, _ts(again))
        return again
