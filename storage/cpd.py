"""The CPD log: what a practitioner chose to count as continuing professional development.

Each entry (date, activity, minutes, what was learnt, how it benefits practice and
service users: what the HCPC asks a CPD record to show) is sealed under its owner's data
key; only the owner, an entry id and when it was added are in clear.
"""

from __future__ import annotations

import json
import secrets
from typing import TYPE_CHECKING, Any

from storage import audit
from storage.audit import utc_now
from storage.vault import aad, open_sealed, seal_padded

if TYPE_CHECKING:
    from storage.store import Store


def add_entry(store: Store, owner: str, entry: dict[str, Any]) -> str:
    """Seal and keep one CPD entry (audited as "cpd")."""
    eid = secrets.token_hex(16)
    key = store._data_key(owner)  # noqa: SLF001 - same package, one database
    row = {"id": eid, "owner": owner, "created_at": utc_now(),
           "entry": seal_padded(key, json.dumps(entry).encode("utf-8"),
                                aad("cpd-v1", owner, eid))}
    db = store._db  # noqa: SLF001

    def write() -> None:
        with db.atomic():
            db["cpd"].insert(row)
            audit.record(db, owner, "cpd", eid)

    store._write(write)  # noqa: SLF001
    return eid


def entries(store: Store, owner: str) -> list[dict[str, Any]]:
    """The owner's CPD entries, oldest first."""
    db = store._db  # noqa: SLF001
    with store._lock:  # noqa: SLF001
        rows = db.execute("SELECT id, entry FROM cpd WHERE owner = ? ORDER BY created_at, rowid",
                          [owner]).fetchall()
        if not rows:
            return []
        key = store._data_key(owner)  # noqa: SLF001
    return [json.loads(open_sealed(key, sealed, aad("cpd-v1", owner, eid)))
            for eid, sealed in rows]
