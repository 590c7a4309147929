"""Shared fixtures: every test gets its own data folder, so none touches real data."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point Schtum's data folder (and the platform default) at this test's tmp_path."""
    folder = tmp_path / "schtum-data"
    monkeypatch.setenv("SCHTUM_STORAGE_DATA_DIR", str(folder))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    for name in list(os.environ):
        if name.startswith("SCHTUM_") and name != "SCHTUM_STORAGE_DATA_DIR":
            monkeypatch.delenv(name)
    return folder


@pytest.fixture
def threaded_api() -> Iterator[object]:
    """The fake Bot API in a background thread, for a bot run as a subprocess.

    Every test using it ends by checking that the bot caused no 4xx.
    """
    from tests.fake_bot_api import FakeBotApi

    fake = FakeBotApi().start_in_thread()
    yield fake
    fake.stop()
    assert [(r.method, r.response) for r in fake.errors] == []
