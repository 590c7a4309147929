"""Turn a Config into the running parts: the master key, the store and the service."""

from __future__ import annotations

import logging
from pathlib import Path

from bot.config import Config
from bot.service import Service
from storage.errors import KeyFileError, WrongKeyError
from storage.files import make_private_dir, write_private_file_atomically
from storage.keys import MASTER_KEY_ENV, ensure_key_file, load_master_key, pending_key_path
from storage.store import Store

log = logging.getLogger("schtum")


def master_key(config: Config, environ: dict[str, str]) -> tuple[bytes, str]:
    """The master key, and one line saying where it came from (for the first line shown).

    The embedded default generates its key file on first use, in the platform's config
    folder (outside the data folder, so copying the data does not copy the key); a
    configured deployment must have run `schtum keygen` (or set the variable), so a
    mistyped path is not silently replaced by a fresh key that cannot read the data.
    """
    if environ.get(MASTER_KEY_ENV):
        return load_master_key(None, environ), f"key from {MASTER_KEY_ENV}"
    key_path: Path = config.key_file
    note = ""
    if config.is_embedded_default or not config.storage.key_file:
        note = move_legacy_key(config)
        if ensure_key_file(key_path):
            note = (" (created now, mode 0600; it is kept outside the data folder, so back it "
                    "up separately)")
    key = load_master_key(key_path, environ)
    return key, f"key file {key_path}{note}"


def move_legacy_key(config: Config) -> str:
    """Move an embedded-default key out of the data folder, where versions before 0.2 kept
    it; the data cannot be read without it, so it is moved, never copied or regenerated."""
    legacy, target = config.legacy_key_file, config.key_file
    if not legacy.is_file() or target.exists():
        return ""
    make_private_dir(target.parent)
    try:
        legacy.rename(target)
    except OSError:  # another file system: copy durably, then remove the original
        write_private_file_atomically(target, legacy.read_bytes())
        legacy.unlink()
    return f" (moved here from {legacy}, so that a copy of the data folder holds no key)"


def open_store(config: Config, environ: dict[str, str], role: str) -> tuple[Store, str]:
    """The store under the master key; names an interrupted rotation instead of a wrong key."""
    key, key_line = master_key(config, environ)
    try:
        return Store.open(config.db_path, key, role=role), key_line
    except WrongKeyError:
        pending = pending_key_path(config.key_file)
        if environ.get(MASTER_KEY_ENV) or not _opens(config, pending):
            raise
        raise KeyFileError(
            f"A key rotation was interrupted: the database is already under the new key in "
            f"{pending}. Run `schtum rotate-key` to finish it (it resumes safely)."
        ) from None


def _opens(config: Config, key_path: Path) -> bool:
    """Does the key in `key_path` open the database (reads only; nothing is written)?"""
    if not key_path.is_file():
        return False
    try:
        Store.open(config.db_path, load_master_key(key_path, {}), role="a key check").close()
    except WrongKeyError:
        return False
    return True


def open_service(config: Config, environ: dict[str, str], *, resume: bool,
                 role: str = "schtum") -> tuple[Service, str]:
    """Open the encrypted store and build the service; returns it with a where-line.

    `role` ("schtum run", "schtum chat") names this process to `schtum rotate-key`, which
    refuses to run while the store is open.
    """
    store, key_line = open_store(config, environ, role)
    service = Service(store, jurisdiction=config.conversation.jurisdiction,
                      timeout_seconds=config.conversation.timeout_minutes * 60, resume=resume)
    source = ("its embedded default" if config.is_embedded_default
              else f"config {config.source}")
    where = f"Schtum is using {source}: data in {config.data_dir}, {key_line}."
    return service, where


def configure_logging(config: Config) -> None:
    """Events only: handlers never receive content, so this is safe to send anywhere."""
    from bot.logs import configure

    configure(config.logging.level, config.logging.format)
