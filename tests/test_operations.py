"""What an operator sees of a running bot: JSON logs, the start line, SIGHUP, SIGTERM."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import load_config
from bot.errors import ConfigError
from bot.logs import JsonFormatter, TextFormatter, event
from bot.version import schtum_version
from tests.fake_bot_api import FakeBotApi
from tests.test_telegram_harness import Person

USER = 7_301_552_904
CANARY = "Wexcombe-canary-3"


def record(**fields: object) -> logging.LogRecord:
    made: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, rec: logging.LogRecord) -> None:
            made.append(rec)

    logger = logging.getLogger("schtum.test-ops")
    logger.addHandler(keep := Keep())
    logger.propagate, logger.level = False, logging.INFO
    try:
        event(logger, "something_happened", **fields)
    finally:
        logger.removeHandler(keep)
    return made[0]


def schtum_run_with(config: Path, environ: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "bot.cli", "run", "--config", str(config)],
                            env=environ, text=True, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)


def test_json_lines_carry_the_event_and_its_fields() -> None:
    line = JsonFormatter().format(record(mode="polling", counts={"reflections": 2}))
    entry = json.loads(line)
    assert entry["message"] == "something_happened" and entry["level"] == "INFO"
    assert entry["mode"] == "polling" and entry["counts"] == {"reflections": 2}
    assert "\n" not in line


def test_text_lines_carry_the_fields_as_key_value() -> None:
    line = TextFormatter().format(record(mode="webhook"))
    assert line.endswith("something_happened mode=webhook")


def test_a_traceback_is_reduced_to_the_exception_type() -> None:
    try:
        raise ValueError(f"text that quotes {CANARY}")
    except ValueError:
        rec = logging.LogRecord("schtum", logging.ERROR, __file__, 1, "save_failed", None,
                                sys.exc_info())
    for formatter in (JsonFormatter(), TextFormatter()):
        line = formatter.format(rec)
        assert CANARY not in line and "ValueError" in line and "\n" not in line


def test_an_unknown_log_format_is_refused() -> None:
    with pytest.raises(ConfigError, match="logging.format"):
        load_config(None, {"SCHTUM_LOGGING_FORMAT": "xml"})


async def test_schtum_run_logs_json_reloads_on_sighup_and_stops_on_sigterm(
        threaded_api: FakeBotApi, tmp_path: Path, data_dir: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[logging]\nformat = "json"\nlevel = "INFO"\n')
    environ = {**os.environ, "SCHTUM_TELEGRAM_TOKEN": threaded_api.token,
               "SCHTUM_TELEGRAM_BASE_URL": threaded_api.base_url}
    bot = schtum_run_with(config, environ)
    try:
        person = Person(threaded_api, USER)
        person.send("/start")
        await person.expect("Welcome to Schtum", timeout=20)
        person.send(f"{CANARY} typed by mistake")
        await asyncio.sleep(0.3)
        config.write_text('[logging]\nformat = "json"\nlevel = "WARNING"\n'
                          '[conversation]\ntimeout_minutes = 5\n')
        bot.send_signal(signal.SIGHUP)
        await asyncio.sleep(1.0)
        assert bot.poll() is None, "SIGHUP must not stop the bot"
        bot.send_signal(signal.SIGTERM)
        _, stderr = bot.communicate(timeout=20)
    finally:
        if bot.poll() is None:
            bot.kill()
            bot.communicate()
    assert bot.returncode == 0, stderr
    entries = [json.loads(line) for line in stderr.splitlines()]
    start = next(e for e in entries if e["message"] == "schtum_start")
    assert start["version"] == schtum_version() and start["mode"] == "polling"
    assert start["data_dir"] == str(data_dir) and isinstance(start["counts"], dict)
    reloaded = next(e for e in entries if e["message"] == "config_reloaded")
    assert reloaded["log_level"] == "WARNING" and reloaded["restart_needed"] == "conversation"
    after = entries[entries.index(reloaded) + 1:]
    assert all(e["level"] != "INFO" for e in after), "bot_stopped (INFO) is now below the level"
    assert CANARY not in stderr and str(USER) not in stderr
