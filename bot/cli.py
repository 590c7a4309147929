"""The `schtum` command line: wiring only; the work lives in flows/, storage/ and bot/."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

from bot import commands
from bot.config import Config, load_config
from bot.errors import ConfigError
from bot.process import harden
from bot.version import schtum_version
from flows.errors import FlowError
from storage.errors import StorageError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="schtum",
        description="A confidential reflection companion for confidentiality dilemmas. "
                    "It structures reflection; it is not legal or clinical advice.")
    parser.add_argument("--version", action="version",
                        version=f"schtum {schtum_version()}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def with_config(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
        p.add_argument("--config", type=Path, help="config file (default: embedded default)")
        return p

    chat = with_config(sub.add_parser("chat", help="the conversation in the terminal"))
    chat.add_argument("--flow", help="flow id (default: the breach flow for your jurisdiction)")
    chat.add_argument("--jsonl", action="store_true", help="JSON lines in and out, for scripts")
    with_config(sub.add_parser("run", help="the Telegram bot"))
    anon = sub.add_parser("anonymise", help="stdin to redacted text")
    anon.add_argument("--jsonl", action="store_true", help='{"text": …} per line in and out')
    refl = with_config(sub.add_parser("reflections", help="list or show your saved reflections"))
    refl.add_argument("words", nargs="*", metavar="N | delete N | outcome N",
                      help="show reflection N (from the list), delete it (confirmed), or add "
                           "an outcome to it (text on stdin)")
    refl.add_argument("--yes", action="store_true", help="delete without asking")
    records_parsers(sub, with_config)
    flow = sub.add_parser("flow", help="check or draw flows")
    flow_sub = flow.add_subparsers(dest="flow_command", required=True, metavar="ACTION")
    check = flow_sub.add_parser("check", help="validate flows (default: the shipped ones)")
    check.add_argument("paths", nargs="*", type=Path)
    flow_sub.add_parser("list", help="every flow id with its title")
    draw = flow_sub.add_parser("draw", help="print a Mermaid diagram of a flow")
    draw.add_argument("flow_id")
    keygen = with_config(sub.add_parser("keygen", help="create a master key file"))
    keygen.add_argument("--path", type=Path, help="where to write it (default: from config)")
    with_config(sub.add_parser("rotate-key", help="re-wrap data keys under a new master key"))
    backup = with_config(sub.add_parser(
        "backup", help="a consistent copy of the database, without the key, even while running"))
    backup.add_argument("dest", type=Path, help="a new file, or a folder to put it in")
    restore = with_config(sub.add_parser(
        "restore", help="copy a backup into an empty data folder (it must open with the key)"))
    restore.add_argument("source", type=Path, help="the backup file")
    doctor = with_config(sub.add_parser("doctor", help="health checks, one line each"))
    doctor.add_argument("--quick", action="store_true",
                        help="skip the integrity check and the Bot API call (health checks)")
    return parser


def records_parsers(sub: argparse._SubParsersAction,  # noqa: SLF001 - argparse's type
                    with_config: Callable[[argparse.ArgumentParser], argparse.ArgumentParser]
                    ) -> None:
    """forget, export, pack and log: the practitioner's records (bot/records_command.py)."""
    forget = with_config(sub.add_parser("forget", help="erase everything Schtum holds about you"))
    forget.add_argument("--yes", action="store_true", help="erase without asking")
    export = with_config(sub.add_parser("export", help="all your reflections as a document"))
    export.add_argument("-o", "--output", type=Path, help="write here (mode 0600)")
    export.add_argument("--format", choices=("pdf", "md"),
                        help="pdf or md (default: pdf for a .pdf file, else md)")
    export.add_argument("--cpd", action="store_true", help="your CPD log instead")
    followups = with_config(sub.add_parser("followups", help="follow-ups that are due"))
    followups.add_argument("words", nargs="*", metavar="done N | outcome N",
                           help="close follow-up N, or record its outcome (text on stdin)")
    followups.add_argument("--yes", action="store_true", help="keep a piped outcome as shown")
    pack = with_config(sub.add_parser("pack", help="a PDF pack for your next supervision"))
    pack.add_argument("-o", "--output", type=Path, help="write here (mode 0600)")
    pack.add_argument("--since", type=date.fromisoformat, help="from this date (YYYY-MM-DD)")
    pack.add_argument("--until", type=date.fromisoformat, help="before this date")
    log = with_config(sub.add_parser("log", help="the supervision log against BACP's minimum"))
    log_sub = log.add_subparsers(dest="log_command", required=True, metavar="ACTION")
    add = with_config(log_sub.add_parser("add", help="record a session: DATE MINUTES"))
    add.add_argument("date", help="YYYY-MM-DD, today or yesterday")
    add.add_argument("minutes", help="how long the session was")
    add.add_argument("--group", type=int, default=1, help="the number in the group")
    with_config(log_sub.add_parser("show", help="monthly totals against 1.5 hours"))


