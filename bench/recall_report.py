#!/usr/bin/env python3
"""Break a run's pairs down against the exact truth, and explain the truth pairs it missed.

  recall_report.py --truth bench/results/reuters_truth.json --docs CORPUS.jsonl --run RUN_DIR
                   [--candidates RUN_CANDIDATES.jsonl] [--extract EXTRACT.jsonl] [--label NAME]
                   [--samples N] [--out REPORT.json] [--md REPORT.md]

RUN_DIR holds the run's pairs.jsonl (and clusters.jsonl). Optional inputs make the misses explainable:
  --candidates  the file written by `UNSPUN_DEBUG_CANDIDATES=FILE unspun scan ...`: every verified candidate
                with unspun's own figures (so a missed pair is "never a candidate" or "verified and rejected")
  --extract     `unspun extract --json CORPUS` (the default cleaner's text of every document), to tell how much
                of each document the cleaner kept and the 5-gram Jaccard of the two cleaned texts

Figures (shingling as reuters_truth.py and check_pairs.py: lowercase `\\w+` word 5-gram sets):
  * the run's direct pairs by true J band x relation x unspun's `containment` field, and x the true 5-gram
    containment (shared / smaller set) on the raw texts
  * a crude "same facts" signal for the pairs below J 0.5: the share of the shorter text's numbers (digit
    tokens) found in the longer text (templated wires, e.g. dividend notices or bond issues of different
    companies, share their wording but not their numbers); use it to prioritise reading, not as a verdict
  * every missed J >= threshold pair with its reason, and random samples of the low-J pairs to read by eye
"""
import argparse
import json
import random
import re
import subprocess
import sys
import os
from collections import Counter

WORD = re.compile(r"\w+", re.UNICODE)
NUM = re.compile(r"\d[\d,./-]*\d|\d")


def shingles(text, n=5):
    toks = WORD.findall(text.lower())
    if len(toks) < n:
        return {" ".join(toks)}
    return {" ".join(toks[i:i + n]) for i in range(len(toks) - n + 1)}


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)


def key(a, b):
    return (a, b) if a <= b else (b, a)


def band(x, cuts, names):
    for c, n in zip(cuts, names):
        if x >= c:
            return n
    return names[-1]


def jband(j):
    return band(j, [0.8, 0.5, 0.2], ["J>=0.8", "0.5<=J<0.8", "0.2<=J<0.5", "J<0.2"])


