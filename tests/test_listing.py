"""Lists show title and date, and never two identical lines."""

from bot.listing import button, labels


def test_identical_titles_are_told_apart_by_date_then_time_then_a_counter() -> None:
    items = [("Journal", "2025-03-05T09:00+00:00"), ("Journal", "2025-03-04T09:00+00:00"),
             ("Journal", "2025-03-05T10:00+00:00"), ("Journal", "2025-03-05T10:00+00:00"),
             ("Risk", "2025-03-05T10:00+00:00")]
    shown = labels(items)
    assert shown == ["Journal · 5 Mar 2025 09:00", "Journal · 4 Mar 2025",
                     "Journal · 5 Mar 2025 10:00 (1)", "Journal · 5 Mar 2025 10:00 (2)",
                     "Risk · 5 Mar 2025"]
    assert len(set(shown)) == len(shown)


def test_a_long_label_keeps_its_date_on_a_button() -> None:
    label = "Suicide risk: consult the GP with the client's written consent · 5 Mar 2025"
    short = button(label)
    assert len(short) <= 60 and short.endswith("· 5 Mar 2025")
