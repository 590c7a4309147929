"""Domain errors of the flow layer, each carrying one sentence a person can act on."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a flow definition, located precisely enough to fix."""

    source: str
    state: str | None
    message: str

    def __str__(self) -> str:
        where = f"{self.source}" + (f", state '{self.state}'" if self.state else "")
        return f"{where}: {self.message}"


class FlowError(Exception):
    """A flow cannot be loaded or used; `problems` lists every reason found."""

    def __init__(self, message: str, problems: tuple[Problem, ...] = ()) -> None:
        super().__init__(message)
        self.problems = problems


class InvalidAnswer(ValueError):
    """An answer that does not fit the current question; the text says what would."""
