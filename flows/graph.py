"""Graph facts about a flow, computed once: reachability, loops, and questions left.

The engine's progress figure and the validator both stand on these, so the number a
practitioner sees ("question 4 of about 11") always follows the flow as written.
"""

from __future__ import annotations

from collections.abc import Iterator

from flows.schema import MULTI_SEPARATOR, Flow


def reachable(flow: Flow) -> set[str]:
    """States reachable from the start (ignoring unknown targets)."""
    seen: set[str] = set()
    todo = [flow.start] if flow.start in flow.states else []
    while todo:
        state = todo.pop()
        if state in seen:
            continue
        seen.add(state)
        todo.extend(t for t in flow.states[state].targets if t in flow.states)
    return seen


def can_reach_end(flow: Flow) -> set[str]:
    """States from which some end state is reachable."""
    parents: dict[str, set[str]] = {s: set() for s in flow.states}
    for state in flow.states.values():
        for target in state.targets:
            if target in parents:
                parents[target].add(state.id)
    good = {s.id for s in flow.states.values() if s.is_end}
    todo = list(good)
    while todo:
        for parent in parents[todo.pop()]:
            if parent not in good:
                good.add(parent)
                todo.append(parent)
    return good


def find_loop(flow: Flow) -> list[str] | None:
    """One cycle as a list of states, or None when the flow is acyclic."""
    colour: dict[str, int] = {}
    stack: list[str] = []

    def visit(state: str) -> list[str] | None:
        colour[state] = 1
        stack.append(state)
        for target in flow.states[state].targets:
            if target not in flow.states:
                continue
            if colour.get(target) == 1:
                return stack[stack.index(target):] + [target]
            if target not in colour and (loop := visit(target)):
                return loop
        stack.pop()
        colour[state] = 2
        return None

    for state in flow.states:
        if state not in colour and (loop := visit(state)):
            return loop
    return None


def questions_left(flow: Flow) -> dict[str, int]:
    """For each state, the most questions (itself included) before an end.

    Using the longest way keeps the progress fraction rising on every forward step.
    Assumes an acyclic flow (the validator guarantees it before the engine runs).
    """
    memo: dict[str, int] = {}

    def left(state: str) -> int:
        if state not in memo:
            node = flow.states[state]
            if node.is_end:
                memo[state] = 0
            else:
                memo[state] = 1 + max((left(t) for t in node.targets if t in flow.states),
                                      default=0)
        return memo[state]

    for state in flow.states:
        left(state)
    return memo


class Remaining:
    """The most questions still to come, knowing the answers that change the way.

    Only answers some `skip_when` reads matter, so the longest way is worked out per
    (question, those answers) and kept: exact for every realised walk (a question that
    will be skipped is not counted), cheap after the first few conversations, and never
    rising as answers arrive, so "question k of about n" only ever tightens.
    """

    def __init__(self, flow: Flow) -> None:
        self.flow = flow
        self.watched = {(state, label) for s in flow.states.values() if s.skip_when
                        for state, labels in s.skip_when.wanted for label in labels}
        self._memo: dict[tuple[str, frozenset[tuple[str, str]]], int] = {}

    def known(self, answers: dict[str, str]) -> frozenset[tuple[str, str]]:
        return frozenset((state, label) for state, given in answers.items()
                         for label in given.split(MULTI_SEPARATOR)
                         if (state, label) in self.watched)

    def left(self, state: str, known: frozenset[tuple[str, str]]) -> int:
        key = (state, known)
        if key not in self._memo:
            self._memo[key] = self._left(state, known)
        return self._memo[key]

    def _left(self, state: str, known: frozenset[tuple[str, str]]) -> int:
        node = self.flow.states[state]
        if node.is_end:
            return 0
        if node.skip_when is not None and node.skip_when.holds(_as_answers(known)):
            return self.left(node.next or "", known)
        if not node.choices:
            return 1 + max((self.left(t, known) for t in node.targets), default=0)
        best = 0
        for choice in node.choices:  # for a multi-select, each option on its own
            target = node.next if node.kind == "multi" else choice.next
            chosen = (node.id, choice.label)
            after = known | {chosen} if chosen in self.watched else known
            best = max(best, 1 + self.left(target or "", after))
        return best


def _as_answers(known: frozenset[tuple[str, str]]) -> dict[str, str]:
    answers: dict[str, list[str]] = {}
    for state, label in known:
        answers.setdefault(state, []).append(label)
    return {state: MULTI_SEPARATOR.join(labels) for state, labels in answers.items()}


def paths(flow: Flow, start: str | None = None) -> Iterator[tuple[str, ...]]:
    """Every path from the start to an end, as state ids (for exhaustive tests)."""
    stack: list[tuple[str, tuple[str, ...]]] = [(start or flow.start, ())]
    while stack:
        state, so_far = stack.pop()
        path = so_far + (state,)
        node = flow.states[state]
        if node.is_end:
            yield path
            continue
        for target in reversed(node.targets):
            stack.append((target, path))
