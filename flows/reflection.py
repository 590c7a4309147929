"""The structured reflection a finished flow produces, and its readable summary."""

from __future__ import annotations

from dataclasses import dataclass, replace

DISCLAIMER = ("Schtum structures reflection. It is not legal or clinical advice: check the "
              "law and your professional body's guidance, and take this to supervision.")
SKIPPED = "(skipped)"


@dataclass(frozen=True)
class Answer:
    """One answered question: where it goes in the summary, and what was said."""

    state: str
    section: str
    label: str
    text: str


@dataclass(frozen=True)
class Reflection:
    """Everything a finished conversation yields; plaintext, held in memory only."""

    flow_id: str
    flow_version: str
    title: str
    answers: tuple[Answer, ...]
    path: tuple[str, ...]
    end: str
    sections: tuple[str, ...]
    sources: tuple[str, ...] = ()
    closing: str | None = None

    @property
    def fields(self) -> dict[str, str]:
        """Answers keyed by state id."""
        return {a.state: a.text for a in self.answers}

    def with_texts(self, texts: dict[str, str]) -> Reflection:
        """The same reflection with some answers replaced (e.g. anonymised or edited)."""
        answers = tuple(replace(a, text=texts.get(a.state, a.text)) for a in self.answers)
        return replace(self, answers=answers)

    def summary(self) -> str:
        """A readable account grouped under the flow's headings, with its sources."""
        lines = [self.title, f"({self.flow_id}, version {self.flow_version})"]
        for section in self.sections:
            entries = [a for a in self.answers if a.section == section]
            if not entries:
                continue
            lines += ["", section.upper()]
            lines += [f"• {a.label}: {a.text or SKIPPED}" for a in entries]
        if self.closing:
            lines += ["", self.closing]
        if self.sources:
            lines += ["", "Sources: " + "; ".join(self.sources) + "."]
        lines += ["", DISCLAIMER]
        return "\n".join(lines)
