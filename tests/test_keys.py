"""The master key: generated owner-only, never overwritten, and refused clearly when bad."""

import base64
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from storage.errors import KeyFileError
from storage.keys import MASTER_KEY_ENV, ensure_key_file, generate_key_file, load_master_key


@pytest.fixture
def loose_umask() -> Iterator[None]:
    """A permissive umask, so owner-only modes must come from Schtum itself."""
    old = os.umask(0o022)
    yield
    os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_keygen_writes_an_owner_only_key_in_an_owner_only_folder(tmp_path, loose_umask) -> None:
    path = tmp_path / "new" / "keys" / "master.key"
    generate_key_file(path)
    assert mode(path) == 0o600
    assert mode(path.parent) == 0o700
    assert mode(path.parent.parent) == 0o700
    assert len(load_master_key(path, environ={})) == 32


def test_keygen_keys_are_random(tmp_path) -> None:
    generate_key_file(tmp_path / "a.key")
    generate_key_file(tmp_path / "b.key")
    assert load_master_key(tmp_path / "a.key", {}) != load_master_key(tmp_path / "b.key", {})


def test_keygen_refuses_to_overwrite_an_existing_key(tmp_path) -> None:
    path = tmp_path / "master.key"
    generate_key_file(path)
    before = path.read_bytes()
    with pytest.raises(KeyFileError, match="already exists"):
        generate_key_file(path)
    assert path.read_bytes() == before


def test_ensure_key_file_creates_once_then_keeps_the_key(tmp_path) -> None:
    path = tmp_path / "master.key"
    assert ensure_key_file(path) is True
    before = path.read_bytes()
    assert ensure_key_file(path) is False
    assert path.read_bytes() == before


def test_the_environment_variable_wins_over_the_key_file(tmp_path) -> None:
    path = tmp_path / "master.key"
    generate_key_file(path)
    env_key = os.urandom(32)
    environ = {MASTER_KEY_ENV: base64.b64encode(env_key).decode()}
    assert load_master_key(path, environ) == env_key
    assert load_master_key(None, environ) == env_key


def test_an_empty_environment_variable_counts_as_unset(tmp_path) -> None:
    path = tmp_path / "master.key"
    generate_key_file(path)
    assert load_master_key(path, {MASTER_KEY_ENV: "  "}) == load_master_key(path, {})


def test_a_file_of_32_raw_bytes_is_accepted(tmp_path) -> None:
    raw = os.urandom(32)
    (tmp_path / "raw.key").write_bytes(raw)
    (tmp_path / "raw.key").chmod(0o600)
    assert load_master_key(tmp_path / "raw.key", {}) == raw


@pytest.mark.parametrize(
    "value",
    [
        "not base64!",
        base64.b64encode(os.urandom(16)).decode(),
        base64.b64encode(os.urandom(33)).decode(),
        "é",
    ],
    ids=["garbage", "too-short", "too-long", "non-ascii"],
)
def test_a_malformed_environment_key_is_refused_with_one_clear_sentence(tmp_path, value) -> None:
    path = tmp_path / "master.key"
    generate_key_file(path)
    with pytest.raises(KeyFileError) as caught:
        load_master_key(path, {MASTER_KEY_ENV: value})
    message = str(caught.value)
    assert MASTER_KEY_ENV in message and "32 bytes" in message
    assert value not in message


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"\n",
        b"short",
        b"not base64 at all but long enough to matter!!",
        base64.b64encode(os.urandom(31)) + b"\n",
        os.urandom(31),
        os.urandom(64),
    ],
    ids=["empty", "newline", "short", "garbage", "31-bytes-b64", "31-raw", "64-raw"],
)
def test_a_malformed_key_file_is_refused(tmp_path, content: bytes) -> None:
    path = tmp_path / "master.key"
    path.write_bytes(content)
    path.chmod(0o600)
    with pytest.raises(KeyFileError, match="malformed|empty"):
        load_master_key(path, {})


def test_a_missing_key_file_says_how_to_make_one(tmp_path) -> None:
    with pytest.raises(KeyFileError, match="schtum keygen"):
        load_master_key(tmp_path / "absent.key", {})


def test_a_key_path_that_is_a_folder_is_refused(tmp_path) -> None:
    with pytest.raises(KeyFileError, match="cannot be read"):
        load_master_key(tmp_path, {})


def test_no_key_at_all_is_refused(tmp_path) -> None:
    with pytest.raises(KeyFileError, match=MASTER_KEY_ENV):
        load_master_key(None, {})
