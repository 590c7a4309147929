"""AES-256-GCM envelope primitives: a versioned sealed format, key wrapping, KEK derivation.

Sealed format v1: ``0x01 || nonce (12 bytes) || ciphertext || tag (16 bytes)``. The version
byte is also prepended to the associated data, so changing it fails authentication, and a
later format can be introduced without guessing. Format v2 (``0x02``, :func:`seal_padded`)
is the same with the plaintext length-prefixed and zero-padded to a multiple of 256 bytes,
so a stored ciphertext says only roughly how long its text is. Wrapped keys stay v1 (their
length is fixed anyway); every reader accepts both. Associated data names what a ciphertext is
and whom it belongs to (see :func:`aad`), so a ciphertext or wrapped key copied to another
row or owner is rejected with :class:`TamperedError` instead of decrypting to garbage.
"""

import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from storage.errors import TamperedError

VERSION = 1
PADDED_VERSION = 2
PAD_BUCKET = 256
_LENGTH = 4
KEY_SIZE = 32
NONCE_SIZE = 12
TAG_SIZE = 16
_HEADER = 1 + NONCE_SIZE
MIN_SEALED_SIZE = _HEADER + TAG_SIZE
_KEK_INFO = b"schtum/v1/key-encryption-key"


def new_key() -> bytes:
    """A fresh random 256-bit key (data keys, record keys, the pepper secret)."""
    return os.urandom(KEY_SIZE)


def aad(*parts: str) -> bytes:
    """Length-prefixed associated data, so ("ab", "c") and ("a", "bc") never collide."""
    out = bytearray(b"schtum")
    for part in parts:
        encoded = part.encode("utf-8")
        out += len(encoded).to_bytes(4, "big") + encoded
    return bytes(out)


def seal(key: bytes, plaintext: bytes, associated: bytes) -> bytes:
    """Encrypt and authenticate `plaintext` under `key` with a random nonce."""
    return seal_with_nonce(key, plaintext, associated, os.urandom(NONCE_SIZE))


def seal_padded(key: bytes, plaintext: bytes, associated: bytes) -> bytes:
    """Like :func:`seal`, but the ciphertext's length reveals only a 256-byte bucket."""
    size = _LENGTH + len(plaintext)
    padded = len(plaintext).to_bytes(_LENGTH, "big") + plaintext
    padded += bytes(-size % PAD_BUCKET)
    return _seal(key, padded, associated, os.urandom(NONCE_SIZE), PADDED_VERSION)


def seal_with_nonce(key: bytes, plaintext: bytes, associated: bytes, nonce: bytes) -> bytes:
    """Seam for known-answer tests: never call with a chosen nonce in production code."""
    return _seal(key, plaintext, associated, nonce, VERSION)


def _seal(key: bytes, plaintext: bytes, associated: bytes, nonce: bytes, version: int) -> bytes:
    _check_key(key)
    if len(nonce) != NONCE_SIZE:
        raise ValueError("AES-GCM nonce must be 12 bytes")
    header = bytes([version])
    return header + nonce + AESGCM(key).encrypt(nonce, plaintext, header + associated)


def open_sealed(key: bytes, sealed: bytes, associated: bytes) -> bytes:
    """Decrypt a sealed value, or raise TamperedError; never returns unauthenticated bytes."""
    _check_key(key)
    if len(sealed) < MIN_SEALED_SIZE or sealed[0] not in (VERSION, PADDED_VERSION):
        raise TamperedError()
    try:
        plain = AESGCM(key).decrypt(sealed[1:_HEADER], sealed[_HEADER:], sealed[:1] + associated)
    except InvalidTag:
        raise TamperedError() from None
    if sealed[0] == VERSION:
        return plain
    size = int.from_bytes(plain[:_LENGTH], "big")
    if len(plain) < _LENGTH or size > len(plain) - _LENGTH:
        raise TamperedError()
    return plain[_LENGTH:_LENGTH + size]


def sealed_version(sealed: bytes) -> int:
    """The format byte of a sealed value (0 if empty), to tell legacy records apart."""
    return sealed[0] if sealed else 0


def wrap_key(kek: bytes, key: bytes, associated: bytes) -> bytes:
    """Wrap a 256-bit key under a key-encryption key (AES-GCM, AAD names what and for whom)."""
    _check_key(key)
    return seal(kek, key, associated)


def unwrap_key(kek: bytes, wrapped: bytes, associated: bytes) -> bytes:
    """Unwrap a key sealed by :func:`wrap_key`, or raise TamperedError."""
    key = open_sealed(kek, wrapped, associated)
    if len(key) != KEY_SIZE:
        raise TamperedError()
    return key


def derive_kek(master_key: bytes) -> bytes:
    """Derive the key-encryption key, so the raw master key is never used as a cipher key."""
    _check_key(master_key)
    return HKDF(algorithm=hashes.SHA256(), length=KEY_SIZE, salt=None, info=_KEK_INFO).derive(
        master_key
    )


def _check_key(key: bytes) -> None:
    if len(key) != KEY_SIZE:
        raise ValueError("keys must be 32 bytes")
