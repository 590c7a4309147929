"""The terminal's follow-ups, outcomes and CPD log: `schtum followups`,
`schtum reflections outcome N` and `schtum export --cpd`.

No scheduler runs in the terminal: `schtum chat` opens by saying what is due, and
`schtum followups` lists and closes. An outcome is read from stdin, anonymised, shown
back, and kept only when the user types yes (or passes --yes, for scripts).
"""

from __future__ import annotations

import sys
from pathlib import Path

from bot import cpd
from bot import followups as fu
from bot.errors import ConfigError
from bot.records_command import Refused, today, write_document
from bot.service import Service
from storage.errors import StorageError
from storage.store import Store

USAGE = "Use schtum followups, schtum followups done N or schtum followups outcome N."


def _store(service: Service) -> Store:
    assert service.store is not None
    return service.store


def followups(service: Service, who: str, words: list[str], yes: bool = False) -> str:
    """List open follow-ups; `done N` closes one; `outcome N` records its outcome."""
    store = _store(service)
    items = store.followups.open_items(who)
    if not words:
        if not items:
            return "No follow-ups are open."
        return "Your follow-ups (soonest first):\n" + "\n".join(
            f"{n}. {fu.line(item, today())}" for n, item in enumerate(items, 1)) + (
            "\nClose one with schtum followups done N, or record what happened with "
            "schtum followups outcome N.")
    if len(words) != 2 or words[0] not in ("done", "outcome") or not words[1].isdecimal():
        raise ConfigError(USAGE)
    number = int(words[1])
    if not 1 <= number <= len(items):
        raise StorageError(f"There is no follow-up {number}; you have {len(items)}.")
    item = items[number - 1]
    if words[0] == "outcome":
        said = _outcome(store, who, item.record_id, yes)
    else:
        said = "Closed."
    store.followups.close(who, item.id)
    return said + (" The follow-up is closed." if words[0] == "outcome" else "")


def reflection_outcome(service: Service, who: str, number: int, yes: bool) -> str:
    """`schtum reflections outcome N`: add an outcome to any saved reflection."""
    store = _store(service)
    items = store.list_reflections(who)
    if not 1 <= number <= len(items):
        raise StorageError(f"There is no reflection {number}; you have {len(items)}.")
    return _outcome(store, who, items[number - 1].id, yes)


def _outcome(store: Store, who: str, record_id: str, yes: bool) -> str:
    interactive = sys.stdin.isatty()
    if interactive:
        print("What happened? Type the outcome (no names), then Enter:", flush=True)
        text = sys.stdin.readline()
    else:
        text = sys.stdin.read()
    if not text.strip():
        raise ConfigError("No outcome was given (type it, or pipe it in on stdin).")
    approved, kinds = fu.anonymise_outcome(text)
    if kinds:
        print(f"Note: that looked like {', '.join(kinds)}; it is replaced below.")
    print(f"This is what will be added to the record:\n\n{approved}\n")
    if not yes:
        if not interactive:
            raise ConfigError("Piped in, an outcome is kept only with --yes (you have seen "
                              "it above); nothing was added.")
        print("Type yes to add it: ", end="", flush=True)
        answer = sys.stdin.readline().strip().casefold()
        if answer not in ("yes", "y"):
            raise Refused()
    fu.record_outcome(store, who, record_id, approved, today())
    return "Added to the record."


def export_cpd(service: Service, who: str, output: Path | None, fmt: str | None) -> str:
    """`schtum export --cpd`: the CPD log, Markdown to stdout or a file, or PDF to a file."""
    store = _store(service)
    items = cpd.entries(store, who)
    chosen = fmt or ("pdf" if output is not None and output.suffix.lower() == ".pdf" else "md")
    store.supervision.note(who, "export")
    if chosen == "pdf":
        return write_document(cpd.pdf(items, today()), output, text_ok=False)
    return write_document(cpd.markdown(items, today()).encode("utf-8"), output, text_ok=True)
