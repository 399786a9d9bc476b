"""Runs every tool on every data set and prints one table; `run` calls it
after setting up the environment and building the binaries.

Each tool runs as a fresh child process under GNU time, which reports its
wall time and peak resident memory, several times (--runs); the table shows
the median time and the largest memory.
"""

import argparse
import datetime
import json
import os
import platform
import re
import statistics
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from evaluate import evaluate

HERE = Path(__file__).resolve().parent
PY = sys.executable
SEED = 7
GNU_TIME = "/usr/bin/time"


@dataclass
class Dataset:
    name: str
    inputs: list
    truth: Path
    records: int


@dataclass
class Row:
    dataset: str
    tool: str
    records: int
    pairs: str
    precision: str
    recall: str
    f1: str
    seconds: str
    rss_mb: str


def size_of(text: str) -> int:
    m = re.fullmatch(r"(\d+)([km]?)", text.strip().lower())
    if m is None:
        raise SystemExit(f"--sizes: not a size: {text!r} (e.g. 100k, 1m)")
    return int(m.group(1)) * {"": 1, "k": 1_000, "m": 1_000_000}[m.group(2)]


def measure(cmd: list, log: Path) -> tuple:
    """Runs cmd with output to log; returns (exit code, seconds, peak RSS MB).

    GNU time starts the tool: a child forked from this interpreter would
    count the interpreter's own pages until it execs, and GNU time is small.
    """
    stats = log.with_suffix(".time")
    with open(log, "w") as out:
        out.write("$ " + " ".join(map(str, cmd)) + "\n")
        out.flush()
        done = subprocess.run(
            [GNU_TIME, "-f", "%e %M", "-o", stats, *cmd], stdout=out, stderr=subprocess.STDOUT
        )
    seconds, kb = stats.read_text().split()[-2:]
    return done.returncode, float(seconds), int(kb) / 1024


def run_quiet(cmd: list, log: Path) -> str:
    with open(log, "w") as out:
        out.write("$ " + " ".join(map(str, cmd)) + "\n")
        out.flush()
        done = subprocess.run(cmd, stdout=out, stderr=subprocess.STDOUT)
    text = log.read_text()
    if done.returncode != 0:
        raise RuntimeError(f"failed, see {log}")
    return text


def pairs_from(text: str, pattern: str) -> str:
    found = re.findall(pattern, text)
    return f"{int(found[-1]):,}" if found else "?"


def prepare(args) -> list:
    data = Path(args.data)
    data.mkdir(parents=True, exist_ok=True)
    sets = []
    if not args.skip_febrl:
        febrl = data / "febrl"
        if not (febrl / "febrl4" / "truth.csv").exists():
            run_quiet([PY, HERE / "febrl.py", "--out", febrl], data / "febrl.log")
        sets.append(Dataset("FEBRL3", [febrl / "febrl3" / "people.csv"], febrl / "febrl3" / "truth.csv", 5000))
        sets.append(
            Dataset(
                "FEBRL4",
                [febrl / "febrl4" / "a.csv", febrl / "febrl4" / "b.csv"],
                febrl / "febrl4" / "truth.csv",
                10000,
            )
        )
    for label in args.sizes:
        n = size_of(label)
        d = data / f"people-{label}-seed{SEED}"
        if not (d / "truth.csv").exists():
            run_quiet(
                [args.people, "--records", str(n), "--seed", str(SEED), "--out", d],
                data / f"people-{label}.log",
            )
        sets.append(Dataset(f"synthetic {label}", [d / "people.csv"], d / "truth.csv", n))
    return sets


def tools_for(ds: Dataset, args) -> list:
    """(tool label, command writing pairs to OUT, how to count pairs)."""
    inputs = [a for p in ds.inputs for a in ("--input", str(p))]
    tools = [
        (
            "clearstone",
            [args.clearstone, "link", "--settings", HERE / "person.toml", *inputs, "--out", "OUT"],
            ("stderr", r"(\d+) pairs to compare"),
        )
    ]
    if not args.skip_splink:
        splink = [PY, HERE / "splink_run.py", *inputs]
        tools.append(("Splink 5", [*splink, "--out", "OUT"], ("count", splink)))
        if ds.name == "synthetic 100k":
            tools.append(
                (
                    "Splink 5, address fields",
                    [*splink, "--variant", "address", "--out", "OUT"],
                    ("count", splink),
                )
            )
    if ds.name.startswith("FEBRL"):
        tools.append(
            (
                "recordlinkage",
                [PY, HERE / "recordlinkage_run.py", *inputs, "--out", "OUT"],
                ("stderr", r"pairs compared: (\d+)"),
            )
        )
    return tools


