"""Soak: many practitioners talking to the real `schtum run`, which is SIGKILLed now and then.

Run: python benchmarks/soak.py [--practitioners 20] [--seconds 120] [--seed 1] [--json]

What runs: the fake Telegram Bot API in its own process (benchmarks/soak_fake.py, over
tests/fake_bot_api) on 127.0.0.1; the real `schtum run` as a subprocess configured only
through environment variables (token, base URL, data folder, a key file made by
`schtum keygen --path`), its stdout and stderr captured to files; N simulated
practitioners (benchmarks/soak_people.py) running whole conversations through the fake.
At random moments the bot is SIGKILLed, reaped (waitpid), and started again; it must carry
on from its encrypted snapshots. When the time is up the bot is killed once more, then:

  * every byte of every file in the work folder (the data folder's db, -wal, -shm and lock
    files, the key file, the bot's captured stdout and stderr, its TMPDIR) is scanned for
    every canary the practitioners typed and every Telegram user id, in UTF-8 and
    UTF-16-LE: there must be none;
  * the database is opened with the real key (storage.store.Store) and each practitioner's
    reflections are decrypted and matched one to one against the saves the bot
    acknowledged ("Saved, encrypted…", bot/wording.py SAVED), by the canaries the summary
    showed: every acknowledged save must be there. Saves found that were never
    acknowledged (killed between the commit and the reply) are reported; they are fine.

Prints a short table (or one JSON object with --json). Exit status: 0 when every
acknowledged save is found and nothing leaked, 1 when not, 2 when the soak could not run.
Decisions (who says what, when the bot is killed) follow --seed; timings do not repeat
exactly, so neither do the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.soak_fake import SoakFake  # noqa: E402
from benchmarks.soak_people import CANARY_LETTERS, CANARY_PREFIX, Practitioner, Shared  # noqa: E402

TOKEN = "123456:SOAK-token-abcdef"
FIRST_USER = 7_301_000_000
POLL_SECONDS = 0.01
STOP_TIMEOUT = 15.0
MAX_FAILED_STARTS = 5


# -- the bot process ----------------------------------------------------------------------

@dataclass
class BotProcess:
    """`schtum run` as a subprocess; each start is a new generation with its own logs."""

    environ: dict[str, str]
    logs: Path
    process: subprocess.Popen[bytes] | None = None
    generation: int = 0
    files: list[Any] = field(default_factory=list)
    exits: list[dict[str, Any]] = field(default_factory=list)

    def start(self) -> None:
        self.generation += 1
        name = f"bot-{self.generation:03d}"
        out = (self.logs / f"{name}.stdout").open("wb")
        err = (self.logs / f"{name}.stderr").open("wb")
        self.files = [out, err]
        self.process = subprocess.Popen([sys.executable, "-m", "bot.cli", "run"], cwd=ROOT,
                                        env=self.environ, stdin=subprocess.DEVNULL,
                                        stdout=out, stderr=err)

    def _reap(self) -> int | None:
        """Wait for the process to be gone (so its store lock is released) and close logs."""
        code = None
        if self.process is not None:
            try:
                code = self.process.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.process.kill()
                code = self.process.wait()
        for handle in self.files:
            handle.close()
        self.files, self.process = [], None
        return code

    def kill(self) -> None:
        """SIGKILL, then waitpid: nothing of it is left when this returns."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
        self._reap()

    def terminate(self) -> int | None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        return self._reap()

    def exited(self) -> int | None:
        """The exit status if the process ended on its own, else None."""
        return None if self.process is None else self.process.poll()

    def stderr_tail(self, lines: int = 5) -> list[str]:
        path = self.logs / f"bot-{self.generation:03d}.stderr"
        try:
            return path.read_text(errors="replace").splitlines()[-lines:]
        except OSError:
            return []


