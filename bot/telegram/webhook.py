"""Webhook mode's secret: always present, and compared in constant time.

Without a secret anyone who finds the webhook's URL can post forged updates, so when
[telegram] webhook_secret is empty Schtum makes one (32 random bytes, URL-safe base64),
keeps it owner-only in the data folder and registers it with setWebhook; every restart
reuses it, so a reverse proxy may check it too.

python-telegram-bot 22's webhook handler compares the header with `token != secret`,
which stops at the first differing character. `Secret` is a str whose equality is
`hmac.compare_digest`; Python gives a subclass's reflected comparison priority, so PTB's
own check (`!=`, `==` either way round, or compare_digest) runs in constant time.
"""

from __future__ import annotations

import hmac
import os
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bot.config import SECRET_RE, Config
from bot.telegram.errors import SetupError
from storage.files import make_private_dir, write_private_file

SECRET_FILE = "webhook.secret"  # noqa: S105 - a file name, not a secret
SECRET_BYTES = 32


class Secret(str):
    """A webhook secret whose (in)equality with a str takes the same time wherever they
    differ."""

    __slots__ = ()

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, str):
            return NotImplemented
        return hmac.compare_digest(self.encode(), other.encode())

    def __ne__(self, other: object) -> bool:
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    __hash__ = str.__hash__


def webhook_secret(config: Config) -> Secret:
    """The configured secret, else the one kept in the data folder (made on first use)."""
    if config.telegram.webhook_secret:
        return Secret(config.telegram.webhook_secret)
    path = config.data_dir / SECRET_FILE
    if not path.exists():
        make_private_dir(config.data_dir)
        create_atomically(path, secrets.token_urlsafe(SECRET_BYTES).encode())
    try:
        kept = path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError) as problem:
        raise SetupError(f"The webhook secret file {path} cannot be read "
                         f"({type(problem).__name__}); delete it and start again to make a new "
                         "one.") from None
    if not SECRET_RE.fullmatch(kept):
        raise SetupError(f"The webhook secret file {path} is malformed; delete it and start "
                         "again to make a new one.")
    return Secret(kept)


def create_atomically(path: Path, data: bytes) -> None:
    """Write a whole 0600 file under a temporary name, then link it into place: readers
    never see a partial file, and when two processes race the first one's file wins."""
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")
    write_private_file(temporary, data)
    try:
        os.link(temporary, path)
    except FileExistsError:
        pass
    finally:
        temporary.unlink()


def options(config: Config, allowed_updates: list[str]) -> dict[str, Any]:
    """The keyword arguments for PTB's run_webhook/start_webhook."""
    settings = config.telegram
    return {"listen": settings.webhook_listen, "port": settings.webhook_port,
            "url_path": urlsplit(settings.webhook_url).path.lstrip("/"),
            "webhook_url": settings.webhook_url, "secret_token": webhook_secret(config),
            "allowed_updates": allowed_updates}

