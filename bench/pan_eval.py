#!/usr/bin/env python3
"""Passage-level evidence against PAN gold: the PAN 2025 generated-plagiarism sample (internal evaluation only).

Each of the sample's 5 pairs is an arXiv paper (source) and a paper whose paragraphs an LLM rewrote from it
(candidate; one pair is a negative). Both become plain-text documents (section paragraphs joined by blank
lines); a gold case is a candidate paragraph labelled as rewritten, with the source paragraph it came from.
The 10 documents are scanned as one corpus (`unspun scan --raw --no-index`), the run is written as PAN
detections (`unspun pan`), and the detections are scored with the PAN measures, computed here from their
definitions (Potthast et al., "An Evaluation Framework for Plagiarism Detection", COLING 2010):

  precision  mean over detections of the share of its characters (suspicious and source side) inside
             cases it detects;
  recall     mean over cases of the share of their characters inside detections that detect them;
  granularity  mean number of detections per detected case;
  plagdet    F1 / log2(1 + granularity).

A detection detects a case when they overlap on both the suspicious and the source side. Also reported per
pair: cases, cases detected, detections. The sample is far too small for an accuracy estimate; it checks that
the offsets point at the rewritten paragraphs and what share of an LLM rewrite the alignment recovers.

usage: bench/pan_eval.py [--unspun target/release/unspun] [--shared ../shared] [--out DIR] [--json]
       [-- EXTRA SCAN ARGS]
"""
import argparse
import glob
import json
import math
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections import defaultdict


def paper_text(paper):
    """The paper's section paragraphs joined by blank lines, and each paragraph's [start, end) by id."""
    parts, spans, pos = [], {}, 0
    for sec in paper["sections"]:
        for p in sec["paragraphs"]:
            text = p["content"].strip()
            if not text:
                continue
            if parts:
                pos += 2
            spans[p["id"]] = (pos, pos + len(text))
            parts.append(text)
            pos += len(text)
    return "\n\n".join(parts), spans


def load_sample(folder):
    docs, cases, pairs = [], [], []
    for f in sorted(glob.glob(os.path.join(folder, "*.json"))):
        d = json.load(open(f, encoding="utf-8"))
        key = os.path.basename(f).split("_")[0]
        src_id, cand_id = f"{key}-source.txt", f"{key}-candidate.txt"
        src_text, src_spans = paper_text(d["source"])
        cand_text, cand_spans = paper_text(d["candidate"])
        docs += [{"id": src_id, "text": src_text}, {"id": cand_id, "text": cand_text}]
        n = 0
        for sec in d["candidate"]["sections"]:
            for p in sec["paragraphs"]:
                g = p.get("plagiarism")
                if not g or p["id"] not in cand_spans or g.get("source_paragraph_id") not in src_spans:
                    continue
                cases.append((cand_id, cand_spans[p["id"]], src_id, src_spans[g["source_paragraph_id"]]))
                n += 1
        pairs.append({"pair": key, "type": d["plagiarism"]["type"], "llm": d["plagiarism"].get("llm"),
                      "cases": n, "suspicious": cand_id, "source": src_id})
    return docs, cases, pairs


def read_detections(folder):
    dets = []
    for f in sorted(glob.glob(os.path.join(folder, "*.xml"))):
        root = ET.parse(f).getroot()
        this = root.get("reference")
        for feat in root.iter("feature"):
            if feat.get("name") != "detected-plagiarism":
                continue
            to, tl = int(feat.get("this_offset")), int(feat.get("this_length"))
            so, sl = int(feat.get("source_offset")), int(feat.get("source_length"))
            dets.append((this, (to, to + tl), feat.get("source_reference"), (so, so + sl)))
    return dets


def chars(x):
    """A case or detection as a set of (document, side, character) triples."""
    d, (a, b), s, (c, e) = x
    return {(d, 0, i) for i in range(a, b)} | {(s, 1, i) for i in range(c, e)}


def detects(r, s):
    return (r[0] == s[0] and r[2] == s[2] and r[1][0] < s[1][1] and s[1][0] < r[1][1]
            and r[3][0] < s[3][1] and s[3][0] < r[3][1])


