"""Per-answer cost and per-conversation memory of the engine, against two alternatives.

Run: python benchmarks/engine.py

Compares, in one run, on the shipped breach-uk flow:
  shared     one transitions Machine per flow; sessions are plain objects moved by
             Event.trigger without being registered (what Schtum does);
  add_model  one Machine per flow with every session registered via add_model (the
             documented multi-model pattern: triggers bound onto each model);
  per_session a new Machine for every conversation.
Prints each one's cost per answer (µs) and memory per open conversation (bytes), and
ratios against `shared`.
"""

from __future__ import annotations

import gc
import time
import tracemalloc
from collections.abc import Callable

from transitions import Machine

from flows.engine import ANSWER, Engine, _leads_to
from flows.graph import paths
from flows.loader import load_flow

FLOW = load_flow("breach-uk")
PATH = max(paths(FLOW), key=len)
SESSIONS = 2000


def answers_for(path: tuple[str, ...]) -> list[str]:
    """The answer that takes each step of `path`."""
    result = []
    for here, there in zip(path, path[1:], strict=False):
        state = FLOW.states[here]
        result.append(next(c.label for c in state.choices if c.next == there)
                      if state.choices else "Some words.")
    return result


ANSWERS = answers_for(PATH)


def machine_spec() -> dict:
    return {"states": list(FLOW.states), "initial": FLOW.start, "auto_transitions": False,
            "send_event": True,
            "transitions": [{"trigger": ANSWER, "source": s.id, "dest": t,
                             "conditions": [_leads_to(t)]}
                            for s in FLOW.states.values() for t in s.targets]}


class Model:
    def __init__(self) -> None:
        self.history: list[str] = []
        self.answers: dict[str, str] = {}


def shared_factory() -> Callable[[], object]:
    engine = Engine(FLOW)
    return lambda: engine.start()


def add_model_factory() -> Callable[[], object]:
    machine = Machine(model=None, **machine_spec())

    def make() -> object:
        model = Model()
        machine.add_model(model)
        return model
    return make


def per_session_factory() -> Callable[[], object]:
    def make() -> object:
        model = Model()
        Machine(model=model, **machine_spec())
        return model
    return make


def walk(session: object) -> None:
    """The same bookkeeping for every variant; only how the machine is triggered differs."""
    engine = getattr(session, "engine", None)
    for here, there, value in zip(PATH, PATH[1:], ANSWERS, strict=False):
        session.answers[here] = value
        session.history.append(here)
        if engine is not None:
            engine.move(session, there)
        else:
            session.trigger(ANSWER, target=there)


def full_answer_us(rounds: int = 300) -> float:
    """What Schtum really pays per answer: Session.answer, with validation and the prompt."""
    engine = Engine(FLOW)
    start = time.perf_counter()
    for _ in range(rounds):
        session = engine.start()
        for value in ANSWERS:
            session.answer(value)
    return (time.perf_counter() - start) / (rounds * len(ANSWERS)) * 1e6


def per_answer_us(factory: Callable[[], object], rounds: int = 300) -> float:
    make = factory()
    start = time.perf_counter()
    for _ in range(rounds):
        walk(make())
    return (time.perf_counter() - start) / (rounds * len(ANSWERS)) * 1e6


def bytes_per_session(factory: Callable[[], object]) -> float:
    make = factory()
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.take_snapshot()
    kept = [make() for _ in range(SESSIONS)]
    for session in kept[: SESSIONS // 2]:
        walk(session)
    after = tracemalloc.take_snapshot()
    tracemalloc.stop()
    total = sum(s.size_diff for s in after.compare_to(before, "filename"))
    del kept
    return total / SESSIONS


def main() -> None:
    print(f"flow breach-uk: {len(FLOW.states)} states, path of {len(ANSWERS)} answers")
    results = {name: (min(per_answer_us(f) for _ in range(3)), bytes_per_session(f))
               for name, f in
               (("shared", shared_factory), ("add_model", add_model_factory),
                ("per_session", per_session_factory))}
    base_time, base_mem = results["shared"]
    print(f"{'variant':<12} {'µs/answer':>10} {'ratio':>6} {'bytes/conv':>11} {'ratio':>6}")
    for name, (cost, memory) in results.items():
        print(f"{name:<12} {cost:>10.1f} {cost / base_time:>6.2f} {memory:>11,.0f} "
              f"{memory / base_mem:>6.2f}")
    print("(memory: half the conversations walked to the end, half just started)")
    print(f"Session.answer in full (validation, history, next prompt): "
          f"{full_answer_us():.1f} µs/answer")


if __name__ == "__main__":
    main()