def cband(c):
    return band(c, [0.8, 0.5], ["C>=0.8", "0.5<=C<0.8", "C<0.5"])


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--truth", required=True)
    ap.add_argument("--docs", required=True)
    ap.add_argument("--run", required=True, help="run directory with pairs.jsonl")
    ap.add_argument("--candidates")
    ap.add_argument("--extract")
    ap.add_argument("--label", default="run")
    ap.add_argument("--samples", type=int, default=8, help="random low-J pairs shown per group")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out")
    ap.add_argument("--md")
    a = ap.parse_args()

    truth = json.load(open(a.truth, encoding="utf-8"))
    thr = truth["threshold"]
    tpairs = {key(p["a"], p["b"]): p for p in truth["pairs"]}
    docs = {r["id"]: r for r in read_jsonl(a.docs)}
    sh = {}

    def S(i):
        if i not in sh:
            sh[i] = shingles(docs[i]["text"])
        return sh[i]

    def jc(x, y):
        A, B = S(x), S(y)
        i = len(A & B)
        return i / (len(A) + len(B) - i), i / min(len(A), len(B))

    def num_contained(x, y):
        na, nb = set(NUM.findall(docs[x]["text"])), set(NUM.findall(docs[y]["text"]))
        small, big = (na, nb) if len(na) <= len(nb) else (nb, na)
        return len(small & big) / len(small) if small else None

    pairs = [p for p in read_jsonl(os.path.join(a.run, "pairs.jsonl")) if p["a"] != p["b"]]
    here = os.path.dirname(os.path.abspath(__file__))
    cp = subprocess.run([sys.executable, os.path.join(here, "check_pairs.py"), "--truth", a.truth, "--pairs",
                         os.path.join(a.run, "pairs.jsonl"), "--docs", a.docs, "--json"],
                        capture_output=True, text=True, check=True)
    check = json.loads(cp.stdout)

    by_field, by_true, facts = Counter(), Counter(), Counter()
    low = {}
    for p in pairs:
        j, c = jc(p["a"], p["b"])
        p["true_j"], p["true_c"] = round(j, 3), round(c, 3)
        by_field[(jband(j), p.get("relation"), cband(p.get("containment", 0)))] += 1
        by_true[(jband(j), p.get("relation"), cband(c))] += 1
        if j < 0.5:
            nc = num_contained(p["a"], p["b"])
            p["numbers_contained"] = None if nc is None else round(nc, 2)
            fk = "no numbers" if nc is None else ("numbers agree (>=0.8)" if nc >= 0.8 else "numbers differ (<0.8)")
            g = (p.get("relation"), cband(c))
            facts[(g[0], g[1], fk)] += 1
            low.setdefault(g, []).append(p)

    # The misses.
    direct = {key(p["a"], p["b"]) for p in pairs}
    cands = {}
    if a.candidates and os.path.exists(a.candidates):
        for r in read_jsonl(a.candidates):
            cands[key(r["a"], r["b"])] = r
    ext = {}
    if a.extract and os.path.exists(a.extract):
        for r in read_jsonl(a.extract):
            ext[r["id"]] = r["text"]
    missed = []
    for k, t in sorted(tpairs.items(), key=lambda kv: -kv[1]["jaccard"]):
        if k in direct:
            continue
        x, y = k
        m = {"a": x, "b": y, "true_j": t["jaccard"], "exact": t["exact"],
             "tokens": [len(WORD.findall(docs[x]["text"])), len(WORD.findall(docs[y]["text"]))],
             "chars": [len(docs[x]["text"]), len(docs[y]["text"])]}
        if ext:
            ca, cb = ext.get(x, ""), ext.get(y, "")
            m["kept_by_cleaner"] = [round(len(ca) / max(1, len(docs[x]["text"])), 2),
                                    round(len(cb) / max(1, len(docs[y]["text"])), 2)]
            A, B = shingles(ca), shingles(cb)
            i = len(A & B)
            m["cleaned_j"] = round(i / (len(A) + len(B) - i), 3) if (A | B) - {""} else None
            m["cleaned_tokens"] = [len(WORD.findall(ca)), len(WORD.findall(cb))]
        if cands:
            c = cands.get(k)
            m["candidate"] = c is not None
            if c:
                m["unspun_figures"] = {q: (round(c[q], 3) if isinstance(c[q], float) else c[q])
                                       for q in ("jaccard", "containment", "unquoted", "run", "la", "lb", "s_cov", "s_sim")
                                       if q in c}
        # A reason, first match wins.
        if ext and (m["cleaned_tokens"][0] == 0 or m["cleaned_tokens"][1] == 0):
            m["reason"] = "a document is empty after cleaning"
        elif ext and m["cleaned_j"] is not None and m["cleaned_j"] < 0.5:
            m["reason"] = "the cleaner kept different parts of the two texts"
        elif min(m["tokens"]) < 5:
            m["reason"] = "fewer than 5 tokens (no 5-gram)"
        elif cands and not m["candidate"]:
            m["reason"] = "never a candidate"
        elif cands and m["unspun_figures"].get("unquoted", 1) < 0.5:
            m["reason"] = "a candidate, rejected: the text compared is mostly inside quotation marks"
        elif cands:
            m["reason"] = "a candidate, rejected when verified"
        else:
            m["reason"] = "unknown (pass --candidates and --extract)"
        missed.append(m)
    reasons = Counter(m["reason"] for m in missed)

    rng = random.Random(a.seed)
    samples = {}
    for g, ps in sorted(low.items(), key=lambda kv: str(kv[0])):
        pick = rng.sample(ps, min(a.samples, len(ps)))
        samples[f"{g[0]} {g[1]}"] = [{
            "a": p["a"], "b": p["b"], "true_j": p["true_j"], "true_c": p["true_c"],
            "containment_field": p.get("containment"), "numbers_contained": p.get("numbers_contained"),
            "titles": [docs[p["a"]].get("title"), docs[p["b"]].get("title")],
            "dates": [docs[p["a"]].get("date"), docs[p["b"]].get("date")],
            "texts": [docs[p["a"]]["text"][:300], docs[p["b"]]["text"][:300]]} for p in pick]

    rel = Counter(p.get("relation") for p in pairs)
    res = {"label": a.label, "run": os.path.abspath(a.run), "check_pairs": check,
           "pairs_by_relation": dict(rel),
           "by_true_j_relation_containment_field": {" | ".join(map(str, k)): v for k, v in sorted(by_field.items())},
           "by_true_j_relation_true_containment": {" | ".join(map(str, k)): v for k, v in sorted(by_true.items())},
           "below_j0.5_numbers": {" | ".join(map(str, k)): v for k, v in sorted(facts.items())},
           "missed_reasons": dict(reasons), "missed": missed, "samples_below_j0.5": samples}

    # Markdown.
    rk = f"recall_j>={thr}"
    L = [f"### {a.label}", "",
         "| truth set | gold | found as a direct pair | in one family | either |", "|---|---:|---:|---:|---:|"]
    for name, k in ((f"J >= {thr}", rk), ("exact repeats", "recall_exact_repeats"),
                    ("whitespace-identical", "recall_ws_identical")):
        r = check[k]
        L.append(f"| {name} | {r['gold']} | {r['direct']} ({r['direct_recall']:.3f}) | {r['same_family']} "
                 f"({r['same_family_recall']:.3f}) | {r['either']} ({r['either_recall']:.3f}) |")
    pd = check["precision_direct_pairs"]
    L += ["", f"Direct pairs: {pd['pairs']:,} ({', '.join(f'{k} {v:,}' for k, v in sorted(rel.items()))}); "
          f"true J >= {thr}: {pd[f'j>={thr}']:,}, J < 0.8: {pd['j<0.8']:,}, J < 0.5: {pd['j<0.5']:,}, "
          f"J < 0.2: {pd['j<0.2']:,}.", "",
          "Pairs with true J < 0.5, by relation and true 5-gram containment (shared / smaller set), and by whether "
          "the shorter text's numbers are found in the longer one:", "",
          "| relation | true containment | pairs | numbers agree (>=0.8) | numbers differ | no numbers |",
          "|---|---|---:|---:|---:|---:|"]
    groups = sorted({(k[0], k[1]) for k in facts}, key=str)
    for g in groups:
        n = [facts.get((g[0], g[1], f), 0) for f in ("numbers agree (>=0.8)", "numbers differ (<0.8)", "no numbers")]
        L.append(f"| {g[0]} | {g[1]} | {sum(n):,} | {n[0]:,} | {n[1]:,} | {n[2]:,} |")
    cf = Counter()
    for p in pairs:
        if p["true_j"] < 0.5:
            cf[(p.get("relation"), cband(p.get("containment", 0)))] += 1
    L += ["", "The same pairs by unspun's own `containment` field (computed on the text it compared, i.e. after "
          "cleaning when cleaning is on): " + ", ".join(f"{g[0]} {g[1]}: {v:,}" for g, v in sorted(cf.items(), key=str)) + "."]
    L += ["", f"Missed J >= {thr} pairs: {len(missed)}" + (" (" + ", ".join(f"{k}: {v}" for k, v in reasons.most_common()) + ")"
                                                           if missed else "")]
    if missed:
        L += ["", "| a | b | true J | exact | tokens | kept by cleaner | cleaned J | candidate (unquoted containment) | reason |",
              "|---|---|---:|---|---|---|---:|---|---|"]
        for m in missed[:10]:
            L.append(f"| {m['a']} | {m['b']} | {m['true_j']:.3f} | {'yes' if m['exact'] else ''} | "
                     f"{m['tokens'][0]}/{m['tokens'][1]} | "
                     + (f"{m['kept_by_cleaner'][0]:.2f}/{m['kept_by_cleaner'][1]:.2f}" if 'kept_by_cleaner' in m else "n/a")
                     + f" | {m.get('cleaned_j', 'n/a')} | {m.get('candidate', 'n/a')}"
                     + (f" ({m['unspun_figures'].get('unquoted')})" if m.get("unspun_figures") else "")
                     + f" | {m['reason']} |")
    md = "\n".join(L)
    print(md)
    if a.out:
        with open(a.out, "w", encoding="utf-8") as f:
            json.dump(res, f, indent=1)
            f.write("\n")
    if a.md:
        with open(a.md, "w", encoding="utf-8") as f:
            f.write(md + "\n")


if __name__ == "__main__":
    main()
