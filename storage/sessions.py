"""Encrypted per-practitioner state: in-flight conversation snapshots and settings.

Both are sealed with the practitioner's data key, with AAD naming the kind and the owner,
so a snapshot copied into another practitioner's row does not decrypt. These functions do
one write each; the Store wraps them in retries and a transaction.
"""

import json
from typing import Any

from sqlite_utils import Database

from storage.audit import utc_now
from storage.vault import aad, open_sealed, seal_padded


def save_settings(db: Database, data_key: bytes, owner: str, settings: dict[str, Any]) -> None:
    """Replace the owner's settings with an encrypted JSON document."""
    blob = seal_padded(data_key, json.dumps(settings).encode("utf-8"), aad("settings", owner))
    db.execute("UPDATE practitioners SET settings = ? WHERE id = ?", [blob, owner])


def load_settings(db: Database, data_key: bytes, owner: str) -> dict[str, Any]:
    """The owner's settings, or {} if none were saved."""
    row = db.execute("SELECT settings FROM practitioners WHERE id = ?", [owner]).fetchone()
    if row is None or row[0] is None:
        return {}
    loaded: dict[str, Any] = json.loads(open_sealed(data_key, row[0], aad("settings", owner)))
    return loaded


def save_session(
    db: Database, data_key: bytes, owner: str, snapshot: bytes, expires_at: float
) -> None:
    """Upsert the owner's single in-flight snapshot."""
    db["sessions"].upsert(
        {
            "owner": owner,
            "snapshot": seal_padded(data_key, snapshot, aad("session", owner)),
            "expires_at": float(expires_at),
            "updated_at": utc_now(),
        },
        pk="owner",
    )


def read_session(db: Database, owner: str) -> tuple[bytes, float] | None:
    """The sealed snapshot and its expiry, without decrypting."""
    row = db.execute(
        "SELECT snapshot, expires_at FROM sessions WHERE owner = ?", [owner]
    ).fetchone()
    return None if row is None else (row[0], row[1])


def open_session(data_key: bytes, owner: str, sealed: bytes) -> bytes:
    """Decrypt a snapshot read by :func:`read_session` (TamperedError if moved/altered)."""
    return open_sealed(data_key, sealed, aad("session", owner))


def drop_session(db: Database, owner: str) -> None:
    """Delete the owner's snapshot, if any."""
    db.execute("DELETE FROM sessions WHERE owner = ?", [owner])


def purge_expired(db: Database, now: float) -> int:
    """Delete every snapshot whose expiry has passed; return how many."""
    return db.execute("DELETE FROM sessions WHERE expires_at <= ?", [now]).rowcount
