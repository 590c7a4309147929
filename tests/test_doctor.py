"""`schtum doctor`: one line per check, exit 1 on any failure, never a secret or traceback."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import load_config
from bot.doctor import get_me, run_checks
from tests.fake_bot_api import FakeBotApi

CHECKS = ("python", "data folder", "key", "sqlite", "database", "telegram")


def schtum(*args: str, env: dict[str, str] | None = None, stdin: str = ""
           ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot.cli", *args], capture_output=True,
                          text=True, timeout=60, env=env or dict(os.environ), input=stdin)


def healthy() -> None:
    """An install that has been used once: a data folder, a key file and a database."""
    assert schtum("chat", "--jsonl", stdin=json.dumps({"command": "cancel"}) + "\n"
                  ).returncode == 0


def lines(result: subprocess.CompletedProcess[str]) -> list[str]:
    assert "Traceback" not in result.stdout + result.stderr
    return result.stdout.splitlines()


def failing(result: subprocess.CompletedProcess[str]) -> list[str]:
    return [line for line in lines(result) if line.startswith("✗")]


def test_a_healthy_install_passes_every_check_one_line_each() -> None:
    healthy()
    result = schtum("doctor")
    assert result.returncode == 0, result.stdout
    report = lines(result)
    assert [line.split(":")[0][2:] for line in report] == list(CHECKS)
    assert all(line.startswith("✓") for line in report)
    assert "integrity ok" in report[4] and "opens the database" in report[2]


def test_a_fresh_machine_is_healthy_before_first_use() -> None:
    result = schtum("doctor")
    assert result.returncode == 0 and failing(result) == []


def test_a_key_file_open_to_others_fails(data_dir: Path) -> None:
    healthy()
    key = Path(os.environ["XDG_CONFIG_HOME"]) / "schtum" / "master.key"
    key.chmod(0o644)
    result = schtum("doctor")
    assert result.returncode == 1
    assert [line[:7] for line in failing(result)] == ["✗ key: "]
    assert "chmod 600" in failing(result)[0]


def test_a_wrong_key_fails_and_says_so() -> None:
    healthy()
    env = dict(os.environ, SCHTUM_MASTER_KEY="B" * 43 + "=")
    result = schtum("doctor", env=env)
    assert result.returncode == 1
    assert "does not open the database" in failing(result)[0]


def test_a_damaged_database_fails_the_integrity_check(data_dir: Path) -> None:
    healthy()
    db = data_dir / "schtum.db"
    raw = bytearray(db.read_bytes())
    raw[4096:8192] = b"\xff" * 4096  # the second page: part of the schema's b-trees
    db.write_bytes(bytes(raw))
    result = schtum("doctor")
    assert result.returncode == 1
    assert any(line.startswith("✗ database") for line in failing(result))


def test_a_data_folder_open_to_others_fails(data_dir: Path) -> None:
    healthy()
    data_dir.chmod(0o755)
    result = schtum("doctor")
    assert result.returncode == 1 and "chmod 700" in failing(result)[0]


def test_a_malformed_token_fails_without_showing_it() -> None:
    env = dict(os.environ, SCHTUM_TELEGRAM_TOKEN="secret-looking-thing")
    result = schtum("doctor", env=env)
    assert result.returncode == 1 and "malformed" in failing(result)[0]
    assert "secret-looking-thing" not in result.stdout + result.stderr


def test_get_me_names_the_bot_on_the_configured_bot_api(threaded_api: FakeBotApi) -> None:
    env = dict(os.environ, SCHTUM_TELEGRAM_TOKEN=threaded_api.token,
               SCHTUM_TELEGRAM_BASE_URL=threaded_api.base_url)
    result = schtum("doctor", env=env)
    assert result.returncode == 0, result.stdout
    assert lines(result)[-1] == "✓ telegram: getMe answered: @schtum_test_bot"
    assert threaded_api.token not in result.stdout


def test_get_me_with_a_token_the_bot_api_does_not_know_fails() -> None:
    fake = FakeBotApi().start_in_thread()  # not the fixture: this 401 is the point
    try:
        check = get_me(fake.base_url, "999999:unknown-token-xyz")
    finally:
        fake.stop()
    assert not check.ok and ("401" in check.line or "404" in check.line)
    assert "unknown-token-xyz" not in check.line


def test_get_me_when_nothing_answers_fails_quickly() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    check = get_me(f"http://127.0.0.1:{port}/bot", "123456:abcdefghijkl")
    assert not check.ok and "cannot reach" in check.line


def test_quick_skips_the_integrity_check_and_the_network(monkeypatch: pytest.MonkeyPatch
                                                         ) -> None:
    environ = {**os.environ, "SCHTUM_TELEGRAM_TOKEN": "123456:abcdefghijkl",
               "SCHTUM_TELEGRAM_BASE_URL": "http://127.0.0.1:9/bot"}
    checks = run_checks(load_config(None, environ), environ, quick=True)
    assert [c.ok for c in checks] == [True] * 5
    assert checks[-1].line == "telegram: token well formed (getMe not tried)"
