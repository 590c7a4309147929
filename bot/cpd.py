"""CPD: counting a saved reflection as continuing professional development, and the log.

The HCPC asks registrants to keep a continuous, accurate record of CPD that shows
learning benefiting practice and service users; reflective journals count as evidence.
So an entry holds the date, the activity, the minutes, what was learnt and how it
benefits practice and service users, drawn from the practitioner's own (anonymised)
answers, and nothing that identifies a client. Offered after a Save, off by default.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flows.reflection import Reflection
from storage import cpd as cpd_store
from storage.store import Store

MINUTES = (15, 30, 45, 60, 90)
MAX_MINUTES = 600
LEARNT = ("conclusion", "so_what", "analysis", "evaluation", "learning", "supervision_question")
BENEFIT = ("action_plan", "now_what", "next_step", "decision", "rationale")
NOTHING_SAID = "Not recorded in the reflection; add it before submitting this log."


@dataclass(frozen=True)
class Draft:
    """What a saved reflection would contribute to the CPD log (anonymised text)."""

    on: str
    activity: str
    learnt: str
    benefit: str


def draft(reflection: Reflection, saved_on: date) -> Draft:
    fields = reflection.fields

    def first(states: tuple[str, ...]) -> str:
        return next((fields[s].strip() for s in states if fields.get(s, "").strip()),
                    NOTHING_SAID)

    kind = "Reflective journal" if reflection.flow_id == "journal" else "Structured reflection"
    return Draft(saved_on.isoformat(), f"{kind}: {reflection.title}", first(LEARNT),
                 first(BENEFIT))


def parse_minutes(typed: str) -> int | None:
    words = typed.strip().casefold().removesuffix("minutes").removesuffix("mins").strip()
    if not words.isdecimal() or not 1 <= int(words) <= MAX_MINUTES:
        return None
    return int(words)


def count(store: Store, who: str, found: Draft, minutes: int) -> str:
    return cpd_store.add_entry(store, who, {"date": found.on, "activity": found.activity,
                                            "minutes": minutes, "learnt": found.learnt,
                                            "benefit": found.benefit})


def entries(store: Store, who: str) -> list[dict[str, Any]]:
    return sorted(cpd_store.entries(store, who), key=lambda e: e["date"])


def markdown(items: list[dict[str, Any]], made_on: date) -> str:
    total = sum(int(e["minutes"]) for e in items)
    lines = ["# CPD log", "",
             f"Made on {made_on:%-d %B %Y}. {len(items)} activities, "
             f"{total // 60} h {total % 60} min in all.", "",
             "| date | activity | minutes |", "| --- | --- | --- |"]
    lines += [f"| {e['date']} | {_cell(e['activity'])} | {e['minutes']} |" for e in items]
    for e in items:
        lines += ["", f"## {e['date']} · {e['activity']}", "",
                  f"*Minutes:* {e['minutes']}", "", f"**What I learnt:** {e['learnt']}", "",
                  f"**How it benefits my practice and service users:** {e['benefit']}"]
    if not items:
        lines += ["", "No CPD counted yet: after saving a reflection, choose Count this as CPD."]
    lines += ["", "---", "Kept with Schtum. Summaries are anonymised; no client is identified. "
              "HCPC standards for CPD: a continuous, accurate record of activities that "
              "benefit practice and service users."]
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "/").replace("\n", " ")


def pdf(items: list[dict[str, Any]], made_on: date) -> bytes:
    from bot.documents.pdf import Pdf

    document = Pdf()
    document.set_title("CPD log")
    document.add_page()
    document.para("CPD log", 18, "B")
    total = sum(int(e["minutes"]) for e in items)
    document.para(f"Made on {made_on:%-d %B %Y}. {len(items)} activities, {total // 60} h "
                  f"{total % 60} min in all.", 10)
    for e in items:
        document.para(f"{e['date']} - {e['activity']}", 12, "B", gap=0.5)
        document.para(f"Minutes: {e['minutes']}", 10, gap=0.5)
        document.para(f"What I learnt: {e['learnt']}", 10, gap=0.5)
        document.para(f"How it benefits my practice and service users: {e['benefit']}", 10)
    if not items:
        document.para("No CPD counted yet.", 11)
    return bytes(document.output())