def secs(s: float) -> str:
    return f"{s:.2f}" if s < 10 else f"{s:.1f}"


def markdown(rows: list) -> str:
    head = ["dataset", "tool", "records", "pairs compared", "precision", "recall", "F1", "seconds", "peak RSS MB"]
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join(["---"] * 2 + ["---:"] * 7) + "|"]
    for r in rows:
        cells = [r.dataset, r.tool, f"{r.records:,}", r.pairs, r.precision, r.recall, r.f1, r.seconds, r.rss_mb]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clearstone", required=True)
    ap.add_argument("--people", required=True)
    ap.add_argument("--data", required=True)
    ap.add_argument("--sizes", default="100k,1m,3m")
    ap.add_argument("--skip-splink", action="store_true")
    ap.add_argument("--skip-febrl", action="store_true")
    ap.add_argument("--runs", type=int, default=3, help="runs of each tool; the median time is shown")
    ap.add_argument("--save", help="also write the table, with date and machine, to this file")
    ap.add_argument("--command", default="", help="the command line to name in the saved file")
    ap.add_argument("--commit", default="", help="the source the binaries were built from")
    args = ap.parse_args()
    args.sizes = [s for s in args.sizes.split(",") if s]
    if not os.access(GNU_TIME, os.X_OK):
        raise SystemExit(f"{GNU_TIME} not found: install GNU time (Debian package `time`)")

    sets = prepare(args)
    runs = Path(args.data) / "runs"
    runs.mkdir(exist_ok=True)
    rows = []
    for ds in sets:
        for tool, cmd, counting in tools_for(ds, args):
            slug = re.sub(r"[^a-z0-9]+", "-", f"{ds.name} {tool}".lower()).strip("-")
            out = runs / f"{slug}.pairs.csv"
            log = runs / f"{slug}.log"
            cmd = [out if c == "OUT" else c for c in cmd]
            print(f"{ds.name}: {tool} ...", file=sys.stderr, flush=True)
            # The median of several runs, so that one slow or fast run on a
            # shared machine does not decide the figure; peak memory is the
            # largest any run took.
            measured = [measure(cmd, log) for _ in range(args.runs)]
            code = next((c for c, _, _ in measured if c != 0), 0)
            seconds = statistics.median(s for _, s, _ in measured)
            rss = max(r for _, _, r in measured)
            if code != 0:
                print(f"  failed ({code}), see {log}", file=sys.stderr)
                rows.append(Row(ds.name, tool, ds.records, "failed", "", "", "", secs(seconds), f"{rss:.0f}"))
                continue
            how, what = counting
            if how == "stderr":
                pairs = pairs_from(log.read_text(), what)
            else:
                text = run_quiet([*what, "--count"], runs / f"{slug}.count.log")
                pairs = pairs_from(text, r"pairs compared: (\d+)")
            m = evaluate(str(out), str(ds.truth), 0.5)
            row = Row(
                ds.name,
                tool,
                ds.records,
                pairs,
                f"{m['precision']:.4f}",
                f"{m['recall']:.4f}",
                f"{m['f1']:.4f}",
                secs(seconds),
                f"{rss:.0f}",
            )
            rows.append(row)
            times = [round(s, 2) for _, s, _ in measured]
            print("  " + json.dumps({**m, "seconds": times, "rss_mb": round(rss)}), file=sys.stderr)
    table = markdown(rows)
    print(table)
    if args.save:
        when = datetime.datetime.now().strftime("%Y-%m-%d %H:%M")
        cpus = os.cpu_count()
        mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
        Path(args.save).write_text(
            f"# Entity-resolution benchmark results\n\n"
            f"Measured {when} on {platform.system()} {platform.machine()}, {cpus} cores, "
            f"{mem:.0f} GiB memory, Python {platform.python_version()}, "
            f"clearstone built from {args.commit or 'an unknown commit'}.\n\n"
            f"Command: `{args.command}`\n\n"
            f"Seconds are the median of {args.runs} runs of each tool, peak RSS the largest.\n\n"
            f"{table}\n"
        )


if __name__ == "__main__":
    main()
