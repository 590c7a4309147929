"""/forget says exactly what it does (audit finding 4): nothing claims a backup is unreadable.

A copy taken before /forget still opens with the live master key; it dies only when the
key is rotated (tests/test_shredding.py proves both halves). Every place that describes
forgetting must say so, and none may promise more.
"""

from __future__ import annotations

import re
from pathlib import Path

from bot.telegram import texts

ROOT = Path(__file__).resolve().parents[1]
CLAIM = re.compile(r"backup.*(no longer be read|cannot be read|unreadable)", re.I | re.S)
CONDITION = re.compile(r"rotat", re.IGNORECASE)


def overclaims(sentence: str) -> bool:
    """Says backups become unreadable without naming the rotation that makes it so."""
    return bool(CLAIM.search(sentence)) and not CONDITION.search(sentence)


def test_the_bot_says_what_forgetting_leaves_in_backups() -> None:
    said = texts.FORGOTTEN
    assert "backup taken before now still holds" in said
    assert "current master key" in said and "rotates" in said
    assert not overclaims(said)


def test_no_document_promises_more_than_forgetting_does() -> None:
    for path in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        for sentence in re.split(r"(?<=[.!?])\s+", path.read_text()):
            assert not overclaims(sentence), f"{path.name}: {sentence.strip()[:120]}"
    privacy = (ROOT / "docs" / "privacy.md").read_text()
    assert "A backup taken before a deletion still holds" in privacy
