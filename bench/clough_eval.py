#!/usr/bin/env python3
"""Rewrite detection on real human reuse: the Clough & Stevenson short answers (internal evaluation only).

95 short answers about 5 Wikipedia excerpts, written under four instructions: `cut` (copy-paste), `light`
(light revision), `heavy` (paraphrase) and `non` (written without the source). Each answer and the 5 sources
are scanned as one corpus; an answer is linked to its source when `pairs.jsonl` holds a copy relation
(`duplicate`, `rewrite`, `translation`) between them. Reported per category: the share linked, the relations,
the median score, and links between an answer and a source of another task (always false). Two `cut`
answers copied parts of the article that are not in the excerpt (see the data's README) and cannot be found.

With --anchor, the MinHash LSH baseline (`../shared/eval/anchor_run.py`: datasketch, word 5-grams, Jaccard
threshold 0.3, in the bench venv made by bench/setup.sh) runs on the same corpus and is scored the same way.

usage: bench/clough_eval.py [--unspun target/release/unspun] [--shared ../shared] [--out DIR] [--json]
       [--anchor] [-- EXTRA SCAN ARGS]
"""
import argparse
import csv
import json
import os
import statistics
import subprocess
import sys
from collections import Counter, defaultdict

COPY = {"duplicate", "rewrite", "translation"}
ORDER = ["cut", "light", "heavy", "non"]


def read_text(path):
    raw = open(path, "rb").read()
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--unspun", default=os.path.join(here, "..", "target", "release", "unspun"))
    ap.add_argument("--shared", default=os.path.join(here, "..", "..", "shared"))
    ap.add_argument("--out", default=os.path.join(here, "..", "target", "clough"))
    ap.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    ap.add_argument("--anchor", action="store_true", help="also run and score the MinHash LSH baseline")
    ap.add_argument("extra", nargs="*", help="extra arguments for `unspun scan` (after --)")
    a = ap.parse_args()
    data = os.path.join(a.shared, "data", "clough-stevenson-short-answers")
    os.makedirs(a.out, exist_ok=True)
    info = list(csv.DictReader(open(os.path.join(data, "file_information.csv"), encoding="utf-8")))
    inp = os.path.join(a.out, "docs.jsonl")
    with open(inp, "w", encoding="utf-8") as f:
        for row in info:
            stem = row["File"].rsplit(".", 1)[0]
            f.write(json.dumps({"id": stem, "text": read_text(os.path.join(data, "texts", row["File"]))}) + "\n")
    run = os.path.join(a.out, "run")
    cmd = [a.unspun, "scan", inp, "--out", run, "--no-index", "--quiet", "--json"] + a.extra
    subprocess.run(cmd, check=True, capture_output=True, text=True)
    results = {"unspun": score(run, info) | {"command": " ".join(cmd)}}
    if a.anchor:
        py = os.path.join(here, "..", ".venv-bench", "bin", "python")
        arun = os.path.join(a.out, "anchor")
        acmd = [py, os.path.join(a.shared, "eval", "anchor_run.py"), inp, arun, "--threshold", "0.3"]
        subprocess.run(acmd, check=True, capture_output=True, text=True)
        results["anchor"] = score(arun, info) | {"command": " ".join(acmd)}
    if a.json:
        print(json.dumps(results, indent=1))
        return
    print("| run | category | answers | linked to source | share | relations | median score |")
    print("|---|---|---:|---:|---:|---|---:|")
    for name, out in results.items():
        for c in ORDER:
            x = out["categories"][c]
            rels = ", ".join(f"{k} {v}" for k, v in sorted(x["relations"].items()))
            print(f"| {name} | {c} | {x['answers']} | {x['linked']} | {x['share']} | {rels} | {x['median_score']} |")
    for name, out in results.items():
        print(f"\n{name}: links to another task's source: {len(out['links_to_another_task_source'])}")
        for c in ("cut", "light", "heavy"):
            if out["categories"][c]["missed"]:
                print(f"{name} missed {c}: {' '.join(out['categories'][c]['missed'])}")


def score(run, info):
    """Per category: answers linked to their own task's source by a copy relation in RUN/pairs.jsonl."""
    rel = {}
    for line in open(os.path.join(run, "pairs.jsonl"), encoding="utf-8"):
        p = json.loads(line)
        rel[frozenset((p["a"], p["b"]))] = (p["relation"], p.get("score") or 0.0)
    sources = {row["Task"]: row["File"].rsplit(".", 1)[0] for row in info if row["Category"] == "orig"}
    answers = [(row["File"].rsplit(".", 1)[0], row["Task"], row["Category"]) for row in info if row["Category"] != "orig"]
    by = defaultdict(lambda: {"answers": 0, "linked": 0, "relations": Counter(), "scores": [], "missed": []})
    wrong_task = []
    for aid, task, cat in answers:
        b = by[cat]
        b["answers"] += 1
        r = rel.get(frozenset((aid, sources[task])))
        if r and r[0] in COPY:
            b["linked"] += 1
            b["scores"].append(r[1])
        elif cat != "non":
            b["missed"].append(aid)
        b["relations"][r[0] if r else "none"] += 1
        for t, s in sources.items():
            o = rel.get(frozenset((aid, s)))
            if t != task and o and o[0] in COPY:
                wrong_task.append((aid, s, o[0]))
    return {
        "categories": {
            c: {
                "answers": by[c]["answers"],
                "linked": by[c]["linked"],
                "share": round(by[c]["linked"] / by[c]["answers"], 3) if by[c]["answers"] else None,
                "relations": dict(by[c]["relations"]),
                "median_score": round(statistics.median(by[c]["scores"]), 3) if by[c]["scores"] else None,
                "missed": by[c]["missed"],
            }
            for c in ORDER
        },
        "links_to_another_task_source": wrong_task,
    }


if __name__ == "__main__":
    sys.exit(main())
