"""When a between-session reminder is due: parsing /remind, and the next occurrence.

Times are wall-clock times in the practitioner's IANA zone (zoneinfo), turned into UTC
only when the next occurrence is computed, one calendar day at a time, so a reminder
at 20:30 stays at 20:30 across the clocks changing. On the day the clocks go forward a
time in the missing hour (01:30 in London) fires an hour later by the wall clock (the
same instant as the old offset gives, as cron does); on the day they go back a time in
the repeated hour fires once, at its first occurrence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

KINDS = ("daily", "weekly", "weekdays")
DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
DEFAULT_ZONE = "Europe/London"
US_ZONES = (("Eastern", "America/New_York"), ("Central", "America/Chicago"),
            ("Mountain", "America/Denver"), ("Pacific", "America/Los_Angeles"),
            ("Alaska", "America/Anchorage"), ("Hawaii", "Pacific/Honolulu"))
_TIME = re.compile(r"([01]?[0-9]|2[0-3])[:.h]([0-5][0-9])")
USAGE = ("Send /remind daily 20:30, /remind weekly fri 18:00, /remind weekdays 19:00, or "
         "/remind off.")


class ScheduleInputError(ValueError):
    """A /remind or /timezone that cannot be used; str() is one sentence."""


@dataclass(frozen=True)
class Schedule:
    """A repeating reminder: how often, at what wall-clock time, in which zone."""

    kind: str
    at: time
    zone: str
    weekday: int | None = None  # 0 = Monday, for "weekly"

    def describe(self) -> str:
        when = f"{self.at:%H:%M}"
        if self.kind == "weekly" and self.weekday is not None:
            return f"every {DAYS[self.weekday].title()} at {when} ({self.zone})"
        if self.kind == "weekdays":
            return f"every weekday, Monday to Friday, at {when} ({self.zone})"
        return f"every day at {when} ({self.zone})"

    def to_settings(self) -> dict[str, object]:
        return {"kind": self.kind, "at": f"{self.at:%H:%M}", "weekday": self.weekday}

    @classmethod
    def from_settings(cls, stored: dict[str, object], zone: str) -> Schedule:
        hours, minutes = str(stored["at"]).split(":")
        weekday = stored.get("weekday")
        return cls(str(stored["kind"]), time(int(hours), int(minutes)), zone,
                   int(weekday) if isinstance(weekday, int) else None)


def check_zone(name: str) -> str:
    """The IANA zone name as zoneinfo knows it; ScheduleInputError otherwise."""
    cleaned = name.strip()
    if cleaned and cleaned in available_timezones():
        try:
            ZoneInfo(cleaned)
            return cleaned
        except (ZoneInfoNotFoundError, ValueError):
            pass
    raise ScheduleInputError(
        "That is not a time zone name I know: send /timezone with an IANA name such as "
        "Europe/London, America/New_York or Australia/Sydney.")


def parse(words: list[str], zone: str) -> Schedule | None:
    """`daily 20:30`, `weekly fri 18:00`, `weekdays 19:00` → Schedule; `off` → None."""
    lowered = [w.casefold() for w in words]
    if lowered == ["off"]:
        return None
    if not lowered or lowered[0] not in KINDS:
        raise ScheduleInputError(USAGE)
    kind, rest = lowered[0], lowered[1:]
    weekday = None
    if kind == "weekly":
        if len(rest) != 2:
            raise ScheduleInputError("Say which day and when, for example /remind weekly "
                                     "fri 18:00.")
        weekday = _weekday(rest[0])
        rest = rest[1:]
    if len(rest) != 1:
        raise ScheduleInputError(USAGE)
    found = _TIME.fullmatch(rest[0])
    if found is None:
        raise ScheduleInputError("Give the time as HH:MM on the 24-hour clock, for example "
                                 "20:30.")
    return Schedule(kind, time(int(found[1]), int(found[2])), zone, weekday)


def _weekday(word: str) -> int:
    for index, name in enumerate(DAYS):
        if len(word) >= 3 and name.startswith(word):
            return index
    raise ScheduleInputError("Name the day as mon, tue, wed, thu, fri, sat or sun.")


def _runs_on(schedule: Schedule, day: date) -> bool:
    if schedule.kind == "weekly":
        return day.weekday() == schedule.weekday
    if schedule.kind == "weekdays":
        return day.weekday() < 5
    return True


def next_occurrence(schedule: Schedule, after: datetime) -> datetime:
    """The first occurrence strictly after `after` (aware), as an aware UTC datetime."""
    zone = ZoneInfo(schedule.zone)
    day = after.astimezone(zone).date() - timedelta(days=1)
    for _ in range(9):
        if _runs_on(schedule, day):
            local = datetime.combine(day, schedule.at, tzinfo=zone)  # fold=0: first one
            moment = local.astimezone(UTC)
            if moment > after:
                return moment
        day += timedelta(days=1)
    raise AssertionError("no occurrence within nine days")  # unreachable for KINDS


def local_text(moment: datetime, zone: str) -> str:
    """"Fri 7 Mar, 20:30" in the practitioner's zone."""
    return f"{moment.astimezone(ZoneInfo(zone)):%a %-d %b, %H:%M}"
