"""Find and load flows: the shipped ones by id, or any TOML file by path."""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path

from flows.errors import FlowError, Problem
from flows.schema import Flow, parse_flow
from flows.validate import validate

_cache: dict[str, Flow] = {}


def shipped_ids() -> list[str]:
    """Ids of the flows that ship with Schtum, sorted."""
    folder = resources.files("flows") / "data"
    return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".toml"))


def load_text(text: str, source: str) -> Flow:
    """Parse and validate flow TOML; raise FlowError listing every problem."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        problem = Problem(source, None, f"is not valid TOML ({exc}).")
        raise FlowError(str(problem), (problem,)) from None
    flow, problems = parse_flow(data, source)
    if flow is not None:
        problems = validate(flow)
    if problems or flow is None:
        raise FlowError(f"{source} has {len(problems)} problem(s).", tuple(problems))
    return flow


def load_path(path: Path) -> Flow:
    """Load a flow file from disk, e.g. for `schtum flow check PATH`."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        problem = Problem(str(path), None, f"cannot be read ({exc.__class__.__name__}).")
        raise FlowError(str(problem), (problem,)) from None
    flow = load_text(text, str(path))
    if flow.id != path.stem:
        problem = Problem(str(path), None, f"declares id '{flow.id}' but the file is named "
                                           f"'{path.name}'; make them match.")
        raise FlowError(str(problem), (problem,))
    return flow


def load_flow(flow_id: str) -> Flow:
    """A shipped flow by id, parsed and validated once per process."""
    if flow_id not in _cache:
        if flow_id not in shipped_ids():
            raise FlowError(f"There is no flow called '{flow_id}'. "
                            f"Available: {', '.join(shipped_ids())}.")
        resource = resources.files("flows") / "data" / f"{flow_id}.toml"
        _cache[flow_id] = load_text(resource.read_text(encoding="utf-8"), f"{flow_id}.toml")
    return _cache[flow_id]
