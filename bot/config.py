"""Configuration: one TOML file, every key overridable by `SCHTUM_<SECTION>_<KEY>`.

With no file at all Schtum runs on an embedded default (a per-user data folder and a
generated key file), so `schtum chat` works on a fresh machine.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import platformdirs

from bot.errors import ConfigError

ENV_PREFIX = "SCHTUM_"
JURISDICTIONS = ("uk", "scotland", "ni", "us")  # uk: England and Wales (breach-uk)
TRANSPORTS = ("httpx", "aiohttp")
LOG_FORMATS = ("text", "json")
WEBHOOK_PORTS = (80, 88, 443, 8443)  # the only ports Telegram delivers webhooks to
SECRET_RE = re.compile(r"[A-Za-z0-9_-]{1,256}")  # what setWebhook's secret_token accepts


@dataclass(frozen=True)
class StorageConfig:
    data_dir: str = ""
    key_file: str = ""


@dataclass(frozen=True)
class ConversationConfig:
    timeout_minutes: int = 30
    jurisdiction: str = "uk"


@dataclass(frozen=True)
class TelegramConfig:
    token: str = ""
    base_url: str = ""
    base_file_url: str = ""
    webhook_url: str = ""
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = 8443
    webhook_secret: str = ""
    transport: str = "httpx"


@dataclass(frozen=True)
class LoggingConfig:
    level: str = "INFO"
    format: str = "text"


@dataclass(frozen=True)
class Config:
    storage: StorageConfig = field(default_factory=StorageConfig)
    conversation: ConversationConfig = field(default_factory=ConversationConfig)
    telegram: TelegramConfig = field(default_factory=TelegramConfig)
    logging: LoggingConfig = field(default_factory=LoggingConfig)
    source: str = "embedded default"

    @property
    def data_dir(self) -> Path:
        if self.storage.data_dir:
            return Path(self.storage.data_dir).expanduser()
        return Path(platformdirs.user_data_dir("schtum", appauthor=False))

    @property
    def key_file(self) -> Path:
        """The configured key file, else one in the platform's config folder: never inside
        the data folder, so a copy of the data folder is not also a copy of its key."""
        if self.storage.key_file:
            return Path(self.storage.key_file).expanduser()
        return Path(platformdirs.user_config_dir("schtum", appauthor=False)) / "master.key"

    @property
    def legacy_key_file(self) -> Path:
        """Where versions before 0.2 kept the embedded default's key (inside the data)."""
        return self.data_dir / "master.key"

    @property
    def db_path(self) -> Path:
        return self.data_dir / "schtum.db"

    @property
    def is_embedded_default(self) -> bool:
        return self.source == "embedded default"


SECTIONS: dict[str, type] = {
    "storage": StorageConfig, "conversation": ConversationConfig,
    "telegram": TelegramConfig, "logging": LoggingConfig,
}


def load_config(path: Path | None, environ: Mapping[str, str] | None = None) -> Config:
    """Read the file (if given), apply environment overrides, check every value."""
    environ = os.environ if environ is None else environ
    raw: dict[str, Any] = {}
    if path is not None:
        raw = _read_file(path)
    sections = {}
    for name, cls in SECTIONS.items():
        values = raw.pop(name, {})
        if not isinstance(values, dict):
            raise ConfigError(f"In {path}, [{name}] must be a section of settings.")
        sections[name] = _build_section(name, cls, values, environ, path)
    if raw:
        unknown = ", ".join(sorted(raw))
        raise ConfigError(f"{path} has unknown section(s) or key(s): {unknown}; "
                          f"known sections are {', '.join(SECTIONS)}.")
    config = Config(**sections, source=str(path) if path else "embedded default")
    _check_values(config)
    return config


def _read_file(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError(f"The config file {path} does not exist; copy "
                          "config.example.toml there, or leave out --config.") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"The config file {path} cannot be read ({exc.__class__.__name__}).")\
            from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"The config file {path} is not valid TOML: {exc}.") from None


def _build_section(name: str, cls: type, values: dict[str, Any],
                   environ: Mapping[str, str], path: Path | None) -> Any:
    known = {f.name: f for f in fields(cls)}
    for key in values:
        if key not in known:
            raise ConfigError(f"In {path}, [{name}] has an unknown key '{key}'; "
                              f"known keys are {', '.join(known)}.")
    result = {}
    for key, spec in known.items():
        default = spec.default
        env_name = f"{ENV_PREFIX}{name.upper()}_{key.upper()}"
        if env_name in environ:
            result[key] = _coerce_env(env_name, environ[env_name], type(default))
        elif key in values:
            value = values[key]
            if type(value) is not type(default):
                expected = "a whole number" if isinstance(default, int) else "text in quotes"
                raise ConfigError(f"In {path}, [{name}] {key} must be {expected}.")
            result[key] = value
    return cls(**result)


def _coerce_env(env_name: str, value: str, kind: type) -> Any:
    if kind is int:
        try:
            return int(value)
        except ValueError:
            raise ConfigError(f"The environment variable {env_name} must be a whole number.")\
                from None
    return value


def _check_values(config: Config) -> None:
    conv = config.conversation
    if not 1 <= conv.timeout_minutes <= 24 * 60:
        raise ConfigError("conversation.timeout_minutes must be between 1 and 1440.")
    if conv.jurisdiction not in JURISDICTIONS:
        raise ConfigError(f"conversation.jurisdiction must be one of {', '.join(JURISDICTIONS)}.")
    if config.logging.level.upper() not in ("DEBUG", "INFO", "WARNING", "ERROR"):
        raise ConfigError("logging.level must be DEBUG, INFO, WARNING or ERROR.")
    if config.logging.format not in LOG_FORMATS:
        raise ConfigError("logging.format must be \"text\" or \"json\".")
    if config.telegram.transport not in TRANSPORTS:
        raise ConfigError(f"telegram.transport must be {' or '.join(TRANSPORTS)}.")
    if not 1 <= config.telegram.webhook_port <= 65535:
        raise ConfigError("telegram.webhook_port must be between 1 and 65535.")
    if config.telegram.webhook_url:
        _check_webhook_url(config.telegram.webhook_url)
    secret = config.telegram.webhook_secret
    if secret and not SECRET_RE.fullmatch(secret):
        raise ConfigError("telegram.webhook_secret must be 1 to 256 of the characters A-Z, a-z, "
                          "0-9, _ and -.")


def _check_webhook_url(url: str) -> None:
    """Telegram delivers only to https on ports 80, 88, 443 or 8443: say so at start-up
    rather than let setWebhook refuse it later."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise ConfigError("telegram.webhook_url is not a valid URL; it should look like "
                          "https://bot.example.org/schtum.") from None
    if parts.scheme != "https" or not parts.hostname:
        raise ConfigError("telegram.webhook_url must be an https:// URL with a host name, e.g. "
                          "https://bot.example.org/schtum (Telegram delivers only over HTTPS).")
    if port is not None and port not in WEBHOOK_PORTS:
        raise ConfigError(f"telegram.webhook_url uses port {port}, but Telegram delivers "
                          "webhooks only to ports 80, 88, 443 or 8443.")
