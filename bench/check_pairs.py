#!/usr/bin/env python3
"""Score a run's near-duplicates against the exact truth written by reuters_truth.py.

  check_pairs.py --truth bench/results/reuters_truth.json --pairs RUN/pairs.jsonl
                 [--clusters RUN/clusters.jsonl] [--docs CORPUS.jsonl] [--json] [--out REPORT.json]

A run's pairs and families follow ../shared/eval/SCHEMA.md. `clusters.jsonl` defaults to the file beside
`pairs.jsonl`; it is optional. Figures:

  recall of the truth's J >= threshold pairs, of its exact repeats (byte-identical text) and of its
  whitespace-identical pairs, each counted three ways:
    direct       the pair is a line of pairs.jsonl with a copy relation (duplicate / rewrite / translation, or
                 no relation given); a `same_story` line does not count
    same family  both ids are members of one family in clusters.jsonl
    either       direct or same family
  precision side: how many of the run's direct copy pairs have true Jaccard < 0.5 (and < 0.8), computed exactly
  from the corpus (--docs, default: the truth file's input), plus the same over the pairs implied by the
  run's families (enumerated up to --max-family-pairs).
"""
import argparse
import itertools
import json
import os
import re
import sys
from collections import Counter

WORD = re.compile(r"\w+", re.UNICODE)
COPY = {"duplicate", "rewrite", "translation", None}


def shingles(text, n=5):
    toks = WORD.findall(text.lower())
    if len(toks) < n:
        return {" ".join(toks)}
    return {" ".join(toks[i:i + n]) for i in range(len(toks) - n + 1)}


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        for k, line in enumerate(f, 1):
            if line.strip():
                try:
                    yield json.loads(line)
                except json.JSONDecodeError as e:
                    sys.exit(f"{path}:{k}: not JSON: {e}")


