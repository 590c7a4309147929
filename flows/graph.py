"""Graph facts about a flow, computed once: reachability, loops, and questions left.

The engine's progress figure and the validator both stand on these, so the number a
practitioner sees ("question 4 of about 11") always follows the flow as written.
"""

from __future__ import annotations

from collections.abc import Iterator

from flows.schema import Flow


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
