#!/usr/bin/env python3
"""Exact near-duplicate ground truth for a JSONL corpus (default: Reuters-21578 from shared/data/scale-news).

Same shingling as ../shared/bench/bench_minhash.py: lowercase, `\\w+` words (Python `re`, Unicode), word
5-gram *sets*; a document with fewer than 5 tokens has one shingle made of all its tokens ("" when it has none).

Every pair with Jaccard >= --threshold (default 0.8) is found exhaustively, without sampling or hashing:
an inverted index maps each distinct shingle to the documents holding it, and for every pair of documents
that shares at least one shingle we count the shared shingles; J = shared / (|A| + |B| - shared). Pairs that
share no shingle have J = 0, so nothing can be missed.

Also reported:
  exact repeats   pairs whose `text` is byte-identical
  ws-identical    pairs whose `text` is identical after collapsing whitespace runs to one space and stripping
  a histogram of J over all pairs sharing a shingle, and the families (connected components) at the threshold.

  reuters_truth.py [--input FILE.jsonl] [--out bench/results/reuters_truth.json] [--threshold 0.8]
"""
import argparse
import itertools
import json
import os
import re
import sys
import time
from collections import Counter, defaultdict

WORD = re.compile(r"\w+", re.UNICODE)
WS = re.compile(r"\s+")
HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_INPUT = str(__import__("pathlib").Path(__file__).resolve().parent.parent.parent / "shared/data/scale-news/reuters21578.jsonl")
BINS = [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0]


def shingles(text, n=5):
    toks = WORD.findall(text.lower())
    if len(toks) < n:
        return {" ".join(toks)}
    return {" ".join(toks[i:i + n]) for i in range(len(toks) - n + 1)}


def load(path):
    ids, texts = [], []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                r = json.loads(line)
                ids.append(r["id"])
                texts.append(r["text"])
    if len(set(ids)) != len(ids):
        sys.exit(f"{path}: ids are not unique")
    return ids, texts


