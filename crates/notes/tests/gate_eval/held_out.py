"""Writes a hand-written held-out set of the citation gate as JSON Lines:
one line per summary sentence, with its kind, the note sentence it cites
and itself, sorted, and the count of each kind on standard error. Shared
by the hand-written sets (`second.py` to `eighth.py`)."""
import json
import sys


def write(sets):
    """`sets`: (note sentence, faithful paraphrases, {fault kind: [sentences]})."""
    out = []
    for cited, faithful, faults in sets:
        for f in faithful:
            out.append({"kind": "faithful", "cited": cited, "sentence": f})
        for kind, fs in faults.items():
            for f in fs:
                out.append({"kind": kind, "cited": cited, "sentence": f})
    out.sort(key=lambda o: (o["kind"], o["cited"], o["sentence"]))
    counts = {}
    for o in out:
        counts[o["kind"]] = counts.get(o["kind"], 0) + 1
        print(json.dumps(o, ensure_ascii=False))
    print(counts, file=sys.stderr)
