"""Questions per path: every realised walk of every shipped flow, by route.

    python3 benchmarks/flow_lengths.py [FLOW_ID ...]

For each flow (and, for a flow with a `route` question, each route) it prints how many
realised walks there are and the fewest, median and most questions a practitioner is
asked on them (every question counts, the safety and route questions included). Walks
come from `flows.walk.walks`, which runs the real engine, so a question skipped by an
earlier answer is not counted. Walks that stop before the route is chosen (the
act-first path after a safety answer) are counted as "stopped at safety".
"""

from __future__ import annotations

import statistics
import sys
from collections import defaultdict

from flows.engine import Engine
from flows.loader import load_flow, shipped_ids
from flows.walk import Walk, walks

ROUTE = "route"
STOPPED = "end_paused"


def route_of(walk: Walk) -> str:
    """'quick' or 'full' as chosen; after a safety concern the breach flows skip the route
    question and go the quick way; 'stopped at safety' for the act-first paths."""
    given = walk.session.answers.get(ROUTE)
    if given is not None:
        return given.split()[0].casefold()
    return "stopped at safety" if walk.end == STOPPED else "quick"


def counts(flow_id: str) -> dict[str, list[int]]:
    """Question counts of every realised walk of a flow, grouped by route."""
    engine = Engine(load_flow(flow_id))
    found: dict[str, list[int]] = defaultdict(list)
    has_route = ROUTE in engine.flow.states
    for walk in walks(engine):
        key = route_of(walk) if has_route else "all"
        found[key].append(walk.questions)
    return dict(found)


def row(flow_id: str, route: str, numbers: list[int]) -> str:
    median = statistics.median(numbers)
    shown = f"{median:g}"
    return (f"{flow_id:<16} {route:<17} {len(numbers):>6}  "
            f"{min(numbers):>3} / {shown:>4} / {max(numbers):>3}")


def main(argv: list[str]) -> int:
    ids = argv or shipped_ids()
    print(f"{'flow':<16} {'route':<17} {'walks':>6}  min / median / max questions")
    order = {"stopped at safety": 0, "quick": 1, "full": 2, "all": 3}
    for flow_id in ids:
        for route, numbers in sorted(counts(flow_id).items(), key=lambda i: order[i[0]]):
            print(row(flow_id, route, numbers))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
