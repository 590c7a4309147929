"""A document as Markdown: readable as plain text, and by any Markdown viewer."""

from __future__ import annotations

from bot import logbook
from bot.documents.model import Document, Entry


def _entry(entry: Entry) -> list[str]:
    lines = [f"## {entry.label}", ""]
    if entry.group:
        lines += [f"*Supervisee:* {entry.group}", ""]
    lines += [f"*Kind:* {entry.kind}" + (f" · *Decision:* {entry.decision}"
                                          if entry.decision else ""), ""]
    lines += [f"*{note}*" for note in entry.notes] + ([""] if entry.notes else [])
    if entry.next_steps:
        lines += ["**Open questions and next steps**", ""]
        lines += [f"- {label}: {text}" for label, text in entry.next_steps] + [""]
    lines += ["```text", entry.body.replace("```", "'''"), "```", ""]
    for thread in entry.threads:
        lines += [f"**{thread.title}**", ""]
        lines += [f"- {r.author}, {r.at} UTC: {r.text}" for r in thread.remarks] + [""]
    return lines


def render(document: Document) -> str:
    lines = [f"# {document.heading}", "", document.subtitle, ""]
    if document.overview:
        lines += ["## Overview", ""]
        for month, kinds in document.kinds_by_month().items():
            lines.append(f"- {month}: " + ", ".join(f"{k} ({n})" for k, n in kinds.items()))
        waiting = document.awaiting()
        if waiting:
            lines += ["", "Decisions awaiting an outcome: "
                      + ", ".join(f"{d} ({n})" for d, n in waiting.items())]
        lines.append("")
    if not document.entries:
        lines += ["No reflections in this period.", ""]
    for entry in document.entries:
        lines += _entry(entry)
    if document.log:
        lines += ["## Supervision log", "", logbook.report(document.log), ""]
    lines += ["---", "Schtum structures reflection; it is not legal or clinical advice. "
              "Summaries are anonymised; keep this document as confidentially as notes."]
    return "\n".join(lines) + "\n"
