#!/usr/bin/env python3
"""Link recall of a run on spun-synth-dev by spin-rate bucket and by relation.

  scripts/spin_buckets.py --labels ../shared/data/spun-synth-dev/labels.jsonl --out RUN_DIR

A link (document, its source) is found when the run puts both in one family (as score.py counts it);
"right relation" when pairs.jsonl has the pair with the expected relation (spun/paraphrase -> rewrite,
syndicated -> duplicate). Prints a markdown table.
"""
import argparse
import json
from collections import defaultdict

EXPECT = {"spun": "rewrite", "paraphrase": "rewrite", "syndicated": "duplicate", "translation": "translation"}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--labels", required=True)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    labels = {r["id"]: r for r in map(json.loads, open(a.labels))}
    fam = {}
    for i, line in enumerate(open(f"{a.out}/clusters.jsonl")):
        for j, f in enumerate(json.loads(line)["families"]):
            for m in f["members"]:
                fam[m] = (i, j)
    rel = {tuple(sorted((p["a"], p["b"]))): p["relation"] for p in map(json.loads, open(f"{a.out}/pairs.jsonl"))}
    rows = defaultdict(lambda: [0, 0, 0])
    for d, r in labels.items():
        src = r.get("source")
        if r["relation"] not in EXPECT or src not in labels:
            continue
        keys = [r["relation"]]
        if r["relation"] == "spun":
            lo = int(r["spin_rate"] * 10) / 10
            keys.append(f"spun {lo:.1f}-{lo + 0.1:.1f}")
        found = d in fam and fam.get(d) == fam.get(src)
        right = rel.get(tuple(sorted((d, src)))) == EXPECT[r["relation"]]
        for k in keys:
            rows[k][0] += 1
            rows[k][1] += found
            rows[k][2] += found and right
    print("| links | n | found (same family) | recall | right relation |")
    print("|---|---:|---:|---:|---:|")
    for k in sorted(rows):
        n, f, rr = rows[k]
        print(f"| {k} | {n} | {f} | {f / n:.3f} | {rr} ({rr / n:.2f}) |")


if __name__ == "__main__":
    main()
