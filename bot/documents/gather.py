"""Collect what a reader may see into a Document: their export, or a supervision pack.

Reads go through the store's checks and audit (an owner's `read`/`export`, a supervisor's
`read_shared`), and each pack also leaves a `pack` row per reflection it holds. Names are
the display names people chose; no pseudonym, record id or Telegram id reaches a document.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime

from bot import listing, logbook, people
from bot.documents.model import Document, Entry, Remark, Thread
from bot.documents.summary import parse
from storage.comments import Comment
from storage.store import Store

LAST_PACK = "last_pack"


@dataclass(frozen=True)
class Window:
    """A half-open time window [since, until); None means open on that side."""

    since: datetime | None = None
    until: datetime | None = None

    def holds(self, at: str) -> bool:
        moment = datetime.fromisoformat(at)
        return ((self.since is None or moment >= self.since)
                and (self.until is None or moment < self.until))

    def describe(self) -> str:
        if self.since is None and self.until is None:
            return "everything so far"
        start = f"{self.since:%-d %b %Y}" if self.since else "the start"
        end = f"{self.until:%-d %b %Y}" if self.until else "now"
        return f"from {start} to {end}"


def _remarks(comments: Iterable[Comment], me: str, names: dict[str, str]) -> tuple[Remark, ...]:
    return tuple(Remark("Me" if c.author == me else names.get(c.author, "Supervisor"),
                        c.created_at[:16].replace("T", " "), c.text) for c in comments)


def _threads(store: Store, me: str, record_id: str, names: dict[str, str]) -> tuple[Thread, ...]:
    comments = store.supervision.comments(me, record_id)
    threads = []
    for supervisor in dict.fromkeys(c.supervisor for c in comments):
        mine = [c for c in comments if c.supervisor == supervisor]
        title = ("Comments" if supervisor == me
                 else f"Comments with {names.get(supervisor, 'a former supervisor')}")
        threads.append(Thread(title, _remarks(mine, me, names)))
    return tuple(threads)


def _entry(label: str, info_at: str, flow_id: str, body: str, threads: tuple[Thread, ...],
           group: str = "", notes: tuple[str, ...] = ()) -> Entry:
    parsed = parse(body, flow_id)
    return Entry(label, info_at, parsed.kind, parsed.decision, tuple(parsed.next_steps), body,
                 threads, group, notes)


def export(store: Store, who: str, today: date) -> Document:
    """All of the owner's reflections, their comment threads, and the supervision log."""
    names = people.names_for(store, who)
    exported = store.export_reflections(who)
    labels = listing.labels([(info.title, info.created_at) for info, _ in exported])
    entries = tuple(_entry(label, info.created_at, info.flow_id, body,
                           _threads(store, who, info.id, names))
                    for label, (info, body) in zip(labels, exported, strict=True))
    log = tuple(logbook.months(store.supervision.log_entries(who), today))
    return Document("My reflections", f"Exported on {today:%-d %B %Y}", entries, log,
                    generated=f"{today:%-d %B %Y}")


def own_pack(store: Store, who: str, window: Window, today: date) -> Document:
    """The practitioner's pack: reflections made or shared in the window, with threads."""
    names = people.names_for(store, who)
    shared: dict[str, list[tuple[str, str]]] = {}
    for record_id, supervisor, at in store.supervision.shares_by(who):
        shared.setdefault(record_id, []).append((supervisor, at))
    items = [info for info in store.list_reflections(who)
             if window.holds(info.created_at)
             or any(window.holds(at) for _, at in shared.get(info.id, []))]
    labels = listing.labels([(i.title, i.created_at) for i in items])
    entries = []
    for label, info in zip(labels, items, strict=True):
        notes = tuple(f"Shared with {names.get(s, 'a former supervisor')} on "
                      f"{listing.day(at)}" for s, at in shared.get(info.id, []))
        body = store.read_reflection(who, info.id)
        entries.append(_entry(label, info.created_at, info.flow_id, body,
                              _threads(store, who, info.id, names), notes=notes))
    _audit_pack(store, who, [i.id for i in items], None)
    log = tuple(logbook.months(store.supervision.log_entries(who), today))
    return Document("Supervision pack", f"My reflections, {window.describe()}",
                    tuple(entries), log, overview=True, generated=f"{today:%-d %B %Y}")


def supervisor_pack(store: Store, who: str, supervisee: str | None, window: Window,
                    today: date) -> Document:
    """A supervisor's pack: what one supervisee (or all) shared with them in the window."""
    names = people.names_for(store, who)
    items = [s for s in store.list_shared(who)
             if (supervisee is None or s.owner == supervisee) and window.holds(s.shared_at)]
    items.sort(key=lambda s: (names.get(s.owner, ""), s.created_at))
    labels = listing.labels([(s.title, s.created_at) for s in items])
    entries = []
    for label, shared in zip(labels, items, strict=True):
        body = store.read_shared(who, shared.id)
        comments = store.supervision.comments(who, shared.id)
        thread = (Thread("Comments", _remarks(comments, who, names)),) if comments else ()
        entries.append(_entry(label, shared.created_at, shared.flow_id, body, thread,
                              group=names.get(shared.owner, "A supervisee")))
    _audit_pack(store, who, [s.id for s in items], supervisee)
    whose = names.get(supervisee, "A supervisee") if supervisee else "All supervisees"
    return Document("Supervision pack", f"{whose}, {window.describe()}", tuple(entries),
                    overview=True, generated=f"{today:%-d %B %Y}")


def _audit_pack(store: Store, who: str, record_ids: list[str], counterpart: str | None) -> None:
    for record_id in record_ids or [None]:
        store.supervision.note(who, "pack", record_id, counterpart)


def last_pack(store: Store, who: str, scope: str) -> datetime | None:
    found = store.load_settings(who).get(LAST_PACK, {}).get(scope)
    return datetime.fromisoformat(found) if found else None


def mark_packed(store: Store, who: str, scope: str, now: datetime | None = None) -> None:
    """Remember when this scope's last pack was made (the next one starts there)."""
    settings = store.load_settings(who)
    done = dict(settings.get(LAST_PACK, {}))
    done[scope] = (now or datetime.now(UTC)).isoformat(timespec="seconds")
    store.save_settings(who, {**settings, LAST_PACK: done})
