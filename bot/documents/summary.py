"""Read a stored summary back into its parts: kind, decision, open questions, next steps.

A summary is the text `flows.reflection.Reflection.summary` produced: a title line, the
flow line, then SECTION headings with "• Label: text" lines. Packs and overviews need a
few of those answers; reading them from the text keeps the on-disk format unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass, field

SKIPPED = "(skipped)"
KIND_LABELS = ("Kind of dilemma", "Form")
DECISION_LABEL = "Decision"
NEXT_SECTIONS = frozenset({"accountability", "action plan", "now what?", "for supervision",
                           "conclusion"})
FLOW_KINDS = {"journal": "Journal", "contract": "Contract review"}
UNDECIDED = "Not decided yet"


@dataclass(frozen=True)
class Parsed:
    """The parts of one summary a pack or overview uses."""

    kind: str
    decision: str | None
    next_steps: list[tuple[str, str]] = field(default_factory=list)


def answers(body: str) -> list[tuple[str, str, str]]:
    """(section, label, text) for every "• Label: text" line under a heading."""
    found, section = [], ""
    for line in body.splitlines():
        stripped = line.strip()
        if stripped.startswith("• ") and ": " in stripped:
            label, _, text = stripped[2:].partition(": ")
            found.append((section, label.strip(), text.strip()))
        elif stripped and stripped == stripped.upper() and any(c.isalpha() for c in stripped):
            section = stripped.casefold()
    return found


def parse(body: str, flow_id: str) -> Parsed:
    """Kind of dilemma (or journal form), the decision, and what to take forward."""
    items = answers(body)
    kind = next((t for _, label, t in items if label in KIND_LABELS and t != SKIPPED), None)
    if kind is None:
        kind = FLOW_KINDS.get(flow_id.split("-")[0], "Dilemma")
    decision = next((t for _, label, t in items if label == DECISION_LABEL and t != SKIPPED),
                    None)
    steps = [(label, text) for section, label, text in items
             if section in NEXT_SECTIONS and text and text != SKIPPED]
    return Parsed(kind, decision, steps)


def awaiting(parsed: Parsed) -> bool:
    """A decision taken whose outcome Schtum has not been told (it records none yet)."""
    return parsed.decision is not None and parsed.decision != UNDECIDED