def key(a, b):
    return (a, b) if a <= b else (b, a)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--truth", required=True)
    ap.add_argument("--pairs", required=True, help="RUN/pairs.jsonl")
    ap.add_argument("--clusters", help="RUN/clusters.jsonl (default: beside --pairs, if present)")
    ap.add_argument("--docs", help="corpus JSONL for exact Jaccard of run pairs (default: the truth's input)")
    ap.add_argument("--max-family-pairs", type=int, default=2_000_000)
    ap.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    ap.add_argument("--out", help="also write the JSON report here")
    a = ap.parse_args()

    truth = json.load(open(a.truth, encoding="utf-8"))
    thr = truth["threshold"]
    near = {key(p["a"], p["b"]): p["jaccard"] for p in truth["pairs"]}
    exact = {k for p in truth["pairs"] if p["exact"] for k in [key(p["a"], p["b"])]}
    ws = {k for p in truth["pairs"] if p["ws_identical"] for k in [key(p["a"], p["b"])]}

    # The run.
    direct, same_story_only, relations = set(), set(), Counter()
    for p in read_jsonl(a.pairs):
        rel = p.get("relation")
        relations[rel] += 1
        k = key(p["a"], p["b"])
        if k[0] == k[1]:
            continue
        (direct if rel in COPY else same_story_only).add(k)
    clusters = a.clusters or os.path.join(os.path.dirname(os.path.abspath(a.pairs)), "clusters.jsonl")
    family = {}
    fam_members = []
    have_clusters = os.path.exists(clusters)
    if have_clusters:
        for c in read_jsonl(clusters):
            for f in c.get("families", []):
                fid = len(fam_members)
                members = list(dict.fromkeys(f.get("members", [])))
                fam_members.append(members)
                for d in members:
                    family[d] = fid
    elif a.clusters:
        sys.exit(f"missing {clusters}")

    def same_family(k):
        fa = family.get(k[0])
        return fa is not None and fa == family.get(k[1])

    def recall(gold):
        n = len(gold)
        d = sum(1 for k in gold if k in direct)
        f = sum(1 for k in gold if same_family(k))
        e = sum(1 for k in gold if k in direct or same_family(k))
        r = lambda x: round(x / n, 4) if n else None
        return {"gold": n, "direct": d, "direct_recall": r(d), "same_family": f, "same_family_recall": r(f),
                "either": e, "either_recall": r(e)}

    res = {
        "truth": os.path.abspath(a.truth), "run_pairs_file": os.path.abspath(a.pairs),
        "clusters_file": os.path.abspath(clusters) if have_clusters else None,
        "run": {"pair_lines_by_relation": {str(k): v for k, v in relations.items()},
                "direct_copy_pairs": len(direct), "same_story_pairs": len(same_story_only),
                "families": len(fam_members), "docs_in_families": len(family)},
        f"recall_j>={thr}": recall(set(near)),
        "recall_exact_repeats": recall(exact),
        "recall_ws_identical": recall(ws),
    }

    # Precision side: exact Jaccard of the run's pairs.
    docs_path = a.docs or truth["input"]
    fam_pairs = set()
    fam_pairs_total = sum(len(m) * (len(m) - 1) // 2 for m in fam_members)
    if fam_pairs_total <= a.max_family_pairs:
        for m in fam_members:
            fam_pairs.update(key(x, y) for x, y in itertools.combinations(m, 2))
    need = {d for k in (direct | fam_pairs) if k not in near for d in k}
    sets = {}
    if need:
        if not os.path.exists(docs_path):
            sys.exit(f"need the corpus for exact Jaccard of run pairs: {docs_path} missing (pass --docs)")
        for r in read_jsonl(docs_path):
            if r["id"] in need:
                sets[r["id"]] = shingles(r["text"])
    unknown = need - set(sets)

    def jac(k):
        if k in near:
            return near[k]
        if k[0] in unknown or k[1] in unknown:
            return None
        A, B = sets[k[0]], sets[k[1]]
        i = len(A & B)
        return i / (len(A) + len(B) - i)

    def precision(pairs):
        js = [jac(k) for k in pairs]
        known = [j for j in js if j is not None]
        return {"pairs": len(pairs), "unknown_ids": len(js) - len(known),
                f"j>={thr}": sum(1 for j in known if j >= thr),
                "j<0.8": sum(1 for j in known if j < 0.8), "j<0.5": sum(1 for j in known if j < 0.5),
                "j<0.2": sum(1 for j in known if j < 0.2)}

    res["precision_direct_pairs"] = precision(direct)
    if fam_pairs_total <= a.max_family_pairs:
        res["precision_family_pairs"] = precision(fam_pairs)
    else:
        res["precision_family_pairs"] = {"pairs": fam_pairs_total, "skipped": "more than --max-family-pairs"}
    res["ids_not_in_corpus"] = len(unknown)

    if a.out:
        with open(a.out, "w", encoding="utf-8") as f:
            json.dump(res, f, indent=1)
            f.write("\n")
    if a.json:
        print(json.dumps(res, indent=1))
        return
    print(f"run: {len(direct)} direct copy pairs, {len(same_story_only)} same_story pairs, "
          f"{len(fam_members)} families ({'clusters.jsonl' if have_clusters else 'no clusters.jsonl'})")
    print(f"{'truth set':<24}{'gold':>6}  {'direct':>14}  {'same family':>14}  {'either':>14}")
    for name, k in ((f"J >= {thr}", f"recall_j>={thr}"), ("exact repeats", "recall_exact_repeats"),
                    ("whitespace-identical", "recall_ws_identical")):
        r = res[k]
        fmt = lambda n, x: f"{n:>5} {x:.3f}" if x is not None else f"{n:>5}   n/a"
        print(f"{name:<24}{r['gold']:>6}  {fmt(r['direct'], r['direct_recall']):>14}  "
              f"{fmt(r['same_family'], r['same_family_recall']):>14}  {fmt(r['either'], r['either_recall']):>14}")
    for name, k in (("direct pairs", "precision_direct_pairs"), ("family pairs", "precision_family_pairs")):
        p = res[k]
        if "skipped" in p:
            print(f"{name}: {p['pairs']} pairs, not enumerated ({p['skipped']})")
        else:
            print(f"{name}: {p['pairs']} pairs; true J >= {thr}: {p[f'j>={thr}']}, J < 0.8: {p['j<0.8']}, "
                  f"J < 0.5: {p['j<0.5']}, J < 0.2: {p['j<0.2']}"
                  + (f", ids unknown: {p['unknown_ids']}" if p["unknown_ids"] else ""))
    if unknown:
        print(f"warning: {len(unknown)} run ids are not in {docs_path}")


if __name__ == "__main__":
    main()
