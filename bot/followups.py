"""Follow-ups: a saved reflection's next step, due when the practitioner said it would be.

Made at Save from the flow's `next_step` (what), `next_who` (who takes it) and
`next_when` (when) answers, read by state id and skipped quietly when a flow has no
such questions (the journal, or flows written before them). The step is stored as
anonymised as the record it came from. An outcome, recorded later, is anonymised,
shown back, and appended to the record itself (Store.add_outcome).
"""

from __future__ import annotations

import logging
from datetime import date, timedelta

from bot import wording
from flows.reflection import Reflection
from storage.anonymiser import KIND_NAMES, Anonymiser, detect
from storage.followups import FollowUp
from storage.store import Store
from storage.text import normalise

log = logging.getLogger("schtum.followups")
STEP, WHO, WHEN = "next_step", "next_who", "next_when"
DAYS_BY_WHEN = {"today": 0, "within a few days": 3, "within two weeks": 14}
MAX_OUTCOME = 2000


def due_on(when: str, saved_on: date) -> date | None:
    """The due day for a `next_when` label ("No date yet", or anything else: None)."""
    days = DAYS_BY_WHEN.get(" ".join(when.split()).casefold())
    return None if days is None else saved_on + timedelta(days=days)


def create(store: Store, who: str, record_id: str, reflection: Reflection,
           saved_on: date) -> FollowUp | None:
    """The follow-up a just-saved (anonymised) reflection asks for, stored; else None."""
    fields = reflection.fields
    step, when = fields.get(STEP, "").strip(), fields.get(WHEN, "").strip()
    due = due_on(when, saved_on) if step and when else None
    if due is None:
        return None
    item = {"step": step, "who": fields.get(WHO) or None, "when": when,
            "title": reflection.title}
    fid = store.followups.add(who, record_id, due, item)
    log.info("followup_set who=%s", who[:12])
    return store.followups.get(who, fid)


def set_text(item: FollowUp) -> str:
    return f"Follow-up set for {item.due_on:%a %-d %b}: {item.step}"


def line(item: FollowUp, today: date) -> str:
    """"Due today · Call the GP (me) · from: A confidentiality dilemma"."""
    if item.due_on < today:
        when = f"overdue since {item.due_on:%-d %b}"
    elif item.due_on == today:
        when = "due today"
    else:
        when = f"due {item.due_on:%a %-d %b}"
    who = f" ({item.item['who']})" if item.item.get("who") else ""
    return f"{when} · {item.step}{who} · from: {item.item.get('title', 'a reflection')}"


def opening_line(items: list[FollowUp], today: date) -> str | None:
    """What `schtum chat` says first when follow-ups are due; None if none are."""
    due = [i for i in items if i.due_on <= today]
    if not due:
        return None
    steps = "; ".join(i.step for i in due[:3]) + ("; …" if len(due) > 3 else "")
    count = "1 follow-up is" if len(due) == 1 else f"{len(due)} follow-ups are"
    return f"{count} due: {steps}. Type followups to see them."


def anonymise_outcome(text: str) -> tuple[str, list[str]]:
    """The outcome as it would be kept (anonymised, normalised) and what was found."""
    cleaned = normalise(text).strip()[:MAX_OUTCOME]
    kinds = [KIND_NAMES.get(f.kind, "an identifying detail") for f in detect(cleaned)]
    return Anonymiser().redact(cleaned).text, kinds


def record_outcome(store: Store, who: str, record_id: str, approved: str, on: date,
                   locale: str = "en-GB") -> None:
    """Append an approved, anonymised outcome to the record (audited as "outcome")."""
    store.add_outcome(who, record_id, approved, wording.record_date(_epoch(on), locale))
    log.info("outcome_recorded who=%s", who[:12])


def _epoch(day: date) -> float:
    from datetime import UTC, datetime

    return datetime(day.year, day.month, day.day, 12, tzinfo=UTC).timestamp()
