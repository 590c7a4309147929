"""Schtum's version, as installed (pyproject.toml is the one place it is written)."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version


def schtum_version() -> str:
    """The installed distribution's version; "unknown" when run from a bare checkout."""
    try:
        return version("schtum")
    except PackageNotFoundError:
        return "unknown"
