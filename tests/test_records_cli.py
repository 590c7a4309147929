"""The terminal's records: delete (confirmed), forget (confirmed), export, pack, log."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

from pypdf import PdfReader

from tests.test_cli import one_sentence


def schtum(*args: str, stdin: str = "", cwd: Path | None = None
           ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot.cli", *args], input=stdin,
                          capture_output=True, text=True, timeout=120, env=dict(os.environ),
                          cwd=cwd)


def saved_one() -> None:
    from tests.test_privacy_terminal import script_for

    lines, _ = script_for("breach-uk")
    assert schtum("chat", "--jsonl", stdin="\n".join(lines) + "\n").returncode == 0


def test_a_missing_reflection_number_exits_non_zero() -> None:
    assert schtum("reflections", "7").returncode == 1
    result = schtum("reflections", "delete", "7", "--yes")
    assert result.returncode == 1 and "no reflection 7" in one_sentence(result)


def test_delete_asks_first_and_then_deletes(data_dir: Path) -> None:
    saved_one()
    refused = schtum("reflections", "delete", "1", stdin="no\n")
    assert refused.returncode == 1 and "Not confirmed" in refused.stderr
    assert "1." in schtum("reflections").stdout
    done = schtum("reflections", "delete", "1", stdin="delete\n")
    assert done.returncode == 0 and "Deleted reflection 1" in done.stdout
    assert "no saved reflections" in schtum("reflections").stdout


def test_forget_asks_first(data_dir: Path) -> None:
    saved_one()
    assert schtum("forget", stdin="\n").returncode == 1
    assert schtum("forget", stdin="forget\n").returncode == 0
    assert "no saved reflections" in schtum("reflections").stdout


def test_export_goes_only_where_asked_owner_only(tmp_path: Path, data_dir: Path) -> None:
    saved_one()
    before = set(tmp_path.rglob("*"))
    shown = schtum("export", cwd=tmp_path)
    assert shown.returncode == 0 and shown.stdout.startswith("# My reflections")
    refused = schtum("export", "--format", "pdf", cwd=tmp_path)
    assert refused.returncode == 2 and "-o" in one_sentence(refused)
    assert set(tmp_path.rglob("*")) == before
    target = tmp_path / "mine.pdf"
    assert schtum("export", "-o", str(target)).returncode == 0
    assert target.stat().st_mode & 0o777 == 0o600
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(target.read_bytes())).pages)
    assert "My reflections" in text and "[PERSON 1]" in text
    again = schtum("export", "-o", str(target))
    assert again.returncode == 2 and "already exists" in one_sentence(again)


def test_pack_and_log_from_the_terminal(tmp_path: Path) -> None:
    saved_one()
    assert schtum("log", "add", "today", "120", "--group", "5").returncode == 0
    shown = schtum("log", "show")
    assert "24 min (held 2 h) ⚠️ below 1.5 h" in shown.stdout
    bad = schtum("log", "add", "soon", "90")
    assert bad.returncode == 2 and "schtum log add" in one_sentence(bad)
    target = tmp_path / "pack.pdf"
    assert schtum("pack", "-o", str(target)).returncode == 0
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(target.read_bytes())).pages)
    assert "Supervision pack" in text and "Supervision hours per month" in text
