"""The master key: 32 random bytes from a key file or SCHTUM_MASTER_KEY, never the database.

A key file holds the base64 of the 32 bytes and a newline, so the same text can be pasted
into SCHTUM_MASTER_KEY; a file of exactly 32 raw bytes is accepted too. The environment
variable wins when it is set and non-empty (an empty value, as env files often leave it,
counts as unset).
"""

import base64
import binascii
import os
import stat
from collections.abc import Mapping
from pathlib import Path

from storage.errors import KeyFileError
from storage.files import make_private_dir, write_private_file_atomically
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


def pending_key_path(key_path: Path) -> Path:
    """Where `schtum rotate-key` keeps the new key until the database has switched to it."""
    return key_path.with_name(key_path.name + ".new")


def _read_key_file(path: Path) -> bytes:
    try:
        _check_private(path)
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
    if not raw.strip():
        raise KeyFileError(
            f"The master key file at {path} is empty (a first start that could not finish "
            "writing it, e.g. on a full disk, leaves one): if no data was ever saved with it, "
            "delete it and start again; otherwise restore the key from its backup."
        )
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


def _check_private(path: Path) -> None:
    """Refuse a key file others can read or write, as ssh refuses a loose private key."""
    info = path.stat()
    mode = stat.S_IMODE(info.st_mode)
    if stat.S_ISREG(info.st_mode) and mode & 0o077:
        raise KeyFileError(
            f"The master key file at {path} is accessible to other users (mode {mode:04o}), "
            f"so Schtum will not use it: run `chmod 600 {path}`, then start again."
        )


def _create_key_file(path: Path) -> bool:
    make_private_dir(path.parent)
    try:
        write_private_file_atomically(path, encode_key(os.urandom(KEY_SIZE)))
    except FileExistsError:
        return False
    except OSError as exc:
        raise KeyFileError(
            f"Could not write the key file at {path} ({exc.strerror or 'I/O error'}): "
            "check the folder exists and is writable."
        ) from None
    return True
