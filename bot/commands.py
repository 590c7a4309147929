"""What each `schtum` subcommand does, one small function each, callable from tests."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from bot.config import Config
from bot.messages import Reply
from flows.draw import mermaid
from flows.errors import FlowError
from flows.loader import load_flow, load_path, shipped_ids
from storage.errors import StorageError

if TYPE_CHECKING:
    from bot.service import Service


def chat(config: Config, environ: dict[str, str], subject: str, flow_id: str | None,
         jsonl: bool) -> int:
    """`schtum chat`: one flow in the terminal, stored only if the practitioner saves it."""
    from bot import terminal
    from bot.wiring import open_service

    renderer: terminal.Renderer = (terminal.JsonRenderer(sys.stdout) if jsonl
                                   else terminal.HumanRenderer(sys.stdout))
    service, where = open_service(config, environ, resume=False, role="schtum chat")
    service.confirm_stop = not jsonl  # a person is asked before losing answers; a script not
    try:
        who = service.who(subject)
        flow_id = flow_id or service.dilemma_flow(who)
        load_flow(flow_id)
        renderer.show(Reply(where))
        due = _followups_due(service, who)
        if due:
            renderer.show(Reply(due))
        finished = terminal.run_chat(service, who, flow_id, renderer, sys.stdin,
                                     extra=lambda line: _reflections_word(service, who, line),
                                     ask_again=sys.stdin.isatty)
        if not finished:
            service.drop(who)
            renderer.show(Reply(terminal.LEFT, done=True))
        return 0
    finally:
        if service.store:
            service.store.close()


def _reflections_word(service: Service, who: str, line: str) -> list[Reply] | None:
    """Typing `reflections` (or `reflections 2`) mid-chat lists (or opens) saved ones."""
    from bot.terminal import ascii_number
    from storage.text import normalise

    words = normalise(line).lstrip("/").split()  # "reflections ²" reads as 2, as choices do
    if words and words[0].casefold() == "followups" and len(words) == 1:
        from bot.later_command import followups

        return [Reply(followups(service, who, []).replace(
            "schtum followups", "run schtum followups"), kind="info", private=True)]
    if not words or words[0].casefold() != "reflections" or len(words) > 2:
        return None
    number = ascii_number(words[1]) if len(words) == 2 else None
    if len(words) == 2 and number is None:
        return [Reply("Type reflections, or reflections and a number from the list.",
                      kind="error")]
    try:
        texts = reflections_text(service, who, number)
    except LookupError as missing:
        return [Reply(str(missing), kind="error")]
    return [Reply(text, kind="info", private=True) for text in texts]


def _followups_due(service: Service, who: str) -> str | None:
    """"2 follow-ups are due: …; type followups to see them" (no scheduler in the terminal)."""
    from bot import followups

    if service.store is None:
        return None
    items = service.store.followups.open_items(who)
    return followups.opening_line(items, service.today().date())


IN_CHAT, ON_COMMAND_LINE = "type reflections N", "run schtum reflections N"


def reflections_text(service: Service, who: str, number: int | None,
                     how: str = IN_CHAT) -> list[str]:
    """The practitioner's own saved reflections: a numbered list, or one in full.

    `how` names the way to open one where the list is shown (inside `schtum chat`, or
    at the shell). Raises LookupError with one sentence for a number not in the list."""
    assert service.store is not None
    items = service.store.list_reflections(who)
    if number is not None and not 1 <= number <= len(items):
        have = f"you have {len(items)}" if items else "you have none yet"
        raise LookupError(f"There is no reflection {number}; {have}.")
    if not items:
        return ["You have no saved reflections yet."]
    if number is None:
        lines = [f"{n}. {item.created_at[:16].replace('T', ' ')} · {item.title}"
                 for n, item in enumerate(items, 1)]
        return ["Your saved reflections (newest first):\n" + "\n".join(lines)
                + f"\nTo open one, {how}."]
    return [service.store.read_reflection(who, items[number - 1].id)]


def reflections(config: Config, environ: dict[str, str], subject: str,
                number: int | None) -> int:
    """`schtum reflections [N]`; a number not in the list exits 1."""
    from bot.wiring import open_service

    service, _ = open_service(config, environ, resume=False,
                              role="schtum reflections")
    try:
        try:
            texts = reflections_text(service, service.who(subject), number, ON_COMMAND_LINE)
        except LookupError as missing:
            print(f"schtum: {missing}", file=sys.stderr)
            return 1
        for text in texts:
            print(text)
        return 0
    finally:
        if service.store:
            service.store.close()


def records(config: Config, environ: dict[str, str], subject: str,
            action: Callable[[Service, str], str], role: str) -> int:
    """`schtum reflections delete`, `forget`, `export`, `pack`, `log`: see records_command."""
    from bot.wiring import open_service

    service, _ = open_service(config, environ, resume=False, role=role)
    try:
        said = action(service, service.who(subject))
        if said:
            print(said)
        return 0
    finally:
        if service.store:
            service.store.close()


def flow_check(paths: list[Path]) -> int:
    """`schtum flow check`: every problem of every flow, then exit 1 if any."""
    failed = 0
    targets: list[tuple[str, Path | None]] = (
        [(str(p), p) for p in paths] if paths else [(i, None) for i in shipped_ids()])
    for name, path in targets:
        try:
            flow = load_path(path) if path else load_flow(name)
        except FlowError as problem:
            failed += 1
            print(f"✗ {name}: {problem}")
            for item in problem.problems:
                print(f"    {item}")
            continue
        print(f"✓ {name}: {flow.title} (version {flow.version}, {len(flow.states)} states)")
    return 1 if failed else 0


def flow_list() -> int:
    """`schtum flow list`: every flow a practitioner can run, with its title."""
    flows = [load_flow(flow_id) for flow_id in shipped_ids()]
    width = max(len(flow.id) for flow in flows)
    for flow in flows:
        print(f"{flow.id:<{width}}  {flow.title}")
    return 0


def flow_draw(flow_id: str) -> int:
    """`schtum flow draw ID`: the Mermaid diagram on stdout."""
    print(mermaid(load_flow(flow_id)))
    return 0


def anonymise(jsonl: bool) -> int:
    """`schtum anonymise [--jsonl]`."""
    from bot.anonymise_command import run

    return run(jsonl, sys.stdin, sys.stdout)


def keygen(config: Config, path: Path | None) -> int:
    """`schtum keygen`: a new master key file, owner-only; refuses to overwrite."""
    from storage.keys import generate_key_file

    target = path or config.key_file
    generate_key_file(target)
    print(f"Wrote a new master key to {target} (mode 0600). Keep it outside the database "
          "and its backups.")
    return 0


def rotate_key(config: Config, environ: dict[str, str]) -> int:
    """`schtum rotate-key`: see bot/rotation_command.py."""
    from bot.rotation_command import rotate

    return rotate(config, environ)


def backup(config: Config, environ: dict[str, str], dest: Path) -> int:
    """`schtum backup DEST`: see bot/backup_command.py."""
    from bot.backup_command import backup_command

    return backup_command(config, environ, dest)


def restore(config: Config, environ: dict[str, str], source: Path) -> int:
    """`schtum restore SRC`: see bot/backup_command.py."""
    from bot.backup_command import restore_command

    return restore_command(config, environ, source)


def doctor(config: Config, environ: dict[str, str], quick: bool) -> int:
    """`schtum doctor`: see bot/doctor.py."""
    from bot.doctor import report

    return report(config, environ, quick=quick)


def run_bot(config: Config, environ: dict[str, str]) -> int:
    """`schtum run`: the Telegram bot.

    The start line is logged once the token is known to be well formed, so a bot that
    cannot start prints only the one sentence saying why.
    """
    from bot.operations import install_reload, log_start
    from bot.wiring import configure_logging

    configure_logging(config)
    try:
        from bot.telegram.app import bot_token, run
        from bot.telegram.errors import SetupError
    except ImportError:
        raise StorageError("The Telegram channel is not installed in this build.") from None
    try:
        bot_token(config, environ)
    except SetupError:
        return run(config, environ)  # it prints the sentence and returns 1
    log_start(config)
    install_reload(config)
    return run(config, environ)

