"""Turn a Config into the running parts: the master key, the store and the service."""

from __future__ import annotations

import logging
from pathlib import Path

from bot.config import Config
from bot.service import Service
from storage.keys import MASTER_KEY_ENV, ensure_key_file, load_master_key
from storage.store import Store

log = logging.getLogger("schtum")


def master_key(config: Config, environ: dict[str, str]) -> tuple[bytes, str]:
    """The master key, and one line saying where it came from (for the first line shown).

    The embedded default generates its key file on first use; a configured deployment
    must have run `schtum keygen` (or set the variable), so a mistyped path is not
    silently replaced by a fresh key that cannot read the existing data.
    """
    if environ.get(MASTER_KEY_ENV):
        return load_master_key(None, environ), f"key from {MASTER_KEY_ENV}"
    key_path: Path = config.key_file
    created = False
    if config.is_embedded_default or not config.storage.key_file:
        created = ensure_key_file(key_path)
    key = load_master_key(key_path, environ)
    return key, f"key file {key_path}" + (" (created now, mode 0600)" if created else "")


def open_service(config: Config, environ: dict[str, str], *, resume: bool,
                 role: str = "schtum") -> tuple[Service, str]:
    """Open the encrypted store and build the service; returns it with a where-line.

    `role` ("schtum run", "schtum chat") names this process to `schtum rotate-key`, which
    refuses to run while the store is open.
    """
    key, key_line = master_key(config, environ)
    store = Store.open(config.db_path, key, role=role)
    service = Service(store, jurisdiction=config.conversation.jurisdiction,
                      timeout_seconds=config.conversation.timeout_minutes * 60, resume=resume)
    source = ("its embedded default" if config.is_embedded_default
              else f"config {config.source}")
    where = f"Schtum is using {source}: data in {config.data_dir}, {key_line}."
    return service, where


def configure_logging(config: Config) -> None:
    """Events only: handlers never receive content, so this is safe to send anywhere."""
    logging.basicConfig(level=config.logging.level.upper(),
                        format="%(asctime)s %(levelname)s %(name)s %(message)s")
    for noisy in ("httpx", "transitions", "apscheduler"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
