"""How a reflection is sealed: its record key, the AAD of each field, the listing value.

Kept apart from the store because these conventions are the on-disk format: changing an
AAD string makes every existing record unreadable (tests pin them).
"""

from dataclasses import dataclass

from storage.vault import aad, new_key, open_sealed, seal, unwrap_key, wrap_key


@dataclass(frozen=True)
class ReflectionInfo:
    """What a listing shows: no body, the title decrypted for its reader."""

    id: str
    flow_id: str
    flow_version: str
    title: str
    created_at: str


def record_key_aad(record_id: str, recipient: str) -> bytes:
    """AAD for a record key wrapped for its owner or a supervisor."""
    return aad("record-key", record_id, recipient)


def field_aad(field: str, record_id: str, owner: str) -> bytes:
    """AAD for a reflection's sealed `field` ("title" or "body")."""
    return aad(f"reflection-{field}", record_id, owner)


def seal_fields(
    data_key: bytes, record_id: str, owner: str, fields: dict[str, str]
) -> dict[str, bytes]:
    """A fresh record key wrapped for the owner, and each field sealed under it."""
    record_key = new_key()
    sealed = {"wrapped_key": wrap_key(data_key, record_key, record_key_aad(record_id, owner))}
    for name, text in fields.items():
        sealed[name] = seal(record_key, text.encode("utf-8"), field_aad(name, record_id, owner))
    return sealed


def open_field(record_key: bytes, field: str, record_id: str, owner: str, sealed: bytes) -> str:
    """Decrypt one field; TamperedError if it was altered or belongs to another row."""
    return open_sealed(record_key, sealed, field_aad(field, record_id, owner)).decode("utf-8")


def record_key_for(recipient_key: bytes, wrapped: bytes, record_id: str, recipient: str) -> bytes:
    """Unwrap a record key with the data key of the recipient it was wrapped for."""
    return unwrap_key(recipient_key, wrapped, record_key_aad(record_id, recipient))
