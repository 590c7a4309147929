"""The terminal's follow-ups: `schtum chat` opens with what is due, `schtum followups`
lists and closes, outcomes are anonymised, shown and kept only when confirmed, and
`schtum export --cpd` writes the CPD log."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot import cpd
from bot.config import load_config
from bot.wiring import open_service


def schtum(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot.cli", *args], input=stdin, text=True,
                          capture_output=True, timeout=60, check=False)


def seed(data_dir: Path) -> None:
    """One reflection with a follow-up due today and one CPD entry, as `schtum` sees them."""
    import getpass
    import os

    service, _ = open_service(load_config(None, dict(os.environ)), dict(os.environ),
                              resume=False, role="test")
    store = service.store
    assert store is not None
    who = service.who(f"terminal:{getpass.getuser()}")
    rid = store.save_reflection(who, flow_id="breach-uk", flow_version="2", title="A dilemma",
                                body="The body.")
    today = datetime.now(UTC).date()
    store.followups.add(who, rid, today, {"step": "Ring the team lead", "title": "A dilemma"})
    store.followups.add(who, rid, today + timedelta(days=9), {"step": "Review", "title": "x"})
    cpd.count(store, who, cpd.Draft(today.isoformat(), "Structured reflection: A dilemma",
                                    "Ask sooner.", "Clients get clearer answers."), 45)
    store.close()


def test_chat_opens_with_the_follow_ups_due(data_dir: Path) -> None:
    seed(data_dir)
    done = schtum("chat", "--jsonl", stdin='{"command": "cancel"}\n')
    assert "1 follow-up is due: Ring the team lead. Type followups to see them." in done.stdout


def test_followups_lists_closes_and_records_an_outcome(data_dir: Path) -> None:
    seed(data_dir)
    listed = schtum("followups")
    assert listed.returncode == 0 and "1. due today · Ring the team lead" in listed.stdout
    refused = schtum("followups", "outcome", "1", stdin="Called Margaret Okafor.\n")
    assert refused.returncode == 2 and "[PERSON 1]" in refused.stdout
    kept = schtum("followups", "outcome", "1", "--yes", stdin="Called Margaret Okafor.\n")
    assert kept.returncode == 0 and "Added to the record." in kept.stdout
    body = schtum("reflections", "1").stdout
    assert "OUTCOME" in body and "[PERSON 1]" in body and "Okafor" not in body
    assert "Ring the team lead" not in schtum("followups").stdout
    assert schtum("followups", "done", "1").stdout.startswith("Closed.")
    assert schtum("followups").stdout.strip() == "No follow-ups are open."


def test_an_outcome_can_be_added_to_any_saved_reflection(data_dir: Path) -> None:
    seed(data_dir)
    added = schtum("reflections", "outcome", "1", "--yes", stdin="It went well.\n")
    assert added.returncode == 0
    assert "It went well." in schtum("reflections", "1").stdout
    assert schtum("reflections", "outcome", "7", "--yes", stdin="x\n").returncode == 1


def test_export_cpd_writes_the_log(data_dir: Path, tmp_path: Path) -> None:
    seed(data_dir)
    markdown = schtum("export", "--cpd").stdout
    assert "| Structured reflection: A dilemma | 45 |" in markdown
    assert "How it benefits my practice and service users:** Clients get clearer" in markdown
    target = tmp_path / "cpd.pdf"
    assert schtum("export", "--cpd", "-o", str(target)).returncode == 0
    assert target.read_bytes().startswith(b"%PDF") and target.stat().st_mode & 0o077 == 0
