"""Every way a practitioner can really go through a flow, found by running the engine.

The graph's paths over-count: a question that earlier answers make unnecessary
(`skip_when`) is on a path but never asked. Walking the real engine, one option at a time,
gives the questions a practitioner actually meets: for exhaustive tests, for the
question counts per route, and for the diagrams' figures. A multi-select is walked with
its first option alone and with every option, which covers both ends of it. Options that
lead to the same question and that no condition looks at are interchangeable for the
path, so one of them stands for all (otherwise the walks multiply by every choice).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from flows.engine import DONE, Engine, Session

TextFor = Callable[[str], str]


@dataclass(frozen=True)
class Walk:
    """One realised way through: the questions asked (state ids) and the answers given."""

    asked: tuple[str, ...]
    inputs: tuple[tuple[str, str], ...]  # ("choice" | "text", value), one per answer
    end: str
    session: Session

    @property
    def questions(self) -> int:
        return len(self.asked)


def walks(engine: Engine, text_for: TextFor = lambda state: f"Answer to {state}.",
          limit: int = 100_000) -> Iterator[Walk]:
    """Every realised walk through `engine`'s flow (depth first, at most `limit`)."""
    count = 0
    watched = _watched(engine)
    stack: list[tuple[Session, tuple[str, ...], tuple[tuple[str, str], ...]]] = [
        (engine.start(), (), ())]
    while stack and count < limit:
        session, asked, inputs = stack.pop()
        if session.finished:
            count += 1
            yield Walk(asked, inputs, session.state, session)
            continue
        state = session.current
        for given in reversed(_options(session, text_for, watched)):
            branch = _clone(engine, session)
            for _, value in given:
                branch.answer(value)
            stack.append((branch, asked + (state.id,), inputs + given))


def _watched(engine: Engine) -> set[tuple[str, str]]:
    """(state, label) pairs some condition reads: choosing them can change the path."""
    found: set[tuple[str, str]] = set()
    for state in engine.flow.states.values():
        conditions = [v.when for v in (*state.ask_when, *state.say_when)]
        if state.skip_when is not None:
            conditions.append(state.skip_when)
        for condition in conditions:
            found |= {(other, label) for other, labels in condition.wanted for label in labels}
    return found


def _options(session: Session, text_for: TextFor,
             watched: set[tuple[str, str]]) -> list[tuple[tuple[str, str], ...]]:
    state = session.current
    if state.kind == "multi":
        labels = [c.label for c in state.choices]
        subsets = [[label] for label in labels if (state.id, label) in watched]
        subsets += [labels[:1], labels] if len(labels) > 1 else [labels]
        unique = list(dict.fromkeys(tuple(s) for s in subsets))
        return [tuple(("choice", label) for label in subset) + (("choice", DONE),)
                for subset in unique]
    if state.choices:
        seen: dict[tuple[str, str | None], str] = {}
        for choice in state.choices:
            key = (choice.next, choice.label if (state.id, choice.label) in watched else None)
            seen.setdefault(key, choice.label)
        return [(("choice", label),) for label in seen.values()]
    return [(("text", text_for(state.id)),)]


def _clone(engine: Engine, session: Session) -> Session:
    return engine.restore(session.snapshot())
