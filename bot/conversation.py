"""One practitioner's conversation in progress: the flow session plus the review stage.

Plaintext lives here only in memory; `to_snapshot` exists so the store can keep it
encrypted (never in clear) for resuming after a restart.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.replacements import Replacement, replacements
from flows.engine import Engine, Session
from flows.reflection import Reflection
from storage.anonymiser import Anonymiser

FREE_TEXT = ("text", "optional_text")


@dataclass
class Conversation:
    """A flow session and where the practitioner is in reviewing its summary."""

    session: Session
    stage: str = "flow"  # flow | review | remove | restore | edit_pick | edit_text
    extra_terms: list[str] = field(default_factory=list)
    edits: dict[str, str] = field(default_factory=dict)
    editing: str | None = None
    last_seen: float = 0.0
    # A channel's message ids and dates (never content), so it can still offer to delete
    # the chat's messages after a restart.
    tracked: list[tuple[int, float]] = field(default_factory=list)
    held: str | None = None  # words typed where an option was expected, kept for later
    paused: str | None = None  # the stage to return to if "stop?" is answered no
    # Words the practitioner put back in review (a wrong replacement): never redacted.
    restored: list[str] = field(default_factory=list)

    @property
    def answered(self) -> int:
        """How many questions have been answered: what stopping now would lose."""
        return len(self.session.history)

    def reflection(self) -> Reflection:
        """The finished reflection with the practitioner's edits applied (plaintext)."""
        return self.session.reflection().with_texts(self.edits)

    def free_text_states(self) -> list[str]:
        flow = self.session.flow
        return [a.state for a in self.reflection().answers
                if flow.states[a.state].kind in FREE_TEXT and a.text]

    def anonymised(self) -> Reflection:
        """Free-text answers redacted with one numbering across the whole reflection."""
        reflection = self.reflection()
        redactor = Anonymiser()
        texts = {state: redactor.redact(reflection.fields[state], self.extra_terms,
                                        self.restored).text
                 for state in self.free_text_states()}
        return reflection.with_texts(texts)

    def replacements(self) -> list[Replacement]:
        """The placeholders of the anonymised summary that could be put back."""
        reflection = self.reflection()
        return replacements((reflection.fields[s] for s in self.free_text_states()),
                            self.extra_terms, self.restored)

    def to_snapshot(self) -> bytes:
        return json.dumps({
            "session": self.session.snapshot(), "stage": self.stage,
            "extra": self.extra_terms, "edits": self.edits, "editing": self.editing,
            "seen": self.last_seen, "tracked": self.tracked, "held": self.held,
            "paused": self.paused, "restored": self.restored,
        }).encode()

    @classmethod
    def from_snapshot(cls, raw: bytes, engine_for: Callable[[str], Engine]) -> Conversation:
        """Rebuild from `to_snapshot`; KeyError/ValueError/FlowError if it no longer fits."""
        data = json.loads(raw)
        engine = engine_for(data["session"]["flow"])
        tracked = [(int(mid), float(date)) for mid, date in data.get("tracked", [])]
        return cls(engine.restore(data["session"]), data["stage"], list(data["extra"]),
                   dict(data["edits"]), data["editing"], float(data["seen"]), tracked,
                   data.get("held"), data.get("paused"),
                   [str(t) for t in data.get("restored", [])])
