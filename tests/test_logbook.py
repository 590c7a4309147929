"""BACP's monthly minimum and its group rule, month by month, never averaged."""

from __future__ import annotations

from datetime import date

import pytest

from bot import logbook
from bot.logbook import LogInputError, credited, entry, months, parse

TODAY = date(2025, 4, 15)


@pytest.mark.parametrize("minutes, size, counted", [
    (90, 1, 90), (120, 2, 60), (120, 4, 60), (150, 5, 30), (180, 6, 30), (60, 12, 5)])
def test_group_time_counts_as_bacp_says(minutes: int, size: int, counted: float) -> None:
    assert credited(minutes, size) == counted


def test_months_are_not_averaged_and_empty_months_count_as_none() -> None:
    log = [entry(date(2025, 1, 3), 180), entry(date(2025, 3, 7), 120, 4),
           entry(date(2025, 3, 21), 60, 3)]
    found = {m.month: m for m in months(log, TODAY)}
    assert list(found) == ["2025-01", "2025-02", "2025-03", "2025-04"]
    assert found["2025-01"].credited == 180 and not found["2025-01"].below
    assert found["2025-02"].credited == 0 and found["2025-02"].below
    assert found["2025-03"].credited == 90 and found["2025-03"].held == 180
    assert not found["2025-03"].below
    report = logbook.report(list(found.values()))
    assert "2025-02: 0 min ⚠️ below 1.5 h" in report and "2 month(s) below" in report


@pytest.mark.parametrize("words, expected", [
    (["90"], ("2025-04-15", 90, "individual", 1)),
    (["yesterday", "60", "individual"], ("2025-04-14", 60, "individual", 1)),
    (["2025-03-02", "120", "group", "5"], ("2025-03-02", 120, "group", 5)),
])
def test_an_entry_is_read_from_a_few_words(words: list[str], expected: tuple) -> None:
    got = parse(words, TODAY)
    assert (got["date"], got["minutes"], got["kind"], got["size"]) == expected


@pytest.mark.parametrize("words", [[], ["ninety"], ["90", "group"], ["90", "group", "1"],
                                   ["2025-13-01", "90"], ["2026-01-01", "90"], ["0"],
                                   ["90", "extra"], ["601"]])
def test_a_bad_entry_is_one_sentence(words: list[str]) -> None:
    with pytest.raises(LogInputError) as problem:
        parse(words, TODAY)
    assert "\n" not in str(problem.value)
