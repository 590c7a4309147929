"""The guides name only commands that exist: `schtum …` in `schtum --help`, `/…` in the bot.

The supervisor guide also describes the sharing release's Telegram commands (DESIGN.md's
registered list); those are allowed by name so that a typo still fails here.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from bot.telegram.texts import COMMANDS

ROOT = Path(__file__).resolve().parents[1]
GUIDES = ("guide-practitioner.md", "guide-supervisor.md", "operations.md", "dpia.md")
SHARING_RELEASE = {"share", "unshare", "invite", "supervisors", "inbox", "pack", "log",
                   "remind", "timezone", "followups", "name", "export"}
# `schtum WORD` as typed (also via /opt/schtum/bin/schtum, the schtum_admin wrapper of
# operations.md, or a Docker image named schtum), but not a container or unit named schtum
# (`--name schtum`, `docker exec schtum`, `systemctl stop schtum`).
SCHTUM = re.compile(r"(?<!\")(?<!--name )(?<!--now )(?<!stop )(?<!reload )(?<!exec )(?<!enable )"
                    r"\bschtum(?:_admin)? +(?:--config \S+ +)?([a-z][a-z-]*|--[a-z]+)")
SLASH = re.compile(r"(?<![\w/.<])/([a-z]+)\b(?![/.])")


def help_commands() -> set[str]:
    """The subcommands and options `schtum --help` lists."""
    shown = subprocess.run([sys.executable, "-m", "bot.cli", "--help"], capture_output=True,
                           text=True, timeout=60, check=True).stdout
    listed = set(re.findall(r"^ {4}([a-z][a-z-]+)(?: |$)", shown, re.M))
    assert {"chat", "run", "backup", "restore", "doctor"} <= listed, shown
    return listed | set(re.findall(r"(--[a-z]+)", shown))


def code_spans(text: str) -> list[str]:
    """Inline code and fenced blocks: where a guide tells the reader what to type."""
    fenced = re.findall(r"```[a-z]*\n(.*?)```", text, re.S)
    inline = re.findall(r"`([^`\n]+)`", re.sub(r"```.*?```", "", text, flags=re.S))
    return fenced + inline


@pytest.mark.parametrize("guide", GUIDES)
def test_every_schtum_command_in_a_guide_is_in_schtum_help(guide: str) -> None:
    known = help_commands()
    used = {m for span in code_spans((ROOT / "docs" / guide).read_text())
            for m in SCHTUM.findall(span)}
    unknown = sorted(used - known)
    assert not unknown, f"{guide} uses schtum {unknown}, which `schtum --help` does not list"


@pytest.mark.parametrize("guide", ["guide-practitioner.md", "guide-supervisor.md"])
def test_every_bot_command_in_a_guide_exists_or_is_announced(guide: str) -> None:
    registered = {name for name, _ in COMMANDS} | SHARING_RELEASE
    used = {m for span in code_spans((ROOT / "docs" / guide).read_text())
            for m in SLASH.findall(span)}
    assert used, f"{guide} names no bot command"
    assert not sorted(used - registered), f"{guide}: unknown {sorted(used - registered)}"


def test_the_operations_guide_covers_what_an_operator_does() -> None:
    text = (ROOT / "docs" / "operations.md").read_text()
    for heading in ("## Install", "## Configure", "## Deploy", "## Back up and restore",
                    "### The key's own backup", "### Rotation, `/forget` and old backups",
                    "## Monitor", "## Upgrade", "## When things go wrong", "### Signals",
                    "### Why one process is enough"):
        assert heading in text
    assert "FIGURES" not in text


def test_the_dpia_follows_the_ico_structure() -> None:
    text = (ROOT / "docs" / "dpia.md").read_text()
    steps = re.findall(r"^## \d\. (.+)$", text, re.M)
    assert steps == ["Identify the need for a DPIA", "Describe the processing",
                     "Consultation", "Necessity and proportionality", "Identify and assess risks",
                     "Measures to reduce risk", "Sign off and outcomes"]