def clean_environ(workdir: Path) -> dict[str, str]:
    """The caller's environment without any SCHTUM_ setting, and no real data folder."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("SCHTUM_")}
    environ["XDG_DATA_HOME"] = str(workdir / "xdg")
    environ["TMPDIR"] = str(workdir / "tmp")  # any temporary file lands where it is scanned
    environ["PYTHONUNBUFFERED"] = "1"
    return environ


def make_key(environ: dict[str, str], key_file: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "bot.cli", "keygen", "--path", str(key_file)],
                            cwd=ROOT, env=environ, capture_output=True, text=True, timeout=60,
                            check=False)
    if result.returncode != 0:
        raise SoakError(f"schtum keygen failed: {result.stderr.strip()}")


class SoakError(Exception):
    """The soak could not run (not a finding about the bot)."""


# -- the run --------------------------------------------------------------------------------

@dataclass
class Run:
    shared: Shared
    bot: BotProcess
    fake: SoakFake
    unexpected_exits: list[dict[str, Any]] = field(default_factory=list)


async def poll(run: Run, people: dict[int, Practitioner]) -> None:
    """Hand every bot message to its practitioner; restart a bot that died by itself."""
    failed_starts = 0
    checked = 0.0
    while True:
        events = run.fake.events()
        for event in events:
            person = people.get(event["chat"])
            if person is not None:
                person.deliver(event)
        down, back = run.shared.down, run.shared.back
        while len(back) < len(down) and events and events[-1]["at"] > down[len(back)]:
            back.append(min(e["at"] for e in events if e["at"] > down[len(back)]))
            failed_starts = 0
        now = time.monotonic()
        if now - checked > 0.1 and not run.shared.stop:
            checked = now
            code = run.bot.exited()
            if code is not None:
                failed_starts += 1
                run.unexpected_exits.append({"generation": run.bot.generation, "code": code,
                                             "stderr": run.bot.stderr_tail()})
                run.bot.kill()
                run.shared.down.append(time.monotonic())
                if failed_starts > MAX_FAILED_STARTS:
                    raise SoakError("schtum run keeps exiting by itself: "
                                    + " | ".join(run.unexpected_exits[-1]["stderr"]))
                await asyncio.sleep(0.5)
                run.bot.start()
        await asyncio.sleep(POLL_SECONDS)


async def chaos(run: Run, rng: random.Random, every: tuple[float, float]) -> None:
    """SIGKILL the bot at random moments, reap it, start it again."""
    while True:
        await asyncio.sleep(rng.uniform(*every))
        if run.shared.over():
            return
        run.bot.kill()
        run.shared.down.append(time.monotonic())
        run.bot.start()


async def soak(run: Run, people: dict[int, Practitioner], seed: int,
               every: tuple[float, float]) -> None:
    poller = asyncio.create_task(poll(run, people))
    killer = asyncio.create_task(chaos(run, random.Random(seed * 7919 + 1), every))
    lives = [asyncio.create_task(p.life()) for p in people.values()]
    try:
        remaining = run.shared.deadline - time.monotonic()
        done, _ = await asyncio.wait([poller, *lives], timeout=max(remaining, 0),
                                     return_when=asyncio.FIRST_EXCEPTION)
        for task in done:
            if task.exception() is not None:
                raise task.exception()  # type: ignore[misc]
        run.shared.stop = True
        await asyncio.wait(lives, timeout=run.shared.reply_timeout + 1)
    finally:
        run.shared.stop = True
        for task in [poller, killer, *lives]:
            task.cancel()
        await asyncio.gather(poller, killer, *lives, return_exceptions=True)


# -- after the run ----------------------------------------------------------------------------

ENCODINGS = ("utf-8", "utf-16-le")
CANARY_PATTERNS = {
    "utf-8": re.compile(re.escape(CANARY_PREFIX.encode()) + rb"[a-z]{%d}" % CANARY_LETTERS),
    "utf-16-le": re.compile(re.escape(CANARY_PREFIX.encode("utf-16-le"))
                            + rb"(?:[a-z]\x00){%d}" % CANARY_LETTERS),
}


def find(blob: bytes, canaries: set[str], ids: list[int]) -> tuple[Counter[str], Counter[str]]:
    """Occurrences of typed canaries and of user ids in `blob`, by encoding.

    Canaries share a prefix, so one regular expression per encoding finds all of them in
    one pass (at any byte offset); what it finds is then checked against those typed.
    """
    hits: Counter[str] = Counter()
    id_hits: Counter[str] = Counter()
    for encoding, pattern in CANARY_PATTERNS.items():
        for found in pattern.finditer(blob):
            if found.group().decode(encoding) in canaries:
                hits[encoding] += 1
        for user_id in ids:
            count = blob.count(str(user_id).encode(encoding))
            if count:
                id_hits[encoding] += count
    return hits, id_hits


def scan(paths: list[Path], canaries: set[str], ids: list[int], root: Path) -> dict[str, Any]:
    """Every occurrence of every canary and user id in every byte of `paths`.

    First the scan is shown to work: a planted canary and id, once in each encoding at an
    odd offset, must each be found twice, or the soak stops (a scan that cannot fail
    proves nothing).
    """
    planted = min(canaries) if canaries else CANARY_PREFIX + "x" * CANARY_LETTERS
    probe = b"\x01" + b"|".join(str(v).encode(e) for v in (planted, ids[0]) for e in ENCODINGS)
    seen, seen_ids = find(probe, canaries | {planted}, ids[:1])
    if sum(seen.values()) != 2 or sum(seen_ids.values()) != 2:
        raise SoakError(f"the scan missed a planted canary or id ({seen}, {seen_ids})")
    where: Counter[str] = Counter()
    id_where: Counter[str] = Counter()
    total = 0
    files: list[str] = []
    for path in paths:
        if not path.is_file():
            continue
        blob = path.read_bytes()
        name = str(path.relative_to(root))
        files.append(name)
        total += len(blob)
        hits, id_hits = find(blob, canaries, ids)
        where.update({f"{name} ({enc})": n for enc, n in hits.items()})
        id_where.update({f"{name} ({enc})": n for enc, n in id_hits.items()})
    return {"files": len(files), "scanned": files, "bytes": total, "canaries": len(canaries),
            "self_test": "passed", "hits": sum(where.values()), "where": dict(where),
            "id_hits": sum(id_where.values()), "id_where": dict(id_where)}


def count_saves(db_path: Path, key_file: Path, acks: dict[int, list[dict[str, Any]]]
                ) -> dict[str, Any]:
    """Open the store with the real key; match each acknowledged save to a stored one.

    A save whose summary showed canaries must be matched by a reflection holding them all;
    one without (every answer a button) by any reflection of that practitioner left over.
    """
    from storage.keys import load_master_key
    from storage.store import Store

    found = matched = by_content = missing = 0
    missing_detail: list[dict[str, Any]] = []
    with Store.open(db_path, load_master_key(key_file, {})) as store:
        for user_id, acknowledged in acks.items():
            owner = store.pseudonym_of(f"telegram:{user_id}")
            bodies = [store.read_reflection(owner, info.id)
                      for info in store.list_reflections(owner)]
            found += len(bodies)
            unused = list(bodies)
            ordered = sorted(acknowledged, key=lambda a: -len(a["canaries"]))
            for ack in ordered:
                index = next((i for i, body in enumerate(unused)
                              if all(c in body for c in ack["canaries"])), None)
                if index is None:
                    missing += 1
                    missing_detail.append({"user": user_id, "flow": ack["flow"],
                                           "canaries": ack["canaries"]})
                    continue
                unused.pop(index)
                matched += 1
                by_content += bool(ack["canaries"])
    acknowledged_total = sum(len(a) for a in acks.values())
    return {"acknowledged": acknowledged_total, "found": found, "matched": matched,
            "matched_by_content": by_content, "missing": missing,
            "missing_detail": missing_detail[:10], "not_acknowledged": found - matched}


def percentile(values: list[float], share: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def bot_resumes(logs: Path) -> int:
    return sum(path.read_text(errors="replace").count("flow_resumed")
               for path in sorted(logs.glob("bot-*.stderr")))


# -- the whole soak ---------------------------------------------------------------------------

def run_soak(args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    data, keys, logs = workdir / "data", workdir / "keys", workdir / "logs"
    logs.mkdir(parents=True)
    (workdir / "tmp").mkdir()
    key_file = keys / "master.key"
    environ = clean_environ(workdir)
    make_key(environ, key_file)
    rng = random.Random(args.seed)
    ids = sorted(rng.sample(range(FIRST_USER, FIRST_USER + 10_000_000), args.practitioners))
    started = time.monotonic()
    fake = SoakFake(TOKEN)
    bot: BotProcess | None = None
    try:
        environ.update({"SCHTUM_TELEGRAM_TOKEN": TOKEN,
                        "SCHTUM_TELEGRAM_BASE_URL": fake.base_url,
                        "SCHTUM_STORAGE_DATA_DIR": str(data),
                        "SCHTUM_STORAGE_KEY_FILE": str(key_file)})
        bot = BotProcess(environ, logs)
        shared = Shared(fake.act, started + args.seconds, args.reply_timeout,
                        tuple(args.think), tuple(args.pause))
        people = {uid: Practitioner(uid, args.seed * 1_000_003 + uid, shared) for uid in ids}
        run = Run(shared, bot, fake)
        shared.down.append(time.monotonic())
        bot.start()
        asyncio.run(soak(run, people, args.seed, tuple(args.kill_every)))
        final_code = None
        if args.final == "term":
            final_code = bot.terminate()
        else:
            bot.kill()
        api = fake.stats()
    finally:
        if bot is not None:
            bot.kill()
        fake.close()
    elapsed = time.monotonic() - started
    files = sorted(p for p in workdir.rglob("*") if p.is_file())  # data, key, logs, tmp
    scanned = scan(files, shared.canaries, ids, workdir)
    saves = count_saves(data / "schtum.db", key_file, shared.acks)
    tally = shared.tally
    downs = [back - down for down, back in zip(shared.down[1:], shared.back[1:], strict=False)]
    ms = 1000.0
    figures: dict[str, Any] = {
        "practitioners": args.practitioners, "seconds": round(elapsed, 1), "seed": args.seed,
        "conversations_started": tally["conversations_started"],
        "conversations_completed": tally["conversations_saved"],
        "conversations_abandoned": tally["conversations_abandoned"],
        "conversations_unfinished_at_end": tally["conversations_unfinished"],
        "acknowledged_saves": saves["acknowledged"],
        "saves_found": saves["found"],
        "acknowledged_saves_found": saves["matched"],
        "acknowledged_saves_matched_by_content": saves["matched_by_content"],
        "acknowledged_saves_missing": saves["missing"],
        "missing_detail": saves["missing_detail"],
        "saves_found_not_acknowledged": saves["not_acknowledged"],
        "resumed_conversations": tally["resumed_conversations"],
        "resumes": tally["resumes"],
        "resumes_logged_by_bot": bot_resumes(logs),
        "restarted_conversations": tally["restarted_conversations"],
        "lost_conversations": dict(Counter(lost["why"] for lost in shared.lost)),
        "suspect_losses": [lost for lost in shared.lost if lost["why"] == "SUSPECT"][:10],
        "turns": tally["turns"],
        "turns_across_restart": tally["turns_across_restart"],
        "slowest_turns": [{"seconds": t[0], "step": t[1], "reply": t[2],
                           "seconds_after_restart": t[3]} for t in shared.slowest],
        "first_reply_ms": {"p50": _ms(percentile(shared.first_reply, 0.5), ms),
                           "p99": _ms(percentile(shared.first_reply, 0.99), ms)},
        "turn_latency_ms": {"p50": _ms(percentile(shared.awaited_reply, 0.5), ms),
                            "p99": _ms(percentile(shared.awaited_reply, 0.99), ms)},
        "save_to_saved_ms": {"p50": _ms(percentile(shared.save_reply, 0.5), ms),
                             "p99": _ms(percentile(shared.save_reply, 0.99), ms)},
        "kills": len(shared.down) - 1 - len(run.unexpected_exits),
        "unexpected_exits": run.unexpected_exits,
        "final_stop": args.final, "final_exit_code": final_code,
        "restart_to_first_reply_s": {
            "mean": round(sum(downs) / len(downs), 2) if downs else None,
            "max": round(max(downs), 2) if downs else None},
        "timeouts": tally["timeouts"], "nudges": tally["nudges"],
        "presses_refused": tally["presses_refused"],
        "something_went_wrong_shown": tally["something_went_wrong_shown"],
        "canary_scan": scanned,
        "api": {"requests": api["requests"], "4xx": api["errors"]},
        "workdir": str(workdir),
    }
    figures["passed"] = (saves["missing"] == 0 and scanned["hits"] == 0
                         and scanned["id_hits"] == 0)
    return figures


def _ms(value: float | None, scale: float) -> float | None:
    return None if value is None else round(value * scale, 1)


def table(f: dict[str, Any], out: TextIO) -> None:
    scan_ = f["canary_scan"]
    rows = [
        ("conversations started", f["conversations_started"], ""),
        ("conversations completed", f["conversations_completed"],
         f"{f['conversations_abandoned']} abandoned, "
         f"{f['conversations_unfinished_at_end']} unfinished at the end"),
        ("acknowledged saves", f["acknowledged_saves"], "the bot said Saved"),
        ("saves found after the run", f["acknowledged_saves_found"],
         f"of the acknowledged ones; {f['acknowledged_saves_matched_by_content']} matched by "
         f"content, {f['acknowledged_saves_missing']} missing"),
        ("saves found, not acknowledged", f["saves_found_not_acknowledged"],
         f"fine: {f['saves_found']} stored in all"),
        ("resumed conversations", f["resumed_conversations"],
         f"{f['resumes']} resumes; the bot logged {f['resumes_logged_by_bot']}"),
        ("lost, started again", sum(f["lost_conversations"].values()),
         "; ".join(f"{n} {why}" for why, n in sorted(f["lost_conversations"].items()))),
        ("turns", f["turns"], f"+ {f['turns_across_restart']} across a restart"),
        ("turn latency p50 / p99", f"{f['turn_latency_ms']['p50']} / "
         f"{f['turn_latency_ms']['p99']} ms",
         f"first reply {f['first_reply_ms']['p50']} / {f['first_reply_ms']['p99']} ms; "
         f"Save to Saved {f['save_to_saved_ms']['p50']} / {f['save_to_saved_ms']['p99']} ms"),
        ("kills", f["kills"], f"{len(f['unexpected_exits'])} unexpected exits; first reply "
         f"after a restart {f['restart_to_first_reply_s']['mean']} s mean, "
         f"{f['restart_to_first_reply_s']['max']} s max"),
        ("canary hits", scan_["hits"], f"{scan_['canaries']} canaries in {scan_['files']} "
         f"files, {scan_['bytes']:,} bytes, UTF-8 and UTF-16-LE; a planted one is found"),
        ("telegram ids in clear", scan_["id_hits"], ""),
        ("fake Bot API 4xx", sum(f["api"]["4xx"].values()), f"of {f['api']['requests']} "
         "requests"),
    ]
    print(f"Schtum soak: {f['practitioners']} practitioners, {f['seconds']} s, "
          f"seed {f['seed']}", file=out)
    for name, value, note in rows:
        print(f"  {name:30} {value!s:>14}  {note}", file=out)
    for error, count in sorted(f["api"]["4xx"].items()):
        print(f"      {count:5} x {error}", file=out)
    for exit_ in f["unexpected_exits"]:
        print(f"  unexpected exit of bot {exit_['generation']}: code {exit_['code']}: "
              + " | ".join(exit_["stderr"]), file=out)
    for suspect in f["suspect_losses"]:
        print(f"  SUSPECT loss (a snapshot should have brought it back): {suspect}", file=out)
    for missing in f["missing_detail"]:
        print(f"  MISSING acknowledged save: {missing}", file=out)
    for where, count in {**scan_["where"], **scan_["id_where"]}.items():
        print(f"  LEAK: {count} hit(s) in {where}", file=out)
    print(f"  {'result':30} {'PASS' if f['passed'] else 'FAIL':>14}", file=out, flush=True)


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--practitioners", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=120.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--kill-every", type=float, nargs=2, default=(4.0, 15.0),
                        metavar=("MIN", "MAX"), help="seconds between kills (uniform)")
    parser.add_argument("--think", type=float, nargs=2, default=(0.1, 1.0),
                        metavar=("MIN", "MAX"), help="seconds a practitioner takes to answer")
    parser.add_argument("--pause", type=float, nargs=2, default=(0.2, 2.0),
                        metavar=("MIN", "MAX"), help="seconds between conversations")
    parser.add_argument("--reply-timeout", type=float, default=6.0,
                        help="seconds a practitioner waits before repeating or nudging")
    parser.add_argument("--final", choices=("kill", "term"), default="kill",
                        help="how the bot is stopped at the end (kill leaves the -wal)")
    parser.add_argument("--workdir", type=Path,
                        help="an empty or missing folder to work in (kept afterwards)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--json", action="store_true", help="one JSON object, no table")
    args = parser.parse_args(argv)
    if args.practitioners < 1 or args.seconds <= 0:
        parser.error("--practitioners and --seconds must be positive")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # still reap the bot and fake
    if args.workdir is not None:
        workdir = args.workdir
        workdir.mkdir(parents=True, exist_ok=True)
        if any(workdir.iterdir()):
            print(f"soak: {workdir} is not empty", file=sys.stderr)
            return 2
    else:
        workdir = Path(tempfile.mkdtemp(prefix="schtum-soak-"))
    try:
        figures = run_soak(args, workdir)
    except SoakError as problem:
        print(f"soak: {problem} (files kept in {workdir})", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(figures))
    else:
        table(figures, sys.stdout)
    keep = args.keep or args.workdir is not None or not figures["passed"]
    if keep:
        print(f"soak: files kept in {workdir}", file=sys.stderr)
    else:
        with contextlib.suppress(OSError):
            shutil.rmtree(workdir)
    return 0 if figures["passed"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
