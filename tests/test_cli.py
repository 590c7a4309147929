"""The command line as operators meet it: keys, wrong keys, rotation, and documentation."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

from bot.cli import build_parser

ROOT = Path(__file__).resolve().parents[1]


def schtum(*args: str, stdin: str = "", env: dict[str, str] | None = None
           ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot.cli", *args], input=stdin,
                          capture_output=True, text=True, timeout=120,
                          env=env or dict(os.environ))


def one_sentence(result: subprocess.CompletedProcess[str]) -> str:
    assert "Traceback" not in result.stderr + result.stdout
    assert result.stderr.startswith("schtum: ") and result.stderr.count("\n") == 1
    return result.stderr


def embedded_key_file() -> Path:
    """The embedded default's key: in the platform config folder, outside the data."""
    return Path(os.environ["XDG_CONFIG_HOME"]) / "schtum" / "master.key"


def folder_digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.iterdir()) if p.is_file()}


def test_keygen_writes_an_owner_only_key_and_refuses_to_overwrite(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "master.key"
    assert schtum("keygen", "--path", str(path)).returncode == 0
    assert path.stat().st_mode & 0o777 == 0o600
    before = path.read_bytes()
    again = schtum("keygen", "--path", str(path))
    assert again.returncode == 1 and "exist" in one_sentence(again).lower()
    assert path.read_bytes() == before


def test_a_wrong_key_is_one_sentence_and_nothing_is_written(data_dir: Path) -> None:
    schtum("chat", "--jsonl", stdin=json.dumps({"command": "cancel"}) + "\n")
    before = folder_digest(data_dir)
    env = dict(os.environ, SCHTUM_MASTER_KEY=base64.b64encode(b"\x07" * 32).decode())
    result = schtum("chat", stdin="", env=env)
    assert result.returncode == 1
    assert "not the one the database was created with" in one_sentence(result)
    assert folder_digest(data_dir) == before


def test_a_malformed_key_is_one_sentence(tmp_path: Path) -> None:
    env = dict(os.environ, SCHTUM_MASTER_KEY="not-base64!")
    result = schtum("chat", env=env)
    assert result.returncode == 1 and "SCHTUM_MASTER_KEY" in one_sentence(result)


def test_a_configured_key_file_that_is_missing_is_not_silently_replaced(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text(f'[storage]\ndata_dir = "{tmp_path / "d"}"\n'
                      f'key_file = "{tmp_path / "missing.key"}"\n')
    result = schtum("chat", "--config", str(config))
    assert result.returncode == 1 and "keygen" in one_sentence(result)
    assert not (tmp_path / "missing.key").exists()


def test_rotate_key_keeps_reflections_readable_under_the_new_key(data_dir: Path) -> None:
    from tests.test_privacy_terminal import script_for

    lines, _ = script_for("breach-uk")
    assert schtum("chat", "--jsonl", stdin="\n".join(lines) + "\n").returncode == 0
    key_file = embedded_key_file()
    old_key = key_file.read_bytes()
    rotated = schtum("rotate-key")
    assert rotated.returncode == 0, rotated.stderr
    assert "1 data key(s) re-wrapped" in rotated.stdout
    assert key_file.read_bytes() != old_key
    shown = schtum("reflections", "1")
    assert shown.returncode == 0 and "[PERSON 1]" in shown.stdout


def test_every_command_is_documented_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text()
    parser = build_parser()
    commands = parser._subparsers._group_actions[0].choices  # noqa: SLF001 - introspection
    for name in commands:
        assert f"`schtum {name}" in readme, f"schtum {name} is not in the README"
    for sub in ("flow check", "flow draw"):
        assert f"`schtum {sub}" in readme


def readme_setup_lines() -> list[str]:
    """The README's first code block, comments removed: what a newcomer types first."""
    block = (ROOT / "README.md").read_text().split("```")[1]
    return [line.split("#")[0].strip() for line in block.splitlines()[1:] if line.strip()]


def test_the_readme_opens_with_venv_lines_that_work_on_a_stock_debian() -> None:
    chat, tests = readme_setup_lines()
    for line in (chat, tests):  # Debian/Ubuntu refuse pip outside a virtual environment
        assert line.startswith("python3 -m venv .venv && . .venv/bin/activate && ")
    assert chat.endswith("&& schtum chat") and tests.endswith("&& python3 -m pytest")


def test_ci_runs_the_readme_lines_exactly_as_written() -> None:
    ci = ROOT / ".ci" / "run"
    extract = ("eval \"$(sed -n '/^readme_line()/,/^}/p' .ci/run)\"; "
               "readme_line 'schtum chat'; readme_line pytest")
    found = subprocess.run(["bash", "-c", extract], cwd=ROOT, capture_output=True, text=True,
                           timeout=30, check=True).stdout.splitlines()
    assert found == readme_setup_lines()
    script = ci.read_text()
    assert 'bash -euo pipefail -c "$chat_line" </dev/null' in script
    assert 'bash -euo pipefail -c "$test_line"' in script
