#!/usr/bin/env python3
"""Story B-cubed of `unspun scan` on WikiRef220 (../shared/data/wikiref220, internal evaluation only).

WikiRef220 labels mix events (MH370, Paris attacks) with entity topics (Michelle Obama, Premier
League, Galaxy S5) and 11 small "noise" topics. The run is scored twice with the shared scorer:
  topics  every label is a gold story (noise topics too);
  events  only the two event labels are stories, everything else is a singleton;
and, as the upstream papers do, on the WikiRef186/150 subsets.

usage: bench/stories_wikiref.py [--unspun target/release/unspun] [--shared ../shared] [--out DIR]
       [--threshold T]
"""
import argparse
import json
import os
import subprocess
import sys

EVENTS = {"malaysia_airlines_flight_370", "paris_attacks_2015"}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--unspun", default=os.path.join(here, "..", "target", "release", "unspun"))
    ap.add_argument("--shared", default=os.path.join(here, "..", "..", "shared"))
    ap.add_argument("--out", default=os.path.join(here, "..", "target", "wikiref"))
    ap.add_argument("--threshold", type=float, default=None)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    docs = [json.loads(l) for l in open(os.path.join(a.shared, "data", "wikiref220", "docs.jsonl"), encoding="utf-8")]
    inp = os.path.join(a.out, "docs.jsonl")
    with open(inp, "w", encoding="utf-8") as f:
        for d in docs:
            f.write(json.dumps({"id": d["id"], "text": d["text"]}) + "\n")
    run = os.path.join(a.out, "run")
    cmd = [a.unspun, "scan", inp, "--out", run, "--no-index", "--quiet", "--json"]
    if a.threshold is not None:
        cmd += ["--story-threshold", str(a.threshold)]
    summary = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)
    print(f"scanned {summary['docs']} docs: {summary['stories']} stories, {summary['story_links']} story links")
    variants = {
        "topics (all 220)": lambda d: d["label"],
        "events (all 220)": lambda d: d["label"] if d["label"] in EVENTS else None,
        "topics, WikiRef186": lambda d: d["label"] if d["in_wikiref186"] else "skip",
        "topics, WikiRef150": lambda d: d["label"] if d["in_wikiref150"] else "skip",
    }
    for name, story_of in variants.items():
        lab = os.path.join(a.out, "labels.jsonl")
        keep = set()
        with open(lab, "w", encoding="utf-8") as f:
            for d in docs:
                s = story_of(d)
                if s == "skip":
                    continue
                keep.add(d["id"])
                rel = "independent" if s else "unrelated"
                f.write(json.dumps({"id": d["id"], "story": s, "relation": rel, "source": None}) + "\n")
        # Score only the subset's documents: drop the others from the run.
        sub = os.path.join(a.out, "run_subset")
        os.makedirs(sub, exist_ok=True)
        with open(os.path.join(run, "clusters.jsonl"), encoding="utf-8") as fi, \
                open(os.path.join(sub, "clusters.jsonl"), "w", encoding="utf-8") as fo:
            for line in fi:
                c = json.loads(line)
                docs_in = [x for x in c["docs"] if x in keep]
                if len(docs_in) < 2:
                    continue
                fams = [{"original": fm["original"], "members": [m for m in fm["members"] if m in keep]}
                        for fm in c["families"]]
                fams = [fm for fm in fams if fm["members"]]
                for fm in fams:
                    if fm["original"] not in fm["members"]:
                        fm["original"] = fm["members"][0]
                fo.write(json.dumps({"story": c["story"], "docs": docs_in, "families": fams}) + "\n")
        with open(os.path.join(run, "pairs.jsonl"), encoding="utf-8") as fi, \
                open(os.path.join(sub, "pairs.jsonl"), "w", encoding="utf-8") as fo:
            for line in fi:
                p = json.loads(line)
                if p["a"] in keep and p["b"] in keep:
                    fo.write(line)
        r = subprocess.run([sys.executable, os.path.join(a.shared, "eval", "score.py"), "--labels", lab,
                            "--out", sub, "--json"], check=True, capture_output=True, text=True)
        b3 = json.loads(r.stdout)["story_bcubed"]
        print(f"{name:<22} story B3 P/R/F1 {b3['precision']:.3f} / {b3['recall']:.3f} / {b3['f1']:.3f}")


if __name__ == "__main__":
    main()
