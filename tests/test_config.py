"""Configuration: the file, the environment overrides, and one clear sentence on mistakes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import load_config
from bot.errors import ConfigError

ROOT = Path(__file__).resolve().parents[1]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text)
    return path


def test_the_example_config_loads_with_its_documented_defaults() -> None:
    config = load_config(ROOT / "config.example.toml", {})
    assert config.conversation.timeout_minutes == 30
    assert config.conversation.jurisdiction == "uk"
    assert config.telegram.webhook_port == 8443


def test_no_file_means_the_embedded_default_in_a_per_user_folder() -> None:
    config = load_config(None, {})
    assert config.is_embedded_default
    assert config.key_file.name == "master.key"
    assert config.data_dir not in config.key_file.parents
    assert "schtum" in str(config.data_dir)


def test_every_key_can_be_overridden_from_the_environment(tmp_path: Path) -> None:
    path = write(tmp_path, "[conversation]\ntimeout_minutes = 10\n")
    config = load_config(path, {"SCHTUM_CONVERSATION_TIMEOUT_MINUTES": "45",
                                "SCHTUM_TELEGRAM_BASE_URL": "http://127.0.0.1:9/bot",
                                "SCHTUM_STORAGE_DATA_DIR": str(tmp_path / "d")})
    assert config.conversation.timeout_minutes == 45
    assert config.telegram.base_url == "http://127.0.0.1:9/bot"
    assert config.db_path == tmp_path / "d" / "schtum.db"


@pytest.mark.parametrize(("text", "env", "message"), [
    ("[storage]\ncolour = \"red\"\n", {}, "unknown key 'colour'"),
    ("[extras]\nx = 1\n", {}, "unknown section"),
    ("[conversation]\ntimeout_minutes = \"ten\"\n", {}, "must be a whole number"),
    ("[telegram]\ntoken = 5\n", {}, "must be text in quotes"),
    ("[conversation]\njurisdiction = \"fr\"\n", {}, "must be one of uk, scotland, ni, us"),
    ("[conversation\n", {}, "is not valid TOML"),
    ("", {"SCHTUM_CONVERSATION_TIMEOUT_MINUTES": "soon"}, "must be a whole number"),
    ("[conversation]\ntimeout_minutes = 0\n", {}, "between 1 and 1440"),
])
def test_mistakes_are_one_clear_sentence(tmp_path: Path, text: str, env: dict[str, str],
                                         message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_config(write(tmp_path, text), env)


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_config(tmp_path / "nope.toml", {})


@pytest.mark.parametrize("text", ["[storage]\ncolour = 1\n", "not toml at all ["])
def test_the_command_line_exits_2_without_a_traceback(tmp_path: Path, text: str) -> None:
    path = write(tmp_path, text)
    result = subprocess.run([sys.executable, "-m", "bot.cli", "chat", "--config", str(path)],
                            capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert result.returncode == 2
    assert result.stderr.startswith("schtum: ") and result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr
