"""`schtum doctor`: one line per health check, non-zero exit if any fails.

Every check only reads: doctor must be safe to run beside `schtum run`, as a container
health check or from monitoring, and on an install that is broken. None prints a secret:
the token is never shown, the key only as "opens" or "does not open".
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import stat
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx
from sqlite_utils import Database

from bot.config import Config
from storage.connection import RetryPolicy, connect, pragma_value
from storage.database import check_key
from storage.errors import StorageError
from storage.keys import MASTER_KEY_ENV, load_master_key
from storage.lock import live_holders
from storage.migrations import LATEST_VERSION, schema_version
from storage.stats import count_rows
from storage.vault import derive_kek

MIN_PYTHON = (3, 11)
GETME_TIMEOUT = 5.0
DEFAULT_BASE_URL = "https://api.telegram.org/bot"


@dataclass(frozen=True)
class Check:
    """One line of the report."""

    ok: bool
    line: str

    def render(self) -> str:
        return f"{'✓' if self.ok else '✗'} {self.line}"


Probe = Callable[[Config, dict[str, str]], Check]


def python_version(config: Config, environ: dict[str, str]) -> Check:
    """Schtum needs 3.11+ (tomllib, StrEnum, typing features)."""
    have = sys.version_info[:3]
    text = ".".join(map(str, have))
    if have[:2] < MIN_PYTHON:
        return Check(False, f"python: {text}, but Schtum needs 3.11 or newer")
    return Check(True, f"python: {text}")


def data_folder(config: Config, environ: dict[str, str]) -> Check:
    """The data folder exists (or can be made), is owner-only and writable."""
    folder = config.data_dir
    if not folder.exists():
        return Check(True, f"data folder: {folder} (not created yet; made owner-only on "
                           "first start)")
    if not folder.is_dir():
        return Check(False, f"data folder: {folder} is not a folder")
    mode = stat.S_IMODE(folder.stat().st_mode)
    if mode & 0o077:
        return Check(False, f"data folder: {folder} is mode {mode:04o}, open to other users: "
                            f"run `chmod 700 {folder}`")
    if not os.access(folder, os.W_OK | os.X_OK):
        return Check(False, f"data folder: {folder} is not writable by this user")
    return Check(True, f"data folder: {folder} (mode {mode:04o}, writable)")


def key_file(config: Config, environ: dict[str, str]) -> Check:
    """The master key loads (file owner-only, well formed) and opens the database."""
    source = MASTER_KEY_ENV if environ.get(MASTER_KEY_ENV) else str(config.key_file)
    if not environ.get(MASTER_KEY_ENV) and not config.key_file.exists():
        if config.db_path.exists():
            return Check(False, f"key: no key file at {source}, and there is a database: "
                                "restore the key file from its backup")
        made_on_start = config.is_embedded_default or not config.storage.key_file
        hint = "made on first start" if made_on_start else "run `schtum keygen`"
        return Check(made_on_start, f"key: no key file at {source} yet ({hint})")
    try:
        key = load_master_key(config.key_file, environ)
    except StorageError as problem:
        return Check(False, f"key: {problem}")
    if source != MASTER_KEY_ENV:
        source += f" (mode {stat.S_IMODE(config.key_file.stat().st_mode):04o})"
    if not config.db_path.is_file():
        return Check(True, f"key: {source} loads (no database yet to check it against)")
    try:
        with _reading(config.db_path) as db:
            check_key(db, derive_kek(key))
    except (StorageError, sqlite3.DatabaseError) as problem:
        return Check(False, f"key: {source} does not open the database: "
                            f"{_sentence(problem)}")
    return Check(True, f"key: {source} opens the database")


def database(config: Config, environ: dict[str, str]) -> Check:
    """SQLite's integrity check passes and the schema is one this version can use."""
    path = config.db_path
    if not path.is_file():
        return Check(True, f"database: {path} (none yet; created on first start)")
    try:
        with _reading(path) as db:
            result = db.execute("PRAGMA integrity_check").fetchone()[0]
            version = schema_version(db)
            counts = count_rows(db)
    except sqlite3.DatabaseError:
        return Check(False, f"database: {path} is not a SQLite database or is damaged: "
                            "restore it from a backup (`schtum restore`)")
    if result != "ok":
        return Check(False, f"database: {path} fails PRAGMA integrity_check ({result}): "
                            "restore it from a backup")
    if version > LATEST_VERSION:
        return Check(False, f"database: schema {version} is newer than this Schtum "
                            f"({LATEST_VERSION}): upgrade Schtum")
    note = "" if version == LATEST_VERSION else f", migrated to {LATEST_VERSION} on next start"
    held = ", ".join(h.describe() for h in live_holders(path)) or "nobody"
    listed = ", ".join(f"{name} {n}" for name, n in counts.items())
    return Check(True, f"database: {path} integrity ok, schema {version}{note}, {listed}; "
                       f"open in: {held}")


def sqlite_features(config: Config, environ: dict[str, str]) -> Check:
    """secure_delete and WAL are what the privacy promises rest on: prove they take."""
    with tempfile.TemporaryDirectory(prefix="schtum-doctor-") as scratch:
        db = connect(Path(scratch) / "probe.db", RetryPolicy())
        try:
            secure = pragma_value(db, "secure_delete")
            journal = str(db.execute("PRAGMA journal_mode=WAL").fetchone()[0])
            memory = pragma_value(db, "temp_store")
        finally:
            db.close()
    ok = secure == 1 and journal.lower() == "wal" and memory == 2
    return Check(ok, f"sqlite: {sqlite3.sqlite_version}, secure_delete "
                     f"{'on' if secure == 1 else 'NOT available'}, WAL "
                     f"{'on' if journal.lower() == 'wal' else 'NOT available'}, temp_store "
                     f"{'memory' if memory == 2 else 'NOT memory'}")


def telegram(config: Config, environ: dict[str, str], *, online: bool = True) -> Check:
    """The token's shape, then getMe against the configured Bot API (never shows the token)."""
    from bot.telegram.app import TOKEN_RE

    token = config.telegram.token.strip()
    if not token:
        return Check(True, "telegram: no token set (terminal only; `schtum run` needs one)")
    if not TOKEN_RE.fullmatch(token):
        return Check(False, "telegram: the token is malformed (it looks like 123456789:ABC…, "
                            "exactly as BotFather gave it)")
    if not online:
        return Check(True, "telegram: token well formed (getMe not tried)")
    return get_me(config.telegram.base_url or DEFAULT_BASE_URL, token)


def get_me(base_url: str, token: str) -> Check:
    """Ask the Bot API who the bot is, with a short timeout."""
    try:
        response = httpx.post(f"{base_url}{token}/getMe", timeout=GETME_TIMEOUT)
    except httpx.HTTPError as exc:
        return Check(False, f"telegram: cannot reach the Bot API ({type(exc).__name__}): "
                            "check the network and [telegram] base_url")
    if response.status_code == 401:
        return Check(False, "telegram: the Bot API refused the token (401): check it with "
                            "BotFather")
    if response.status_code == 404:
        return Check(False, "telegram: the Bot API address answered 404: check [telegram] "
                            "base_url (it ends in /bot)")
    try:
        result = response.json()["result"]
        name = result["username"]
    except (ValueError, KeyError, TypeError):
        return Check(False, f"telegram: getMe answered {response.status_code} without a bot")
    return Check(True, f"telegram: getMe answered: @{name}")


def run_checks(config: Config, environ: dict[str, str], *, quick: bool = False) -> list[Check]:
    """Every check, in the order an operator would fix them; `quick` skips the slow ones."""
    checks: list[Check] = [probe(config, environ) for probe in
                           (python_version, data_folder, key_file, sqlite_features)]
    if not quick:
        checks.append(database(config, environ))
    checks.append(telegram(config, environ, online=not quick))
    return checks


def report(config: Config, environ: dict[str, str], *, quick: bool = False) -> int:
    """Print one line per check; 0 when all pass, 1 otherwise."""
    checks = run_checks(config, environ, quick=quick)
    for check in checks:
        print(check.render())
    return 0 if all(check.ok for check in checks) else 1


def _sentence(problem: Exception) -> str:
    if isinstance(problem, sqlite3.DatabaseError):
        return "it is not a Schtum database or is damaged"
    return str(problem).rstrip(".").split(":")[0].lower()


def _reading(path: Path) -> contextlib.closing[Database]:
    """A privacy-pragma connection to an existing database, closed on exit; reads only."""
    return contextlib.closing(connect(path, RetryPolicy()))
