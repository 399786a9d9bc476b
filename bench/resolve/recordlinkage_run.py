"""recordlinkage on a FEBRL-shaped file (deduplication) or two (linkage),
as its documentation does it: blocking passes, thresholded comparisons,
and the unsupervised ECM classifier (no labels, like the other tools).

    recordlinkage_run.py --input A.csv [--input B.csv] --out pairs.csv

Writes left_id,right_id,match_weight,match_probability for pairs at
probability >= 0.5 (match_weight is left empty: ECM gives none) and
prints `pairs compared: N`.
"""

import argparse
import sys

import pandas as pd
import recordlinkage as rl


def read(path: str) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, index_col="rec_id")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--input", action="append", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--threshold", type=float, default=0.5)
    args = ap.parse_args()
    if len(args.input) not in (1, 2):
        sys.exit("give one --input to deduplicate or two to link")
    frames = [read(p) for p in args.input]

    # Each pass finds the pairs another misses: a record with a mistyped
    # name still agrees on its date of birth, postcode or number.
    indexer = rl.Index()
    indexer.block("given_name")
    indexer.block("surname")
    indexer.sortedneighbourhood("date_of_birth", window=3)
    indexer.block("postcode")
    indexer.block("soc_sec_id")
    candidates = indexer.index(*frames)

    compare = rl.Compare(n_jobs=1)
    compare.string("given_name", "given_name", method="jarowinkler", threshold=0.85)
    compare.string("surname", "surname", method="jarowinkler", threshold=0.85)
    compare.exact("date_of_birth", "date_of_birth")
    compare.exact("soc_sec_id", "soc_sec_id")
    compare.string("address_1", "address_1", method="jarowinkler", threshold=0.85)
    compare.exact("suburb", "suburb")
    compare.exact("postcode", "postcode")
    left, right = frames[0], frames[-1]
    features = compare.compute(candidates, left, right)

    ecm = rl.ECMClassifier(binarize=None)
    ecm.fit(features)
    prob = ecm.prob(features)
    kept = prob[prob >= args.threshold]
    out = pd.DataFrame(
        {
            "left_id": kept.index.get_level_values(0),
            "right_id": kept.index.get_level_values(1),
            "match_weight": "",
            "match_probability": kept.to_numpy(),
        }
    )
    out.to_csv(args.out, index=False)
    print(f"pairs compared: {len(candidates)}")


if __name__ == "__main__":
    main()
