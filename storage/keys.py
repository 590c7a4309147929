"""The master key: 32 random bytes from a key file or SCHTUM_MASTER_KEY, never the database.

A key file holds the base64 of the 32 bytes and a newline, so the same text can be pasted
into SCHTUM_MASTER_KEY; a file of exactly 32 raw bytes is accepted too. The environment
variable wins when it is set and non-empty (an empty value, as env files often leave it,
counts as unset).
"""

import base64
import binascii
import os
from collections.abc import Mapping
from pathlib import Path

from storage.errors import KeyFileError
from storage.files import make_private_dir, write_private_file
from storage.vault import KEY_SIZE

MASTER_KEY_ENV = "SCHTUM_MASTER_KEY"


def generate_key_file(path: Path) -> None:
    """Write a new random key file (0600, folder 0700); refuse to overwrite an existing one."""
    if not _create_key_file(path):
        raise KeyFileError(
            f"A key file already exists at {path}: Schtum will not overwrite it; "
            "move it away first if you really mean to replace it."
        )


def ensure_key_file(path: Path) -> bool:
    """Create the key file if it is missing (embedded default config); True if created."""
    return _create_key_file(path)


def load_master_key(path: Path | None, environ: Mapping[str, str] = os.environ) -> bytes:
    """Return the 32-byte master key from the environment (if set) or the key file."""
    from_env = environ.get(MASTER_KEY_ENV, "").strip()
    if from_env:
        key = _decode(from_env.encode("ascii", "replace"))
        if key is None:
            raise KeyFileError(
                f"{MASTER_KEY_ENV} is not a valid key: it must be the base64 of exactly "
                "32 bytes, as written by `schtum keygen`."
            )
        return key
    if path is None:
        raise KeyFileError(
            f"No master key was given: set {MASTER_KEY_ENV} or point the config at a key "
            "file made by `schtum keygen`."
        )
    return _read_key_file(path)


def encode_key(key: bytes) -> bytes:
    """The key-file text for `key` (base64 and a newline)."""
    return base64.b64encode(key) + b"\n"


def _read_key_file(path: Path) -> bytes:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise KeyFileError(
            f"No master key file at {path}: run `schtum keygen` to create one, "
            f"or set {MASTER_KEY_ENV}."
        ) from None
    except OSError as exc:
        raise KeyFileError(
            f"The master key file at {path} cannot be read ({exc.strerror or 'I/O error'}): "
            "check that it is a file this user can read."
        ) from None
    key = raw if len(raw) == KEY_SIZE else _decode(raw.strip())
    if key is None:
        raise KeyFileError(
            f"The master key file at {path} is malformed: it must hold the base64 of exactly "
            "32 bytes, as written by `schtum keygen`."
        )
    return key


def _decode(text: bytes) -> bytes | None:
    try:
        key = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None
    return key if len(key) == KEY_SIZE else None


def _create_key_file(path: Path) -> bool:
    make_private_dir(path.parent)
    try:
        write_private_file(path, encode_key(os.urandom(KEY_SIZE)))
    except FileExistsError:
        return False
    except OSError as exc:
        raise KeyFileError(
            f"Could not write the key file at {path} ({exc.strerror or 'I/O error'}): "
            "check the folder exists and is writable."
        ) from None
    return True
