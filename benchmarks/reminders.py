"""Reminders at scale: 10,000 practitioners' schedules, start-up rebuild time and memory
per schedule, beside the same figures for an empty PTB JobQueue.

Three ways to rebuild the timetable at start-up are measured:
  index    what Schtum does: one indexed query on (pseudonym, next due UTC) and one
           repeating JobQueue job; no settings decrypted, no job per person;
  decrypt  decrypt every practitioner's settings to find their schedules;
  per-job  one PTB `run_once` job per practitioner (APScheduler), as a comparison.
Targets: rebuild under 1 s, under 2 KB per schedule.

    python3 benchmarks/reminders.py [--n 10000]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path

from telegram.ext import JobQueue

from bot.reminders import KEY, ZONE_KEY, _ts
from bot.schedule import Schedule, next_occurrence
from storage.audit import utc_now
from storage.database import data_key_aad
from storage.store import Store
from storage.vault import new_key, wrap_key

NOW = datetime(2025, 6, 2, 12, tzinfo=UTC)


def populate(store: Store, n: int) -> None:
    """n practitioners, each with a daily schedule at a different minute, in one batch."""
    db = store._db  # noqa: SLF001 - a benchmark fills the tables directly, in one transaction
    rows, index = [], []
    for i in range(n):
        owner = store.pseudonym_of(f"telegram:{10_000_000 + i}")
        rows.append({"id": owner, "wrapped_key": wrap_key(store._kek, new_key(),  # noqa: SLF001
                                                         data_key_aad(owner)),
                     "created_at": utc_now()})
    with db.atomic():
        db["practitioners"].insert_all(rows)
    for i, row in enumerate(rows):
        schedule = Schedule("daily", clock_time(i % 24, i % 60), "Europe/London")
        due = next_occurrence(schedule, NOW)
        settings = {ZONE_KEY: schedule.zone, "chat": 10_000_000 + i,
                    KEY: {**schedule.to_settings(), "paused": False, "next": _ts(due),
                          "snooze": False, "sent": None, "prompts": [], "attempts": 0}}
        index.append((row["id"], settings, _ts(due)))
    from storage import sessions

    with db.atomic():
        for owner, settings, due in index:
            key = store._data_key(owner)  # noqa: SLF001
            sessions.save_settings(db, key, owner, settings)
            db.execute("INSERT INTO reminders (owner, due_at) VALUES (?, ?)", [owner, due])


def measure(label: str, action) -> tuple[float, int, object]:  # noqa: ANN001
    """Time and memory still held (tracemalloc) by what `action` returns."""
    tracemalloc.start()
    start = time.perf_counter()
    result = action()
    elapsed = time.perf_counter() - start
    current = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    return elapsed, current, result


async def jobs(n: int, owners: list[str]) -> tuple[float, int, float, int]:
    """Empty JobQueue vs one run_once job per practitioner: (time, bytes) each."""
    async def callback(context: object) -> None:
        return None

    tracemalloc.start()
    start = time.perf_counter()
    empty = JobQueue()
    empty_time = time.perf_counter() - start
    empty_bytes = tracemalloc.get_traced_memory()[0]
    del empty
    tracemalloc.stop()
    tracemalloc.start()
    start = time.perf_counter()
    queue = JobQueue()
    for i, owner in enumerate(owners[:n]):
        queue.scheduler.add_job(callback, trigger="date",
                                run_date=NOW + timedelta(minutes=i), id=owner, args=(None,))
    per_time = time.perf_counter() - start
    per_bytes = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    return empty_time, empty_bytes, per_time, per_bytes


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=10_000)
    n = parser.parse_args().n
    folder = Path(tempfile.mkdtemp())
    os.chmod(folder, 0o700)
    db_path = folder / "bench.db"
    key = os.urandom(32)
    with Store.open(db_path, key) as store:
        populate(store, n)
        store.settle()
    size_before = db_path.stat().st_size
    start = time.perf_counter()
    store = Store.open(db_path, key)
    open_time = time.perf_counter() - start
    index_time, index_bytes, due = measure("index", lambda: (
        store.reminders.due(_ts(NOW + timedelta(days=1)), limit=n), store.reminders.next_due()))
    owners = [owner for owner, _ in due[0]]
    decrypt_time, decrypt_bytes, _ = measure("decrypt", lambda: [
        store.load_settings(owner)[KEY] for owner in owners])
    empty_time, empty_bytes, per_time, per_bytes = asyncio.run(jobs(n, owners))
    with store._lock:  # noqa: SLF001
        index_disk = store._db.execute(  # noqa: SLF001
            "SELECT sum(pgsize) FROM dbstat WHERE name IN ('reminders', "
            "'idx_reminders_due_at', 'sqlite_autoindex_reminders_1')").fetchone()[0]
    store.close()
    print(f"{n:,} practitioners with a daily reminder (database {size_before / 1e6:.1f} MB; "
          f"store opened in {open_time * 1000:.0f} ms)")
    print(f"{'rebuild':<34} {'time':>10} {'memory in process':>20} {'per schedule':>14}")
    print(f"{'empty PTB JobQueue':<34} {empty_time * 1000:>8.1f}ms {empty_bytes / 1024:>17.1f}KB"
          f" {'-':>14}")
    print(f"{'index + one repeating job (Schtum)':<34} {index_time * 1000:>8.1f}ms "
          f"{index_bytes / 1024:>17.1f}KB {index_bytes / n:>12.0f} B")
    print(f"{'  (index on disk)':<34} {'':>10} {index_disk / 1024:>15.1f}KB disk "
          f"{index_disk / n:>10.0f} B")
    print(f"{'decrypt every settings blob':<34} {decrypt_time * 1000:>8.1f}ms "
          f"{decrypt_bytes / 1024:>17.1f}KB {decrypt_bytes / n:>12.0f} B")
    print(f"{'one run_once job per person':<34} {per_time * 1000:>8.1f}ms "
          f"{per_bytes / 1024:>17.1f}KB {(per_bytes - empty_bytes) / n:>12.0f} B")
    print(f"targets: rebuild < 1 s, < 2 KB per schedule; index: "
          f"{'met' if index_time < 1 and index_bytes / n < 2048 else 'MISSED'}")


if __name__ == "__main__":
    main()