def groups_by(keys):
    """Groups of >= 2 indices sharing a key, and the number of pairs inside them."""
    g = defaultdict(list)
    for i, k in enumerate(keys):
        g[k].append(i)
    groups = [v for v in g.values() if len(v) > 1]
    return groups, sum(len(v) * (len(v) - 1) // 2 for v in groups)


class UF:
    def __init__(self, n):
        self.p = list(range(n))

    def find(self, x):
        while self.p[x] != x:
            self.p[x] = self.p[self.p[x]]
            x = self.p[x]
        return x

    def union(self, a, b):
        self.p[self.find(a)] = self.find(b)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--input", default=DEFAULT_INPUT)
    ap.add_argument("--out", default=os.path.join(HERE, "results", "reuters_truth.json"))
    ap.add_argument("--threshold", type=float, default=0.8)
    a = ap.parse_args()

    t_wall0, t_cpu0 = time.perf_counter(), time.process_time()
    stage = {}

    def mark(name, c0, w0):
        stage[name] = {"cpu_s": round(time.process_time() - c0, 3), "wall_s": round(time.perf_counter() - w0, 3)}

    c0, w0 = time.process_time(), time.perf_counter()
    ids, texts = load(a.input)
    n = len(ids)
    mark("load", c0, w0)

    c0, w0 = time.process_time(), time.perf_counter()
    sets = [shingles(t) for t in texts]
    sizes = [len(s) for s in sets]
    mark("shingle", c0, w0)

    c0, w0 = time.process_time(), time.perf_counter()
    postings = defaultdict(list)
    for i, s in enumerate(sets):
        for g in s:
            postings[g].append(i)
    mark("inverted_index", c0, w0)

    # Count shared shingles for every pair of documents that co-occur in some posting list.
    c0, w0 = time.process_time(), time.perf_counter()
    shared = Counter()
    increments = 0
    for docs in postings.values():
        if len(docs) > 1:
            increments += len(docs) * (len(docs) - 1) // 2
            shared.update(itertools.combinations(docs, 2))  # docs are ascending: (i, j) with i < j
    mark("pair_count", c0, w0)

    c0, w0 = time.process_time(), time.perf_counter()
    hist = [0] * (len(BINS) - 1)
    hits = []
    for (i, j), c in shared.items():
        jac = c / (sizes[i] + sizes[j] - c)
        b = min(int(jac * 10 + 1e-9), len(hist) - 1)
        hist[b] += 1
        if jac >= a.threshold - 1e-12:
            hits.append((i, j, jac))
    hits.sort(key=lambda x: (-x[2], ids[x[0]], ids[x[1]]))
    exact_groups, exact_pairs = groups_by(texts)
    ws_keys = [WS.sub(" ", t).strip() for t in texts]
    ws_groups, ws_pairs = groups_by(ws_keys)
    uf = UF(n)
    for i, j, _ in hits:
        uf.union(i, j)
    fam = Counter(uf.find(i) for i in range(n))
    fam_sizes = Counter(v for v in fam.values() if v > 1)
    mark("jaccard+groups", c0, w0)

    empty = sum(1 for s in sets if s == {""})
    short = sum(1 for t in texts if len(WORD.findall(t.lower())) < 5)
    exact_set = {(min(i, j), max(i, j)) for g in exact_groups for i, j in itertools.combinations(g, 2)}
    ws_set = {(min(i, j), max(i, j)) for g in ws_groups for i, j in itertools.combinations(g, 2)}
    hit_set = {(i, j) for i, j, _ in hits}
    total_cpu = time.process_time() - t_cpu0
    total_wall = time.perf_counter() - t_wall0

    out = {
        "input": os.path.abspath(a.input),
        "shingling": "lowercase, \\w+ tokens (Python re, Unicode), word 5-gram sets; <5 tokens: one shingle of all tokens",
        "threshold": a.threshold,
        "counts": {
            "docs": n,
            "mb_text": round(sum(len(t.encode("utf-8")) for t in texts) / 1e6, 2),
            "docs_fewer_than_5_tokens": short,
            "docs_no_tokens": empty,
            "distinct_shingles": len(postings),
            "shingle_occurrences": sum(sizes),
            "pair_increments": increments,
            "pairs_sharing_a_shingle": len(shared),
            f"pairs_j>={a.threshold}": len(hits),
            "pairs_j==1": sum(1 for h in hits if h[2] >= 1.0 - 1e-12),
            f"docs_in_j>={a.threshold}_pairs": len({x for h in hits for x in h[:2]}),
            f"families_j>={a.threshold}": sum(fam_sizes.values()),
            f"family_sizes_j>={a.threshold}": {str(k): v for k, v in sorted(fam_sizes.items())},
            "exact_repeat_groups": len(exact_groups),
            "exact_repeat_extra_copies": sum(len(g) - 1 for g in exact_groups),
            "exact_repeat_pairs": exact_pairs,
            "ws_identical_groups": len(ws_groups),
            "ws_identical_extra_copies": sum(len(g) - 1 for g in ws_groups),
            "ws_identical_pairs": ws_pairs,
            "exact_repeat_pairs_not_in_hits": len(exact_set - hit_set),
            "ws_identical_pairs_not_in_hits": len(ws_set - hit_set),
        },
        "jaccard_histogram": {f"[{BINS[k]:.1f},{BINS[k + 1]:.1f}{']' if k == len(hist) - 1 else ')'}": hist[k]
                              for k in range(len(hist))},
        "timing": {"total_cpu_s": round(total_cpu, 2), "total_wall_s": round(total_wall, 2), "stages": stage},
        "pairs": [{"a": ids[i], "b": ids[j], "jaccard": round(jac, 6),
                   "exact": (i, j) in exact_set, "ws_identical": (i, j) in ws_set} for i, j, jac in hits],
        "exact_repeat_groups": [[ids[i] for i in g] for g in exact_groups],
        "ws_identical_groups": [[ids[i] for i in g] for g in ws_groups],
    }
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    tmp = a.out + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    os.replace(tmp, a.out)
    print(json.dumps({"out": a.out, "counts": out["counts"], "jaccard_histogram": out["jaccard_histogram"],
                      "timing": out["timing"]}, indent=1))


if __name__ == "__main__":
    main()
