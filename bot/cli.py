"""The `schtum` command line: wiring only; the work lives in flows/, storage/ and bot/."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from bot import commands
from bot.config import load_config
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
    refl.add_argument("number", nargs="?", type=int, help="show this one (from the list)")
    flow = sub.add_parser("flow", help="check or draw flows")
    flow_sub = flow.add_subparsers(dest="flow_command", required=True, metavar="ACTION")
    check = flow_sub.add_parser("check", help="validate flows (default: the shipped ones)")
    check.add_argument("paths", nargs="*", type=Path)
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


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    environ = dict(os.environ)
    try:
        if args.command == "anonymise":
            return commands.anonymise(args.jsonl)
        if args.command == "flow":
            if args.flow_command == "check":
                return commands.flow_check(args.paths)
            return commands.flow_draw(args.flow_id)
        config = load_config(args.config, environ)
        if args.command in ("chat", "run", "reflections"):
            harden()  # these hold plaintext in memory: no core dumps
        if args.command == "chat":
            subject = f"terminal:{getpass.getuser()}"
            return commands.chat(config, environ, subject, args.flow, args.jsonl)
        if args.command == "reflections":
            return commands.reflections(config, environ, f"terminal:{getpass.getuser()}",
                                        args.number)
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
