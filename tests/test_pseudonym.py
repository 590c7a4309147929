"""Pseudonyms: stable, peppered, and never the clear id."""

import hashlib
import hmac

import pytest
from hypothesis import given
from hypothesis import strategies as st

from storage.pseudonym import derive_pepper, pseudonym
from storage.store import Store
from tests.test_vault import hkdf_sha256_reference

SECRET = bytes(range(32))
EXPECTED = "bd06f06a4f5ce449cfed898065d4da719c94d0b84780c385ed0eb531b76f9336"

subjects = st.text(min_size=1, max_size=40)


def test_pseudonym_of_a_known_subject_is_pinned() -> None:
    assert pseudonym(SECRET, "telegram:12345") == EXPECTED


def test_pseudonym_is_hmac_sha256_under_the_hkdf_pepper() -> None:
    pepper = hkdf_sha256_reference(SECRET, b"schtum/v1/pseudonym-pepper")
    assert derive_pepper(SECRET) == pepper
    assert EXPECTED == hmac.new(pepper, b"telegram:12345", hashlib.sha256).hexdigest()


@given(subjects)
def test_pseudonym_is_deterministic_hex_and_hides_the_subject(subject: str) -> None:
    value = pseudonym(SECRET, subject)
    assert value == pseudonym(SECRET, subject)
    assert len(value) == 64 and int(value, 16) >= 0
    if len(subject) >= 4:
        assert subject not in value


@given(subjects, subjects)
def test_different_subjects_get_different_pseudonyms(a: str, b: str) -> None:
    assert (pseudonym(SECRET, a) == pseudonym(SECRET, b)) == (a == b)


def test_a_different_pepper_secret_gives_a_different_pseudonym() -> None:
    assert pseudonym(bytes(32), "telegram:12345") != EXPECTED


def test_an_empty_subject_is_refused() -> None:
    with pytest.raises(ValueError, match="non-empty"):
        pseudonym(SECRET, "")


def test_store_pseudonyms_are_stable_across_reopening(tmp_path) -> None:
    key = bytes(range(32))
    with Store.open(tmp_path / "s.db", key) as store:
        first = store.practitioner("telegram:12345")
    with Store.open(tmp_path / "s.db", key) as store:
        assert store.practitioner("telegram:12345") == first
        assert store.pseudonym_of("telegram:12345") == first


def test_two_databases_give_the_same_subject_unlinkable_pseudonyms(tmp_path) -> None:
    key = bytes(range(32))
    with Store.open(tmp_path / "a.db", key) as a, Store.open(tmp_path / "b.db", key) as b:
        assert a.practitioner("telegram:1") != b.practitioner("telegram:1")
