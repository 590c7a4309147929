"""Find and load flows: the shipped ones by id, or any TOML file by path.

A flow may `extends = "<id>"` another: it is the base with the overlay's top-level fields
replacing the base's, and each `[states.X]` table merged field by field over the base's
(new states added). That is how one breach graph serves four jurisdictions: the law,
sources and wording differ, the shape of the reflection does not. A base marked
`abstract = true` is validated but never offered as a flow of its own.
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from flows.errors import FlowError, Problem
from flows.schema import Flow, parse_flow
from flows.validate import validate

_cache: dict[str, Flow] = {}


def _files() -> dict[str, Any]:
    folder = resources.files("flows") / "data"
    return {p.name[:-5]: p for p in folder.iterdir() if p.name.endswith(".toml")}


def all_ids() -> list[str]:
    """Every shipped flow file's id, abstract bases included (for validation)."""
    return sorted(_files())


@cache
def shipped_ids() -> list[str]:
    """Ids of the flows a practitioner can run, sorted (abstract bases left out)."""
    return [i for i in all_ids() if not _raw(i).get("abstract", False)]


def _raw(flow_id: str) -> dict[str, Any]:
    resource = _files().get(flow_id)
    if resource is None:
        raise FlowError(f"There is no flow called '{flow_id}'. "
                        f"Available: {', '.join(shipped_ids())}.")
    return _parse_toml(resource.read_text(encoding="utf-8"), f"{flow_id}.toml")


def _parse_toml(text: str, source: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        problem = Problem(source, None, f"is not valid TOML ({exc}).")
        raise FlowError(str(problem), (problem,)) from None


def merged(data: dict[str, Any], source: str) -> dict[str, Any]:
    """The overlay `data` laid over the flow it extends (recursively), as plain data."""
    base_id = data.get("extends")
    if base_id is None:
        return data
    if not isinstance(base_id, str):
        problem = Problem(source, None, "'extends' must name a shipped flow.")
        raise FlowError(str(problem), (problem,))
    base = merged(_raw(base_id), f"{base_id}.toml")
    result = {k: v for k, v in base.items() if k not in ("abstract", "states")}
    result.update({k: v for k, v in data.items() if k not in ("extends", "states")})
    states = {name: dict(table) for name, table in base.get("states", {}).items()}
    for name, table in data.get("states", {}).items():
        if not isinstance(table, dict):
            states[name] = table
            continue
        states[name] = {**states.get(name, {}), **table}
    result["states"] = states
    return result


def load_text(text: str, source: str) -> Flow:
    """Parse and validate flow TOML; raise FlowError listing every problem."""
    data = merged(_parse_toml(text, source), source)
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


def load_flow(flow_id: str, *, include_abstract: bool = False) -> Flow:
    """A shipped flow by id, parsed and validated once per process."""
    if flow_id not in _cache:
        allowed = all_ids() if include_abstract else shipped_ids()
        if flow_id not in allowed:
            raise FlowError(f"There is no flow called '{flow_id}'. "
                            f"Available: {', '.join(shipped_ids())}.")
        resource = _files()[flow_id]
        _cache[flow_id] = load_text(resource.read_text(encoding="utf-8"), f"{flow_id}.toml")
    return _cache[flow_id]
