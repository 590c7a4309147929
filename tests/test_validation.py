"""Validation: one broken flow per kind of mistake, each reported with file and state."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from flows.errors import FlowError
from flows.loader import load_path, load_text

GOOD = """
id = "tiny"
version = "1"
title = "Tiny"
start = "first"

[states.first]
kind = "yesno"
section = "S"
ask = "Ready?"
yes = "words"
no = "end"

[states.words]
kind = "text"
section = "S"
ask = "Say something."
next = "end"

[states.end]
kind = "end"
say = "Bye."
"""


def problems_of(text: str) -> list[str]:
    with pytest.raises(FlowError) as caught:
        load_text(text, "broken.toml")
    return [str(p) for p in caught.value.problems]


def test_a_good_flow_loads() -> None:
    flow = load_text(GOOD, "tiny.toml")
    assert list(flow.states) == ["first", "words", "end"]


@pytest.mark.parametrize(("mutation", "expected"), [
    (("next = \"end\"", "next = \"nowhere\""), "state 'words': leads to 'nowhere'"),
    (("no = \"end\"", "no = \"words\"\n[states.orphan]\nkind = \"end\""),
     "state 'orphan': cannot be reached"),
    (("next = \"end\"", "next = \"first\""), "part of a loop"),
    (("ask = \"Ready?\"", ""), "state 'first': the required field 'ask' is missing"),
    (("title = \"Tiny\"\n", ""), "the required field 'title' is missing"),
    (("ask = \"Say something.\"", f"ask = \"{'x' * 1001}\""), "1001 characters"),
    (("section = \"S\"\nask = \"Ready?\"", "section = \"S\"\nask = \"Ready?\"\ncolour = \"red\""),
     "'colour' is not a state field"),
    (("kind = \"yesno\"", "kind = \"maybe\""), "'kind' must be one of"),
])
def test_each_mistake_is_reported_with_its_state(mutation: tuple[str, str], expected: str) -> None:
    old, new = mutation
    assert old in GOOD
    found = problems_of(GOOD.replace(old, new, 1))
    assert any(expected in p for p in found), found
    assert all(p.startswith("broken.toml") for p in found)


def choice_flow(labels: list[str]) -> str:
    choices = ", ".join(f'{{ label = "{label}", next = "end" }}' for label in labels)
    return GOOD.replace('kind = "yesno"', 'kind = "choice"').replace(
        'yes = "words"\nno = "end"', f"choices = [{choices}, {{ label = \"More\", "
                                     f"next = \"words\" }}]")


def test_duplicate_choice_labels_are_reported_once() -> None:
    found = problems_of(choice_flow(["Same", "Same"]))
    assert sum("'Same' appears more than once" in p for p in found) == 1


def test_a_button_label_over_64_bytes_is_reported() -> None:
    label = "é" * 33  # 66 bytes in UTF-8, 33 characters
    found = problems_of(choice_flow([label]))
    assert any("66 bytes" in p and "state 'first'" in p for p in found)


def test_a_state_that_cannot_reach_an_end_is_reported() -> None:
    text = GOOD.replace('next = "end"', 'next = "stuck"') + (
        '\n[states.stuck]\nkind = "choice"\nsection = "S"\nask = "?"\n'
        'choices = [{ label = "a", next = "stuck2" }]\n'
        '[states.stuck2]\nkind = "choice"\nsection = "S"\nask = "?"\n'
        'choices = [{ label = "b", next = "stuck" }]\n')
    found = problems_of(text)
    assert any("state 'stuck': cannot reach an end" in p for p in found)


def test_invalid_toml_is_one_clear_problem() -> None:
    found = problems_of("id = ")
    assert len(found) == 1 and "not valid TOML" in found[0]


def test_a_file_named_unlike_its_id_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.toml"
    path.write_text(GOOD)
    with pytest.raises(FlowError, match="declares id 'tiny'"):
        load_path(path)


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot.cli", *args], capture_output=True,
                          text=True, timeout=60)


def test_flow_check_passes_on_the_shipped_flows() -> None:
    result = run_cli("flow", "check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "✓ breach-uk" in result.stdout


def test_flow_check_fails_with_exit_1_and_names_file_and_state(tmp_path: Path) -> None:
    path = tmp_path / "tiny.toml"
    path.write_text(GOOD.replace('next = "end"', 'next = "nowhere"'))
    result = run_cli("flow", "check", str(path))
    assert result.returncode == 1
    assert f"{path}, state 'words': leads to 'nowhere'" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_flow_draw_prints_a_mermaid_state_diagram() -> None:
    result = run_cli("flow", "draw", "breach-uk")
    assert result.returncode == 0
    assert "stateDiagram-v2" in result.stdout
    assert "[*] --> " in result.stdout


def test_flow_draw_of_an_unknown_flow_is_one_sentence() -> None:
    result = run_cli("flow", "draw", "nope")
    assert result.returncode == 1
    assert result.stderr.startswith("schtum: There is no flow called 'nope'")


@pytest.mark.parametrize("flow_id", ["breach-uk", "breach-us", "contract", "journal"])
def test_docs_show_each_shipped_flows_current_diagram(flow_id: str) -> None:
    from flows.draw import mermaid
    from flows.loader import load_flow

    docs = (Path(__file__).resolve().parents[1] / "docs" / "flows.md").read_text()
    assert mermaid(load_flow(flow_id)).strip() in docs, (
        f"docs/flows.md is out of date: paste `schtum flow draw {flow_id}` into it")