def plagdet(cases, dets):
    sc = [chars(s) for s in cases]
    rc = [chars(r) for r in dets]
    by_case = defaultdict(list)
    for i, s in enumerate(cases):
        for j, r in enumerate(dets):
            if detects(r, s):
                by_case[i].append(j)
    by_det = defaultdict(list)
    for i, js in by_case.items():
        for j in js:
            by_det[j].append(i)
    rec = sum(len(sc[i] & set().union(*(rc[j] for j in by_case[i]))) / len(sc[i]) for i in by_case) / len(cases) \
        if cases else 0.0
    prec = sum(len(rc[j] & set().union(*(sc[i] for i in by_det[j]))) / len(rc[j]) for j in by_det) / len(dets) \
        if dets else 0.0
    gran = sum(len(v) for v in by_case.values()) / len(by_case) if by_case else 1.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return {"precision": round(prec, 3), "recall": round(rec, 3), "granularity": round(gran, 3),
            "plagdet": round(f1 / math.log2(1 + gran), 3), "cases": len(cases), "detections": len(dets),
            "cases_detected": len(by_case)}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--unspun", default=os.path.join(here, "..", "target", "release", "unspun"))
    ap.add_argument("--shared", default=os.path.join(here, "..", "..", "shared"))
    ap.add_argument("--out", default=os.path.join(here, "..", "target", "pan25"))
    ap.add_argument("--json", action="store_true")
    ap.add_argument("extra", nargs="*", help="extra arguments for `unspun scan` (after --)")
    a = ap.parse_args()
    docs, cases, pairs = load_sample(os.path.join(a.shared, "data", "pan25-generated-plagiarism-sample"))
    os.makedirs(a.out, exist_ok=True)
    inp = os.path.join(a.out, "docs.jsonl")
    with open(inp, "w", encoding="utf-8") as f:
        for d in docs:
            f.write(json.dumps(d) + "\n")
    run, det_dir = os.path.join(a.out, "run"), os.path.join(a.out, "detections")
    for old in glob.glob(os.path.join(det_dir, "*.xml")):
        os.remove(old)
    scan = [a.unspun, "scan", inp, "--out", run, "--no-index", "--raw", "--quiet", "--json"] + a.extra
    subprocess.run(scan, check=True, capture_output=True, text=True)
    pan = [a.unspun, "pan", run, "--out", det_dir, "--suspicious-match", "candidate", "--json"]
    subprocess.run(pan, check=True, capture_output=True, text=True)
    dets = read_detections(det_dir)
    relations = {}
    for line in open(os.path.join(run, "pairs.jsonl"), encoding="utf-8"):
        p = json.loads(line)
        relations[frozenset((p["a"], p["b"]))] = p["relation"]
    out = {"overall": plagdet(cases, dets), "pairs": [], "commands": [" ".join(scan), " ".join(pan)]}
    for p in pairs:
        pc = [c for c in cases if c[0] == p["suspicious"]]
        pd = [d for d in dets if {d[0], d[2]} == {p["suspicious"], p["source"]}]
        out["pairs"].append(p | {"relation": relations.get(frozenset((p["suspicious"], p["source"])), "none")}
                            | plagdet(pc, pd))
    other = [d for d in dets if not any({d[0], d[2]} == {p["suspicious"], p["source"]} for p in pairs)]
    out["detections_between_other_documents"] = len(other)
    if a.json:
        print(json.dumps(out, indent=1))
        return
    print("| pair | type | llm | relation | cases | detected | detections | precision | recall | granularity | plagdet |")
    print("|---|---|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for p in out["pairs"] + [{"pair": "all", "type": "", "llm": "", "relation": ""} | out["overall"]]:
        print(f"| {p['pair']} | {p['type']} | {p['llm']} | {p['relation']} | {p['cases']} | {p['cases_detected']} | "
              f"{p['detections']} | {p['precision']} | {p['recall']} | {p['granularity']} | {p['plagdet']} |")
    print(f"\ndetections between documents of different pairs: {len(other)}")


if __name__ == "__main__":
    sys.exit(main())
