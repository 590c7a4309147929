"""What `schtum run` tells its operator and takes from them: the start line and SIGHUP.

SIGTERM (and SIGINT) are python-telegram-bot's: stop fetching, finish the updates in hand,
shut down, close the store. SIGHUP, which would otherwise kill the process, re-reads the
config file and applies what is safe to change in a running bot: the log level and format.
Anything else that changed (token, data folder, webhook, timeouts) is named in the log as
needing a restart, and is not applied: half-applying it could split a conversation between
two configurations.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
from pathlib import Path
from types import FrameType

from bot.config import SECTIONS, Config, load_config
from bot.errors import ConfigError
from bot.logs import configure, event
from bot.version import schtum_version
from storage.stats import counts_at

log = logging.getLogger("schtum")


def mode(config: Config) -> str:
    return "webhook" if config.telegram.webhook_url else "polling"


def log_start(config: Config) -> None:
    """One line per start: version, mode, data folder, counts (numbers only)."""
    event(log, "schtum_start", version=schtum_version(), mode=mode(config),
          data_dir=str(config.data_dir), pid=os.getpid(), counts=counts_at(config.db_path))


def install_reload(config: Config) -> None:
    """SIGHUP re-reads the config; runs on the event loop when there is one."""
    state = {"config": config}

    def on_hangup(signum: int, frame: FrameType | None) -> None:
        try:
            asyncio.get_running_loop().call_soon(_reload, state)
        except RuntimeError:
            _reload(state)

    signal.signal(signal.SIGHUP, on_hangup)


def _reload(state: dict[str, Config]) -> None:
    current = state["config"]
    path = None if current.is_embedded_default else Path(current.source)
    try:
        fresh = load_config(path, dict(os.environ))
    except ConfigError as problem:
        log.warning("config_reload_refused: %s", problem)
        return
    configure(fresh.logging.level, fresh.logging.format)
    pending = [name for name in SECTIONS
               if name != "logging" and getattr(fresh, name) != getattr(current, name)]
    state["config"] = fresh
    # WARNING, so that the line shows whatever level was just configured
    event(log, "config_reloaded", logging.WARNING, log_level=fresh.logging.level.upper(),
          format=fresh.logging.format, restart_needed=",".join(pending) or "none")
