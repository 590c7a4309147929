"""`schtum backup DEST` and `schtum restore SRC`: the command-line side of storage/backup.py.

Neither ever creates a master key: a new key could not open the data or the backup, so a
missing key is a sentence saying where the backed-up key file must go.
"""

from __future__ import annotations

from pathlib import Path

from bot.config import Config
from storage.backup import backup, restore
from storage.errors import KeyFileError
from storage.keys import MASTER_KEY_ENV, load_master_key


def existing_key(config: Config, environ: dict[str, str], doing: str) -> bytes:
    """The master key from SCHTUM_MASTER_KEY or the key file, which must already exist."""
    if not environ.get(MASTER_KEY_ENV) and not config.key_file.exists():
        raise KeyFileError(
            f"No master key file at {config.key_file}, so Schtum cannot {doing}: put the key "
            f"file kept with your key backups there (mode 0600), or set {MASTER_KEY_ENV}; a "
            "new key would not open this data.")
    return load_master_key(config.key_file, environ)


def backup_command(config: Config, environ: dict[str, str], dest: Path) -> int:
    """A consistent copy of the database, taken even while `schtum run` serves."""
    if not environ.get(MASTER_KEY_ENV) and config.legacy_key_file.is_file():
        from bot.wiring import move_legacy_key

        move_legacy_key(config)
    key = existing_key(config, environ, "check the database before copying it")
    info = backup(config.db_path, dest.expanduser(), key)
    print(f"Backed up {config.db_path} to {info.path} ({_size(info.size)}, schema "
          f"{info.schema}, {_counts(info.counts)}), owner-only. It does not contain the "
          "master key: it opens only with the key in use today, so keep that key's own "
          "backup apart from this file.")
    return 0


def restore_command(config: Config, environ: dict[str, str], source: Path) -> int:
    """Copy a backup into an empty data folder after checking the current key opens it."""
    key = existing_key(config, environ, "check the backup opens")
    info = restore(source.expanduser(), config.db_path, key)
    print(f"Restored {source} into {info.path} (schema {info.schema}, "
          f"{_counts(info.counts)}); the current master key opens it. Start Schtum as usual.")
    return 0


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{name} {n}" for name, n in counts.items()) or "empty"


def _size(size: int) -> str:
    return f"{size / 1024:.0f} KiB" if size < 1024 * 1024 else f"{size / 1024 / 1024:.1f} MiB"
