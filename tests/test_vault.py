"""The crypto wrapper: pinned format, round-trips, and rejection of anything altered."""

import hashlib
import hmac

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from hypothesis import given
from hypothesis import strategies as st

from storage.errors import TamperedError
from storage.vault import (
    MIN_SEALED_SIZE,
    aad,
    derive_kek,
    new_key,
    open_sealed,
    seal,
    seal_with_nonce,
    unwrap_key,
    wrap_key,
)

KEY = bytes(range(32))
NONCE = bytes(range(100, 112))
PLAINTEXT = b"schtum known answer"
AAD = aad("kat", "record-1", "owner-a")
EXPECTED_AAD = "73636874756d000000036b6174000000087265636f72642d31000000076f776e65722d61"
EXPECTED_SEALED = (
    "016465666768696a6b6c6d6e6f3b78b6120c8476f5500d2886fa04048e35a774c1639145df9d832c6edf"
    "cb109a439ecc"
)
EXPECTED_KEK = "03935e3dc7ab418e2416b383656adccdd6162ce77d1d451ff65c6b83195fe661"


def hkdf_sha256_reference(ikm: bytes, info: bytes) -> bytes:
    """RFC 5869 with an empty salt, written out with hmac, independent of `cryptography`."""
    prk = hmac.new(b"\x00" * 32, ikm, hashlib.sha256).digest()
    return hmac.new(prk, info + b"\x01", hashlib.sha256).digest()


def test_associated_data_encoding_is_pinned() -> None:
    assert AAD.hex() == EXPECTED_AAD


def test_sealing_with_a_fixed_key_and_nonce_gives_the_known_bytes() -> None:
    assert seal_with_nonce(KEY, PLAINTEXT, AAD, NONCE).hex() == EXPECTED_SEALED


def test_sealed_format_is_version_nonce_then_gcm_over_versioned_aad() -> None:
    sealed = seal_with_nonce(KEY, PLAINTEXT, AAD, NONCE)
    assert sealed[0] == 1
    assert sealed[1:13] == NONCE
    assert sealed[13:] == AESGCM(KEY).encrypt(NONCE, PLAINTEXT, b"\x01" + AAD)


def test_key_encryption_key_is_hkdf_sha256_of_the_master_key() -> None:
    assert derive_kek(KEY).hex() == EXPECTED_KEK
    assert derive_kek(KEY) == hkdf_sha256_reference(KEY, b"schtum/v1/key-encryption-key")


def test_known_answer_opens_to_the_known_plaintext() -> None:
    assert open_sealed(KEY, bytes.fromhex(EXPECTED_SEALED), AAD) == PLAINTEXT


@given(st.binary(max_size=2048), st.binary(max_size=64))
def test_seal_then_open_returns_the_plaintext(plaintext: bytes, associated: bytes) -> None:
    key = new_key()
    assert open_sealed(key, seal(key, plaintext, associated), associated) == plaintext


@given(st.binary(min_size=1, max_size=256))
def test_sealed_bytes_never_contain_a_long_plaintext_run(plaintext: bytes) -> None:
    key = new_key()
    sealed = seal(key, plaintext * 4, b"")
    assert len(sealed) == len(plaintext) * 4 + MIN_SEALED_SIZE
    if len(plaintext) >= 8:
        assert plaintext not in sealed


def test_two_seals_of_the_same_plaintext_differ() -> None:
    assert seal(KEY, PLAINTEXT, AAD) != seal(KEY, PLAINTEXT, AAD)


@pytest.mark.parametrize(
    "position",
    [0, 1, 12, 13, 13 + len(PLAINTEXT) - 1, -16, -1],
    ids=[
        "version",
        "nonce-first",
        "nonce-last",
        "body-first",
        "body-last",
        "tag-first",
        "tag-last",
    ],
)
def test_tampered_ciphertext_is_rejected(position: int) -> None:
    sealed = bytearray(seal(KEY, PLAINTEXT, AAD))
    sealed[position] ^= 0x01
    with pytest.raises(TamperedError):
        open_sealed(KEY, bytes(sealed), AAD)


@pytest.mark.parametrize("length", [0, 1, 13, MIN_SEALED_SIZE - 1, MIN_SEALED_SIZE, -1])
def test_truncated_ciphertext_is_rejected(length: int) -> None:
    sealed = seal(KEY, PLAINTEXT, AAD)
    with pytest.raises(TamperedError):
        open_sealed(KEY, sealed[:length], AAD)


def test_appended_bytes_are_rejected() -> None:
    with pytest.raises(TamperedError):
        open_sealed(KEY, seal(KEY, PLAINTEXT, AAD) + b"\x00", AAD)


@pytest.mark.parametrize(
    "other_aad",
    [aad("kat", "record-2", "owner-a"), aad("kat", "record-1", "owner-b"), b""],
    ids=["other-row", "other-owner", "no-aad"],
)
def test_ciphertext_moved_to_another_row_or_owner_is_rejected(other_aad: bytes) -> None:
    with pytest.raises(TamperedError):
        open_sealed(KEY, seal(KEY, PLAINTEXT, AAD), other_aad)


def test_wrong_key_is_rejected_not_decrypted_to_garbage() -> None:
    with pytest.raises(TamperedError):
        open_sealed(new_key(), seal(KEY, PLAINTEXT, AAD), AAD)


def test_associated_data_parts_cannot_be_shifted_between_fields() -> None:
    assert aad("ab", "c") != aad("a", "bc")
    assert aad("a", "") != aad("a")


def test_wrapped_key_unwraps_only_with_its_label() -> None:
    data_key = new_key()
    wrapped = wrap_key(KEY, data_key, aad("data-key", "alice"))
    assert unwrap_key(KEY, wrapped, aad("data-key", "alice")) == data_key
    with pytest.raises(TamperedError):
        unwrap_key(KEY, wrapped, aad("data-key", "bob"))


def test_unwrapping_something_that_is_not_a_key_is_rejected() -> None:
    not_a_key = seal(KEY, b"sixteen byte msg", aad("data-key", "alice"))
    with pytest.raises(TamperedError):
        unwrap_key(KEY, not_a_key, aad("data-key", "alice"))


@pytest.mark.parametrize("size", [0, 16, 31, 33])
def test_keys_of_the_wrong_size_are_a_programming_error(size: int) -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        seal(bytes(size), PLAINTEXT, AAD)
