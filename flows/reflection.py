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
    sentence: str | None = None  # the flow's own words for the option chosen, if any


def _with_text(answer: Answer, text: str) -> Answer:
    """An answer with new words; a sentence written around the old words is rewritten."""
    sentence = answer.sentence
    if sentence and answer.text and answer.text in sentence:
        sentence = sentence.replace(answer.text, text)
    return replace(answer, text=text, sentence=sentence)


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
    style: str = "answers"

    @property
    def fields(self) -> dict[str, str]:
        """Answers keyed by state id."""
        return {a.state: a.text for a in self.answers}

    def with_texts(self, texts: dict[str, str]) -> Reflection:
        """The same reflection with some answers replaced (e.g. anonymised or edited)."""
        answers = tuple(_with_text(a, texts[a.state]) if a.state in texts else a
                        for a in self.answers)
        return replace(self, answers=answers)

    def summary(self, date: str | None = None) -> str:
        """A readable account grouped under the flow's headings, with its sources.

        "answers" style lists each answer under its label; "document" style (a contract
        to read to a client) gives the flow's sentences for what was chosen, as prose.
        """
        lines = [self.title]
        if date:
            lines.append(date)
        lines.append(f"({self.flow_id}, version {self.flow_version})")
        for section in self.sections:
            entries = [a for a in self.answers if a.section == section]
            if self.style == "document":
                entries = [a for a in entries if a.sentence]
            if not entries:
                continue
            lines += ["", section.upper()]
            if self.style == "document":
                lines += [a.sentence or "" for a in entries]
                continue
            lines += [f"• {a.label}: {a.sentence or a.text or SKIPPED}" for a in entries]
        if self.closing:
            lines += ["", self.closing]
        if self.sources:
            lines += ["", "Sources: " + "; ".join(self.sources) + "."]
        lines += ["", DISCLAIMER]
        return "\n".join(lines)
