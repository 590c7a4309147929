"""The supervision log against BACP's monthly minimum: parsing an entry, crediting time.

BACP (ethics-facts.md): accredited members need at least 1.5 hours of supervision each
calendar month, not averaged across months. Group supervision counts: a group of up to
four claims half the time; five or more divide the time by the number in the group.
Individual supervision counts in full. Months with no entry count as zero.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

MINIMUM_MINUTES = 90
MAX_MINUTES = 600
MAX_GROUP = 50
USAGE = ("To record a session: /log DATE MINUTES [group N], for example "
         "/log 2025-03-04 90 or /log today 120 group 4.")


class LogInputError(ValueError):
    """An entry that cannot be read; str() is one sentence with an example."""


@dataclass(frozen=True)
class Month:
    """One calendar month: minutes held, minutes credited, and whether it meets BACP's 90."""

    month: str  # "2025-03"
    held: float
    credited: float

    @property
    def below(self) -> bool:
        return self.credited < MINIMUM_MINUTES


def credited(minutes: float, group_size: int = 1) -> float:
    """Minutes that count towards the monthly minimum (BACP's group rule)."""
    if group_size <= 1:
        return float(minutes)
    if group_size <= 4:
        return minutes / 2
    return minutes / group_size


def entry(on: date, minutes: int, group_size: int = 1) -> dict[str, Any]:
    """A log entry as stored (sealed): ISO date, minutes, kind and group size."""
    if not 1 <= minutes <= MAX_MINUTES:
        raise LogInputError(f"Minutes must be between 1 and {MAX_MINUTES}. {USAGE}")
    if not 1 <= group_size <= MAX_GROUP:
        raise LogInputError(f"A group has between 2 and {MAX_GROUP} people. {USAGE}")
    kind = "group" if group_size > 1 else "individual"
    return {"date": on.isoformat(), "minutes": minutes, "kind": kind, "size": group_size}


def parse(words: Sequence[str], today: date) -> dict[str, Any]:
    """'[DATE] MINUTES [individual | group N]' (DATE: YYYY-MM-DD, today or yesterday)."""
    rest = [w.casefold() for w in words]
    on = today
    if rest and (rest[0] in ("today", "yesterday") or re.fullmatch(r"\d{4}-\d\d-\d\d", rest[0])):
        said = rest.pop(0)
        relative = {"today": today, "yesterday": today - timedelta(days=1)}
        on = relative[said] if said in relative else _date(said)
    if not rest or not rest[0].isdecimal() or not rest[0].isascii():
        raise LogInputError(USAGE)
    minutes, size = int(rest.pop(0)), 1
    if rest[:1] == ["individual"]:
        rest.pop(0)
    elif rest[:1] == ["group"]:
        if len(rest) < 2 or not rest[1].isdecimal() or not rest[1].isascii():
            raise LogInputError(f"Say how many are in the group. {USAGE}")
        size = int(rest[1])
        if size < 2:
            raise LogInputError(f"A group has at least 2 people. {USAGE}")
        rest = rest[2:]
    if rest:
        raise LogInputError(USAGE)
    if on > today:
        raise LogInputError("That date is in the future: log a session once it has happened.")
    return entry(on, minutes, size)


def _date(token: str) -> date:
    try:
        return date.fromisoformat(token)
    except ValueError:
        raise LogInputError(f"{token} is not a date. {USAGE}") from None


def months(entries: Iterable[dict[str, Any]], today: date) -> list[Month]:
    """Every calendar month from the first entry to this one, none averaged with another."""
    held: dict[str, float] = {}
    counted: dict[str, float] = {}
    for item in entries:
        key = str(item["date"])[:7]
        held[key] = held.get(key, 0.0) + float(item["minutes"])
        counted[key] = counted.get(key, 0.0) + credited(item["minutes"], int(item["size"]))
    if not held:
        return []
    result, cursor = [], date.fromisoformat(min(held) + "-01")
    last = max(date.fromisoformat(max(held) + "-01"), today.replace(day=1))
    while cursor <= last:
        key = f"{cursor:%Y-%m}"
        result.append(Month(key, held.get(key, 0.0), counted.get(key, 0.0)))
        cursor = (cursor + timedelta(days=32)).replace(day=1)
    return result


def hours(minutes: float) -> str:
    """'1.5 h', '45 min': how a phone screen says a duration."""
    if minutes < 60:
        return f"{minutes:g} min"
    return f"{minutes / 60:.2f}".rstrip("0").rstrip(".") + " h"


def report(month_list: Sequence[Month], last: int | None = None) -> str:
    """Monthly totals against the 1.5-hour minimum, months below it flagged (the `last`
    few only, for a phone screen)."""
    if not month_list:
        return "Your supervision log is empty. " + USAGE
    month_list = month_list[-last:] if last else month_list
    lines = ["Supervision per month (BACP minimum 1.5 h; group time as BACP counts it):"]
    for month in month_list:
        mark = "⚠️ below 1.5 h" if month.below else "✓"
        held = f" (held {hours(month.held)})" if month.held != month.credited else ""
        lines.append(f"{month.month}: {hours(month.credited)}{held} {mark}")
    short = sum(1 for m in month_list if m.below)
    lines.append(f"{short} month(s) below the minimum." if short else "Every month meets it.")
    return "\n".join(lines)
