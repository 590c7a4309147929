"""The product's own words (not a flow's): short, warm, and the same in every channel."""

from __future__ import annotations

from collections.abc import Iterable

SAVE, REMOVE, EDIT, DISCARD = "Save", "Remove words", "Edit an answer", "Discard"
RESTORE = "Put words back"
REVIEW_CHOICES = (SAVE, REMOVE, RESTORE, EDIT, DISCARD)
KEEP_AS_IS = "Keep it as it is"

NOT_ADVICE = "Schtum structures reflection; it is not legal or clinical advice."

HELP = (
    "Answer each question, or use a command:\n"
    "• back: the previous question (your answer is remembered)\n"
    "• skip: pass over an optional question\n"
    "• why: why this question is asked, and what the frameworks say\n"
    "• cancel: stop now; nothing is stored\n"
    "• help: this list\n"
    f"{NOT_ADVICE} If anyone is in danger now, call 999 (UK) or 911 (US)."
)

REVIEW_INTRO = (
    "Here is your record with identifying details replaced. Nothing is stored until "
    "you choose Save. Check it: anything still identifying?"
)
REVIEW_INTRO_DOCUMENT = (
    "Here is the text for your new clients, with any identifying details replaced. Nothing "
    "is stored until you choose Save. Read it as a client would: is it clear and true?"
)
SAVED = "Saved, encrypted. Only this anonymised summary is kept."
DISCARDED = "Discarded. Nothing was stored."
CANCELLED = "Cancelled. Nothing was stored."
ASK_REMOVE = ("Which words should go? Type them separated by commas "
              "(for example: the town, the school's name).")
ASK_RESTORE = ("Which replacement was wrong? Its original words go back in "
               "(type restore and its number at any time in review).")
NOTHING_TO_RESTORE = "Nothing was replaced, so there is nothing to put back."
ASK_EDIT = "Which answer would you like to change?"
NOTHING_TO_EDIT = "There are no typed answers to edit; use back to change a choice."
SAVE_FAILED = ("Saving failed: {reason} Your summary is still here; choose Save to try "
               "again, or Discard.")
NO_STORE = "This session has no encrypted store, so the summary was not kept."
NO_FLOW = "There is no conversation in progress."
STOP_ASK = "Stop now? Your {count} answers would be discarded and nothing stored."
STOP_YES, STOP_NO = "Yes, stop and discard", "No, carry on"
STOP_CHOICES = (STOP_YES, STOP_NO)
CARRY_ON = "Carrying on where you were."
HELD = ("That question needs one of the options, so your words were not used as an "
        "answer. They are kept: the next question that asks for your own words will offer "
        "them.")
HELD_OFFER = "You typed earlier: {text}"
TOO_LONG = ("That answer is {length:,} characters, over the limit of {limit:,}, so it was "
            "not used. Here it is, to shorten and send again:")
STEP_BACK_FIRST = "You are in the review; go back first to change an answer."


def identifier_warning(kind_names: Iterable[str]) -> str:
    """A gentle nudge when an answer seems to hold identifying details."""
    names = list(dict.fromkeys(kind_names))
    if not names:
        return ""
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    pronoun = "it" if len(names) == 1 else "them"
    return (f"That looks like {listed}: you might rephrase without {pronoun}. "
            "Schtum will replace identifying details in the summary either way.")


def record_date(moment: float, locale: str) -> str:
    """The date a record carries, in its flow's convention (30 November 2026 / November
    30, 2026), in UTC so the same instant gives the same date everywhere."""
    from datetime import UTC, datetime

    day = datetime.fromtimestamp(moment, UTC)
    if locale == "en-US":
        return f"{day:%B} {day.day}, {day.year}"
    return f"{day.day} {day:%B %Y}"


def progress_text(progress: tuple[int, int] | None) -> str:
    if progress is None:
        return ""
    asked, total = progress
    return f"Question {asked} of about {total}"
