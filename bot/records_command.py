"""The terminal's records: delete one reflection, forget everything, export, pack, log.

Confirmation is asked on the terminal (type the word shown), or given with --yes for
scripts. Documents go only where the user asks (-o FILE), created owner-only (0600);
Markdown may also go to stdout. Every action is audited by the store.
"""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TextIO

from bot import logbook
from bot.documents import gather, markdown, pdf
from bot.documents.gather import Window
from bot.errors import ConfigError
from bot.service import Service
from storage.errors import StorageError
from storage.files import write_private_file_atomically


class Refused(StorageError):
    """The user did not confirm; nothing was changed."""

    message = "Not confirmed, so nothing was changed."


def confirm(question: str, word: str, yes: bool, stdin: TextIO = sys.stdin) -> None:
    """Ask on the terminal unless --yes; Refused if the word is not typed."""
    if yes:
        return
    print(f"{question} Type {word} to confirm: ", end="", flush=True)
    if stdin.readline().strip().casefold() != word:
        raise Refused()


def today() -> date:
    return datetime.now(UTC).date()


def delete(service: Service, who: str, number: int, yes: bool) -> str:
    store = service.store
    assert store is not None
    items = store.list_reflections(who)
    if not 1 <= number <= len(items):
        raise StorageError(f"There is no reflection {number}; you have {len(items)}.")
    item = items[number - 1]
    confirm(f"Delete reflection {number} ({item.title}), with its comments and shares? "
            "This cannot be undone.", "delete", yes)
    store.delete_reflection(who, item.id)
    return f"Deleted reflection {number}."


def forget(service: Service, who: str, yes: bool) -> str:
    store = service.store
    assert store is not None
    confirm("This destroys your key, every saved reflection, comment, link and log entry. "
            "It cannot be undone.", "forget", yes)
    store.forget(who)
    return ("Done: your key and everything saved are destroyed. A backup taken before now "
            "still holds them until the operator rotates the master key.")


def write_document(data: bytes, output: Path | None, text_ok: bool) -> str:
    """To the named file (0600, atomically), or stdout for text; a line saying where."""
    if output is None:
        if not text_ok:
            raise ConfigError("A PDF needs a file to go to: add -o FILE.pdf (or use "
                              "--format md to print Markdown).")
        sys.stdout.write(data.decode("utf-8"))
        return ""
    try:
        write_private_file_atomically(output, data)
    except FileExistsError:
        raise ConfigError(f"{output} already exists: choose another name, or remove it "
                          "first.") from None
    except OSError as problem:
        raise ConfigError(f"Cannot write {output} ({problem.strerror}): check the "
                          "folder.") from None
    return f"Wrote {output} (mode 0600). Keep it as confidentially as your notes."


def export(service: Service, who: str, output: Path | None, fmt: str | None) -> str:
    store = service.store
    assert store is not None
    chosen = fmt or ("pdf" if output is not None and output.suffix.lower() == ".pdf" else "md")
    document = gather.export(store, who, today())
    if chosen == "pdf":
        return write_document(pdf.render(document), output, text_ok=False)
    return write_document(markdown.render(document).encode("utf-8"), output, text_ok=True)


def pack(service: Service, who: str, output: Path | None, since: date | None,
         until: date | None) -> str:
    store = service.store
    assert store is not None
    start = (datetime.combine(since, datetime.min.time(), UTC) if since
             else gather.last_pack(store, who, "self"))
    end = datetime.combine(until, datetime.min.time(), UTC) if until else None
    document = gather.own_pack(store, who, Window(start, end), today())
    said = write_document(pdf.render(document), output, text_ok=False)
    gather.mark_packed(store, who, "self")
    return said


def log_add(service: Service, who: str, words: list[str]) -> str:
    store = service.store
    assert store is not None
    try:
        entry = logbook.parse(words, today())
    except logbook.LogInputError as problem:
        raise ConfigError(str(problem).replace("/log", "schtum log add")) from None
    store.supervision.add_log(who, entry)
    return f"Logged: {entry['date']}, {entry['minutes']} minutes, {entry['kind']}."


def log_show(service: Service, who: str) -> str:
    store = service.store
    assert store is not None
    months = logbook.months(store.supervision.log_entries(who), today())
    return logbook.report(months).replace("/log", "schtum log add")

