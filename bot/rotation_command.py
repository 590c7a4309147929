"""`schtum rotate-key`: a new master key for a key-file deployment, nothing re-encrypted."""

from __future__ import annotations

from bot.config import Config
from storage.errors import KeyFileError
from storage.keys import MASTER_KEY_ENV
from storage.rotation import rotate_key_file


def rotate(config: Config, environ: dict[str, str]) -> int:
    """Re-wrap every data key under a fresh key file; the old key is replaced on disk."""
    if environ.get(MASTER_KEY_ENV):
        raise KeyFileError(f"rotate-key works on a key file; unset {MASTER_KEY_ENV}, point "
                           "[storage] key_file at the key, and run it again.")
    from bot.wiring import move_legacy_key

    if config.is_embedded_default or not config.storage.key_file:
        move_legacy_key(config)
    count = rotate_key_file(config.db_path, config.key_file)
    print(f"Rotated the master key in {config.key_file}: {count} data key(s) re-wrapped; "
          "records were not re-encrypted. Old backups now need the old key, which is gone.")
    return 0
