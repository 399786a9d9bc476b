"""Pairwise precision, recall and F1 of a pairs file against ground truth.

    evaluate.py --pairs pairs.csv --truth truth.csv [--threshold 0.5]

pairs.csv: left_id,right_id,...,match_probability (pairs in either order,
repeats counted once). truth.csv: rec_id,person_id and, for a linkage of two
files, source: then only pairs across the files are true, and a predicted
pair within one file is a false positive. Prints one JSON object.
"""

import argparse
import json

import numpy as np
import pandas as pd


def evaluate(pairs_path: str, truth_path: str, threshold: float) -> dict:
    truth = pd.read_csv(truth_path, dtype=str, keep_default_na=False)
    if truth["rec_id"].duplicated().any():
        raise SystemExit(f"{truth_path}: a rec_id appears twice")
    ids = pd.Index(truth["rec_id"])
    person = pd.factorize(truth["person_id"])[0]
    link = "source" in truth.columns
    source = pd.factorize(truth["source"])[0] if link else np.zeros(len(truth), dtype=np.int64)

    # True pairs: within a person, and across the two files for a linkage.
    counts = pd.crosstab(person, source).to_numpy(dtype=np.int64)
    if link:
        true_pairs = int((counts[:, 0] * counts[:, 1]).sum()) if counts.shape[1] == 2 else 0
    else:
        n = counts.sum(axis=1)
        true_pairs = int((n * (n - 1) // 2).sum())

    pairs = pd.read_csv(
        pairs_path,
        usecols=["left_id", "right_id", "match_probability"],
        dtype={"left_id": str, "right_id": str},
        keep_default_na=False,
    )
    pairs = pairs[pairs["match_probability"].astype(float) >= threshold]
    left = ids.get_indexer(pairs["left_id"])
    right = ids.get_indexer(pairs["right_id"])
    unknown = (left < 0) | (right < 0)
    if unknown.any():
        first = pairs[unknown].iloc[0]
        raise SystemExit(
            f"{pairs_path}: {int(unknown.sum())} pairs name ids not in the truth, "
            f"e.g. {first['left_id']!r}, {first['right_id']!r}"
        )
    lo = np.minimum(left, right).astype(np.int64)
    hi = np.maximum(left, right).astype(np.int64)
    keep = lo != hi
    key = np.unique(lo[keep] * len(ids) + hi[keep])
    lo, hi = key // len(ids), key % len(ids)
    hit = person[lo] == person[hi]
    if link:
        hit &= source[lo] != source[hi]
    tp = int(hit.sum())
    predicted = len(key)
    precision = tp / predicted if predicted else 0.0
    recall = tp / true_pairs if true_pairs else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "predicted": predicted,
        "true": true_pairs,
        "tp": tp,
        "precision": precision,
        "recall": recall,
        "f1": f1,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pairs", required=True)
    ap.add_argument("--truth", required=True)
    ap.add_argument("--threshold", type=float, default=0.5)
    args = ap.parse_args()
    print(json.dumps(evaluate(args.pairs, args.truth, args.threshold)))


if __name__ == "__main__":
    main()
