"""What a document holds, ready to render: no pseudonyms, no ids, only what a reader sees."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.logbook import Month


@dataclass(frozen=True)
class Remark:
    """One comment as shown: author's display name, when, the (anonymised) text."""

    author: str
    at: str
    text: str


@dataclass(frozen=True)
class Thread:
    """The comments between a reflection's owner and one supervisor."""

    title: str  # "With Dr Ash" / "With Sam"
    remarks: tuple[Remark, ...]


@dataclass(frozen=True)
class Entry:
    """One reflection in a document."""

    label: str  # title and date, disambiguated
    created_at: str
    kind: str
    decision: str | None
    next_steps: tuple[tuple[str, str], ...]
    body: str
    threads: tuple[Thread, ...] = ()
    group: str = ""  # the supervisee's name, in a supervisor's pack
    notes: tuple[str, ...] = ()  # "Shared with Dr Ash on 5 Mar 2025; read 6 Mar"


@dataclass(frozen=True)
class Document:
    """An export or a pack: a heading, the overview's data, the entries, the log."""

    heading: str
    subtitle: str
    entries: tuple[Entry, ...]
    log: tuple[Month, ...] = ()
    overview: bool = False
    generated: str = ""
    extra: tuple[str, ...] = field(default_factory=tuple)

    def kinds_by_month(self) -> dict[str, dict[str, int]]:
        """{"2025-03": {"Suicide risk": 2, …}} for the overview chart."""
        table: dict[str, dict[str, int]] = {}
        for entry in self.entries:
            month = table.setdefault(entry.created_at[:7], {})
            month[entry.kind] = month.get(entry.kind, 0) + 1
        return dict(sorted(table.items()))

    def awaiting(self) -> dict[str, int]:
        """Decisions still awaiting an outcome, counted by decision."""
        from bot.documents.summary import UNDECIDED

        counts: dict[str, int] = {}
        for entry in self.entries:
            if entry.decision and entry.decision != UNDECIDED:
                counts[entry.decision] = counts.get(entry.decision, 0) + 1
        return dict(sorted(counts.items(), key=lambda item: -item[1]))