def records(args: argparse.Namespace, config: Config, environ: dict[str, str],
            subject: str) -> int | None:
    """Run a records subcommand, or None if `args` is not one."""
    from bot import later_command as later
    from bot import records_command as rc

    if args.command == "reflections" and args.words[:1] == ["delete"]:
        if len(args.words) != 2 or not args.words[1].isdecimal():
            raise ConfigError("Say which reflection to delete: schtum reflections delete N.")
        number = int(args.words[1])
        action = lambda s, w: rc.delete(s, w, number, args.yes)  # noqa: E731
    elif args.command == "forget":
        action = lambda s, w: rc.forget(s, w, args.yes)  # noqa: E731
    elif args.command == "reflections" and args.words[:1] == ["outcome"]:
        number = _number(args.words, "schtum reflections outcome N")
        action = lambda s, w: later.reflection_outcome(s, w, number, args.yes)  # noqa: E731
    elif args.command == "followups":
        action = lambda s, w: later.followups(s, w, args.words, args.yes)  # noqa: E731
    elif args.command == "export" and args.cpd:
        action = lambda s, w: later.export_cpd(s, w, args.output, args.format)  # noqa: E731
    elif args.command == "export":
        action = lambda s, w: rc.export(s, w, args.output, args.format)  # noqa: E731
    elif args.command == "pack":
        action = lambda s, w: rc.pack(s, w, args.output, args.since, args.until)  # noqa: E731
    elif args.command == "log" and args.log_command == "add":
        words = [args.date, args.minutes] + (["group", str(args.group)] if args.group > 1
                                             else [])
        action = lambda s, w: rc.log_add(s, w, words)  # noqa: E731
    elif args.command == "log":
        action = rc.log_show
    else:
        return None
    return commands.records(config, environ, subject, action, f"schtum {args.command}")


def _number(words: list[str], usage: str) -> int:
    if len(words) != 2 or not words[1].isdecimal():
        raise ConfigError(f"Say which one: {usage}.")
    return int(words[1])


def reflection_number(words: list[str]) -> int | None:
    if not words:
        return None
    if len(words) != 1 or not words[0].isdecimal():
        raise ConfigError("Use schtum reflections N to open one, or schtum reflections "
                          "delete N to delete it.")
    return int(words[0])


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    environ = dict(os.environ)
    try:
        if args.command == "anonymise":
            return commands.anonymise(args.jsonl)
        if args.command == "flow":
            if args.flow_command == "check":
                return commands.flow_check(args.paths)
            if args.flow_command == "list":
                return commands.flow_list()
            return commands.flow_draw(args.flow_id)
        config = load_config(args.config, environ)
        if args.command in ("chat", "run", "reflections", "export", "pack", "followups", "log"):
            harden()  # these hold plaintext in memory: no core dumps
        if args.command == "chat":
            subject = f"terminal:{getpass.getuser()}"
            return commands.chat(config, environ, subject, args.flow, args.jsonl)
        done = records(args, config, environ, f"terminal:{getpass.getuser()}")
        if done is not None:
            return done
        if args.command == "reflections":
            return commands.reflections(config, environ, f"terminal:{getpass.getuser()}",
                                        reflection_number(args.words))
        if args.command == "keygen":
            return commands.keygen(config, args.path)
        if args.command == "rotate-key":
            return commands.rotate_key(config, environ)
        if args.command == "run":
            return commands.run_bot(config, environ)
        if args.command == "backup":
            return commands.backup(config, environ, args.dest)
        if args.command == "restore":
            return commands.restore(config, environ, args.source)
        if args.command == "doctor":
            return commands.doctor(config, environ, args.quick)
    except (ConfigError, FlowError, StorageError) as problem:
        print(f"schtum: {problem}", file=sys.stderr)
        return 2 if isinstance(problem, ConfigError) else 1
    except KeyboardInterrupt:
        print("\nStopped. Nothing was stored.", file=sys.stderr)
        return 130
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
