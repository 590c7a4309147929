"""Reminder schedules: parsing /remind, and next occurrences across the clocks changing."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest

from bot.schedule import Schedule, ScheduleInputError, check_zone, next_occurrence, parse

LONDON, NEW_YORK = "Europe/London", "America/New_York"


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


@pytest.mark.parametrize(("words", "kind", "at", "weekday"), [
    (["daily", "20:30"], "daily", time(20, 30), None),
    (["weekly", "fri", "18:00"], "weekly", time(18, 0), 4),
    (["Weekly", "Sunday", "7.05"], "weekly", time(7, 5), 6),
    (["weekdays", "19:00"], "weekdays", time(19, 0), None),
])
def test_remind_words_become_a_schedule(words: list[str], kind: str, at: time,
                                        weekday: int | None) -> None:
    assert parse(words, LONDON) == Schedule(kind, at, LONDON, weekday)


def test_remind_off_is_no_schedule() -> None:
    assert parse(["off"], LONDON) is None


@pytest.mark.parametrize("words", [[], ["hourly", "10:00"], ["daily", "25:00"],
                                   ["weekly", "18:00"], ["weekly", "xyz", "18:00"],
                                   ["daily", "8pm"]])
def test_a_malformed_remind_is_one_sentence(words: list[str]) -> None:
    with pytest.raises(ScheduleInputError) as raised:
        parse(words, LONDON)
    assert str(raised.value).endswith(".") and "\n" not in str(raised.value)


def test_a_wrong_zone_name_gets_examples() -> None:
    assert check_zone("America/Chicago") == "America/Chicago"
    with pytest.raises(ScheduleInputError, match="Europe/London"):
        check_zone("Mars/Olympus")


@pytest.mark.parametrize(("after", "expected"), [
    # London, last Sunday of March 2025 (30th): 20:30 is GMT before, BST after.
    (utc(2025, 3, 29, 12), utc(2025, 3, 29, 20, 30)),
    (utc(2025, 3, 29, 21), utc(2025, 3, 30, 19, 30)),
    (utc(2025, 3, 30, 20), utc(2025, 3, 31, 19, 30)),
    # Last Sunday of October 2025 (26th): back to GMT.
    (utc(2025, 10, 25, 20), utc(2025, 10, 26, 20, 30)),
])
def test_a_daily_reminder_keeps_its_wall_clock_time_in_london(after: datetime,
                                                              expected: datetime) -> None:
    assert next_occurrence(Schedule("daily", time(20, 30), LONDON), after) == expected


def test_a_time_in_the_missing_spring_hour_fires_once_an_hour_later_by_the_clock() -> None:
    schedule = Schedule("daily", time(1, 30), LONDON)
    before = next_occurrence(schedule, utc(2025, 3, 28, 12))
    assert before == utc(2025, 3, 29, 1, 30)  # GMT
    spring = next_occurrence(schedule, before)
    assert spring == utc(2025, 3, 30, 1, 30)  # 02:30 BST: 01:30 did not exist
    assert next_occurrence(schedule, spring) == utc(2025, 3, 31, 0, 30)  # 01:30 BST


def test_a_time_in_the_repeated_autumn_hour_fires_once() -> None:
    schedule = Schedule("daily", time(1, 30), LONDON)
    autumn = next_occurrence(schedule, utc(2025, 10, 25, 12))
    assert autumn == utc(2025, 10, 26, 0, 30)  # the first 01:30 (BST)
    assert next_occurrence(schedule, autumn) == utc(2025, 10, 27, 1, 30)  # not 01:30 GMT too


def test_new_york_changes_on_its_own_dates() -> None:
    schedule = Schedule("weekly", time(18, 0), NEW_YORK, weekday=6)  # Sundays
    # US clocks go forward on 9 March 2025, two weeks before London's.
    assert next_occurrence(schedule, utc(2025, 3, 3)) == utc(2025, 3, 9, 22)  # EDT
    assert next_occurrence(schedule, utc(2025, 3, 1)) == utc(2025, 3, 2, 23)  # EST
    assert next_occurrence(schedule, utc(2025, 11, 1)) == utc(2025, 11, 2, 23)  # EST again


def test_weekdays_skip_the_weekend() -> None:
    schedule = Schedule("weekdays", time(19, 0), LONDON)
    friday = next_occurrence(schedule, utc(2025, 6, 6, 12))
    assert friday == utc(2025, 6, 6, 18)
    assert next_occurrence(schedule, friday) == utc(2025, 6, 9, 18)  # Monday
