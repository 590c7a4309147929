"""How a reflection is sealed: its record key, the AAD of each field, the listing value.

Kept apart from the store because these conventions are the on-disk format: changing an
AAD string makes every existing record unreadable (tests pin them).

Fields are sealed padded (format v2) with the row's clear metadata (flow id, flow version,
creation time) in the associated data, so an edited date or flow id makes the record fail
its integrity check instead of listing silently. Records of format v1 (before 0.2) bound
only id and owner; the store re-seals them as v2 when it opens.
"""

from dataclasses import dataclass

from storage.vault import (
    PADDED_VERSION,
    aad,
    new_key,
    open_sealed,
    seal_padded,
    sealed_version,
    unwrap_key,
    wrap_key,
)


@dataclass(frozen=True)
class RecordMeta:
    """What stays in clear beside a record, and is authenticated with each of its fields."""

    flow_id: str
    flow_version: str
    created_at: str


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


def legacy_field_aad(field: str, record_id: str, owner: str) -> bytes:
    """AAD of a format-v1 field (before 0.2): id and owner only."""
    return aad(f"reflection-{field}", record_id, owner)


def field_aad(field: str, record_id: str, owner: str, meta: RecordMeta) -> bytes:
    """AAD for a reflection's sealed `field` ("title" or "body"), metadata included."""
    return aad(f"reflection-v2-{field}", record_id, owner, meta.flow_id, meta.flow_version,
               meta.created_at)


def seal_field(record_key: bytes, field: str, record_id: str, owner: str, meta: RecordMeta,
               text: str) -> bytes:
    """One field sealed under its record key, padded, metadata bound."""
    return seal_padded(record_key, text.encode("utf-8"),
                       field_aad(field, record_id, owner, meta))


def seal_fields(
    data_key: bytes, record_id: str, owner: str, meta: RecordMeta, fields: dict[str, str]
) -> dict[str, bytes]:
    """A fresh record key wrapped for the owner, and each field sealed under it."""
    record_key = new_key()
    sealed = {"wrapped_key": wrap_key(data_key, record_key, record_key_aad(record_id, owner))}
    for name, text in fields.items():
        sealed[name] = seal_field(record_key, name, record_id, owner, meta, text)
    return sealed


def open_field(record_key: bytes, field: str, record_id: str, owner: str, meta: RecordMeta,
               sealed: bytes) -> str:
    """Decrypt one field; TamperedError if it, or its row's metadata, was altered or moved."""
    if sealed_version(sealed) == PADDED_VERSION:
        associated = field_aad(field, record_id, owner, meta)
    else:
        associated = legacy_field_aad(field, record_id, owner)
    return open_sealed(record_key, sealed, associated).decode("utf-8")


def is_legacy(sealed: bytes) -> bool:
    """A field sealed before metadata was bound (to be re-sealed)."""
    return sealed_version(sealed) != PADDED_VERSION


def record_key_for(recipient_key: bytes, wrapped: bytes, record_id: str, recipient: str) -> bytes:
    """Unwrap a record key with the data key of the recipient it was wrapped for."""
    return unwrap_key(recipient_key, wrapped, record_key_aad(record_id, recipient))
