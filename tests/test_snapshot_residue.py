"""Raw answers leave the disk when a conversation ends (audit finding 3).

An in-flight snapshot holds the raw, un-anonymised answers, sealed with the practitioner's
data key: with the master key it decrypts. Every version ever written is captured here; once
the conversation ends (saved, discarded, cancelled, timed out) and the running bot's next
housekeeping tick has run, no byte sequence of any of them may remain in any file of the
data folder, and the -wal file must be empty. Also: the review's snapshot is written at
once (a Save pressed straight after the summary survives a crash, finding 9).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot import wording
from bot.messages import Input
from bot.service import Service
from storage.store import Store
from tests.flowwalk import inputs_for, path_with_most_text

KEY = bytes(range(32))
FLOW = "breach-uk"
WINDOW = 24


class Clock:
    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now


def sealed_snapshots(db_path: Path) -> list[bytes]:
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        return [bytes(r[0]) for r in conn.execute("SELECT snapshot FROM sessions")]
    finally:
        conn.close()


def residue(folder: Path, blobs: list[bytes]) -> list[str]:
    """Files holding any WINDOW-byte piece of any captured ciphertext."""
    pieces = {blob[i:i + WINDOW] for blob in blobs for i in range(13, len(blob) - WINDOW, 16)}
    found = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        data = path.read_bytes()
        if any(piece in data for piece in pieces):
            found.append(path.name)
    return found


def walk_to_review(service: Service, who: str, db_path: Path, captured: list[bytes]) -> None:
    service.begin(who, FLOW)
    for given in inputs_for(FLOW, path_with_most_text(FLOW),
                            lambda _: "Raw answer naming Przemyslaw Okafor at 14 Larkspur."):
        service.handle(who, given)
        service.flush_snapshots()
        captured += sealed_snapshots(db_path)


ENDINGS = {
    "saved": lambda s, w, c: s.handle(w, Input.choice(wording.SAVE)),
    "discarded": lambda s, w, c: s.handle(w, Input.choice(wording.DISCARD)),
    "cancelled": lambda s, w, c: s.handle(w, Input.command("cancel")),
    "timed out": lambda s, w, c: (setattr(c, "now", c.now + 7200), s.expired(w)),
}


@pytest.mark.parametrize("ending", ENDINGS)
def test_no_file_holds_any_snapshot_once_the_conversation_ends(tmp_path: Path,
                                                              ending: str) -> None:
    folder = tmp_path / "data"
    db_path = folder / "schtum.db"
    clock = Clock()
    with Store.open(db_path, KEY, role="schtum run") as store:
        service = Service(store, resume=True, defer_snapshots=True, clock=clock)
        who = service.who("telegram:5550001")
        other = service.who("telegram:5550002")  # someone still mid-conversation
        service.begin(other, FLOW)
        captured: list[bytes] = []
        walk_to_review(service, who, db_path, captured)
        assert len(set(captured)) > 10
        assert residue(folder, captured), "the scan must see a live snapshot (control)"
        ENDINGS[ending](service, who, clock)
        service.handle(other, Input.command("why"))  # the other person carries on
        service.flush_snapshots()  # the running bot's housekeeping tick
        theirs = sealed_snapshots(db_path)
        mine = [blob for blob in set(captured) if blob not in theirs]
        assert residue(folder, mine) == []
        assert (folder / "schtum.db-wal").stat().st_size == 0
        assert len(theirs) == 1  # the other conversation still resumes


def test_the_review_snapshot_is_written_at_once_not_deferred(tmp_path: Path) -> None:
    db_path = tmp_path / "data" / "schtum.db"
    with Store.open(db_path, KEY) as store:
        service = Service(store, resume=True, defer_snapshots=True)
        who = service.who("telegram:5550003")
        service.begin(who, FLOW)
        for given in inputs_for(FLOW, path_with_most_text(FLOW), lambda _: "An answer."):
            replies = service.handle(who, given)
        assert replies[-1].kind == "summary"
        # No flush: a crash now. A restarted bot must still be at the review.
        restarted = Service(store, resume=True)
        resumed = restarted.active(who)
        assert resumed is not None and resumed.stage == "review"
        assert restarted.handle(who, Input.choice(wording.SAVE))[0].text == wording.SAVED
        assert len(store.list_reflections(who)) == 1


def test_an_idle_bot_leaves_an_empty_wal(tmp_path: Path) -> None:
    db_path = tmp_path / "data" / "schtum.db"
    with Store.open(db_path, KEY) as store:
        service = Service(store, resume=True, defer_snapshots=True)
        who = service.who("telegram:5550004")
        store.save_settings(who, {"jurisdiction": "uk"})
        assert (db_path.parent / "schtum.db-wal").stat().st_size > 0
        service.flush_snapshots()
        assert (db_path.parent / "schtum.db-wal").stat().st_size == 0
