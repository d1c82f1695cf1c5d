#!/usr/bin/env python3
"""Tables of bench/scale.sh's runs: results/scale.json and results/scale.md (also printed).

  scale_report.py --work DIR --sizes "10k 100k 1m" --speedup 100k --incr 1m --side 10k --results DIR
"""
import argparse
import datetime
import json
import os

from timev import timev


def load(work, name):
    p = os.path.join(work, name)
    if not os.path.exists(p + ".time") or not os.path.exists(p + ".out"):
        return None
    try:
        r = {"name": name, **timev(p + ".time")}
        out = open(p + ".out").read().strip()
        r["out"] = json.loads(out.splitlines()[-1]) if out else {}
    except (AttributeError, ValueError, IndexError):
        return None  # still running, or failed: see NAME.err
    r["cpu_s"] = round(r["user_s"] + r["sys_s"], 2)
    r["load1"] = [float(l.split()[0]) for l in open(p + ".load") if l.strip()] if os.path.exists(p + ".load") else []
    for ext, key in ((".check.json", "check"), (".compact.json", "compact"), (".score.json", "score")):
        if os.path.exists(p + ext):
            try:
                r[key] = json.load(open(p + ext))
            except ValueError:
                pass
    return r


def scan_row(r):
    s = r["out"]
    t = s.get("timings", {})
    docs, mb = s["docs"], s["mb"]
    row = {"run": r["name"], "docs": docs, "mb": round(mb, 1), "wall_s": r["wall_s"], "cpu_s": r["cpu_s"],
           "mb_s_per_core": round(mb / r["cpu_s"], 2), "peak_rss_mb": r["peak_rss_mb"],
           "rss_bytes_per_doc": round(r["peak_rss_mb"] * 1048576 / docs), "load1": r["load1"],
           "candidates": s["candidates"], "pairs": s["pairs"]}
    stages = ["read", "line_stats", "prepare", "candidates", "verify", "stories", "index_write", "report"]
    row["stages"] = {st: {"wall_s": round(t.get(st + "_s", 0), 2), "cpu_s": round(t.get(st + "_cpu_s", 0), 2),
                          "mb_s_per_core": round(mb / t[st + "_cpu_s"], 1) if t.get(st + "_cpu_s") else None}
                     for st in stages}
    c = r.get("check")
    if c:
        # The redb file and, from index format 7, the posting run files beside it.
        row["index_bytes_per_doc"] = round((c["file_bytes"] + c.get("postings_bytes", 0)) / c["documents"])
        row["index_tables_bytes_per_doc"] = {k: round((v["stored"] + v["metadata"] + v["fragmented"]) / c["documents"])
                                             for k, v in c.get("tables", {}).items()}
    if r.get("compact"):
        row["index_bytes_per_doc_compacted"] = round(r["compact"]["bytes_after"] / docs)
    sc = r.get("score")
    if sc:
        row["family_precision"] = round(sc["family"]["precision"], 4)
        row["family_recall"] = round(sc["family"]["recall"], 4)
        for k in ("spun", "syndicated"):
            if k in sc.get("links", {}):
                row[f"{k}_link_recall"] = round(sc["links"][k]["recall"], 4)
        row["original_accuracy"] = round(sc["original"]["accuracy"], 4)
    return row


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--work", required=True)
    ap.add_argument("--sizes", default="10k 100k 1m")
    ap.add_argument("--speedup", default="100k")
    ap.add_argument("--incr", default="")
    ap.add_argument("--side", default="")
    ap.add_argument("--results", required=True)
    a = ap.parse_args()
    res = {"when": datetime.datetime.now().isoformat(timespec="seconds"), "nproc": os.cpu_count(), "scans": [],
           "loadavg_at_end": open("/proc/loadavg").read().split()[:3]}
    for n in a.sizes.split():
        r = load(a.work, f"scan_{n}_t2")
        if r:
            res["scans"].append(scan_row(r))
    one, two = load(a.work, f"scan_{a.speedup}_t1"), load(a.work, f"scan_{a.speedup}_t2")
    if one and two:
        res["speedup"] = {"size": a.speedup, "wall_1t": one["wall_s"], "wall_2t": two["wall_s"],
                          "cpu_1t": one["cpu_s"], "cpu_2t": two["cpu_s"],
                          "speedup_wall": round(one["wall_s"] / two["wall_s"], 2), "load1_2t": two["load1"]}
    base, add = load(a.work, "incr_base"), load(a.work, "incr_add")
    if base and add:
        bd = base["out"]["docs"]
        full_est = base["wall_s"] * (bd + add["out"]["docs"]) / bd
        res["incremental"] = {"size": a.incr, "base_docs": bd, "base_wall_s": base["wall_s"], "base_cpu_s": base["cpu_s"],
                              "add_docs": add["out"]["docs"], "add_wall_s": add["wall_s"], "add_cpu_s": add["cpu_s"],
                              "add_peak_rss_mb": add["peak_rss_mb"],
                              "add_vs_rebuild_wall": round(add["wall_s"] / full_est, 4),
                              "add_vs_rebuild_cpu": round(add["cpu_s"] / (base["cpu_s"] * (bd + add["out"]["docs"]) / bd), 4)}
        res["incremental_base"] = scan_row(base)
    for name in ("incr_lookup", "incr_lookup_1t"):
        r = load(a.work, name)
        if r:
            res[name] = {**r["out"], "process_cpu_s": r["cpu_s"], "peak_rss_mb": r["peak_rss_mb"], "load1": r["load1"]}
    for n in a.side.split():
        p = os.path.join(a.results, f"side_by_side_s{n}.json")
        if os.path.exists(p):
            d = json.load(open(p))
            res.setdefault("side_by_side", {})[n] = [
                {k: x.get(k) for k in ("tool", "near_dup_cpu_s", "mb_per_s", "docs_per_s", "peak_rss_mb", "verified_pairs")}
                for x in d["rows"]]
    os.makedirs(a.results, exist_ok=True)
    json.dump(res, open(os.path.join(a.results, "scale.json"), "w"), indent=1)

    f = lambda x: "-" if x is None else (f"{x:,.2f}" if isinstance(x, float) else f"{x:,}")
    md = [f"Scale runs ({res['when']}, {res['nproc']} cores, load average at end {' '.join(res['loadavg_at_end'])})", "",
          "| docs | MB | wall s (2 cores) | CPU s | MB/s per core | peak RSS MB | RSS B/doc | index B/doc (compacted) "
          "| candidates | family P / R | spun / syndicated link recall | load1 before, after |",
          "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in res["scans"]:
        md.append(f"| {r['docs']:,} | {r['mb']} | {f(r['wall_s'])} | {f(r['cpu_s'])} | {r['mb_s_per_core']} | {r['peak_rss_mb']} "
                  f"| {r['rss_bytes_per_doc']:,} | {f(r.get('index_bytes_per_doc'))} ({f(r.get('index_bytes_per_doc_compacted'))}) "
                  f"| {r['candidates']:,} | {r.get('family_precision')} / {r.get('family_recall')} "
                  f"| {r.get('spun_link_recall')} / {r.get('syndicated_link_recall')} | {r['load1']} |")
    md += ["", "Per stage (CPU s, and MB/s per core of that stage):", "",
           "| docs | " + " | ".join(res["scans"][0]["stages"]) + " |" if res["scans"] else "",
           "|---:|" + "---:|" * (len(res["scans"][0]["stages"]) if res["scans"] else 0)]
    for r in res["scans"]:
        md.append(f"| {r['docs']:,} | " + " | ".join(
            f"{v['cpu_s']} ({f(v['mb_s_per_core'])})" for v in r["stages"].values()) + " |")
    if "speedup" in res:
        s = res["speedup"]
        md += ["", f"Threads at {s['size']}: 1 thread {s['wall_1t']} s wall ({s['cpu_1t']} s CPU), 2 threads "
                   f"{s['wall_2t']} s wall ({s['cpu_2t']} s CPU): speedup {s['speedup_wall']}x"]
    if "incremental" in res:
        i = res["incremental"]
        md += ["", f"Incremental at {i['size']}: {i['base_docs']:,} docs indexed in {i['base_wall_s']} s wall "
                   f"({i['base_cpu_s']} s CPU); adding {i['add_docs']:,} took {i['add_wall_s']} s wall ({i['add_cpu_s']} s CPU), "
                   f"{100 * i['add_vs_rebuild_wall']:.2f}% of a rebuild's wall time ({100 * i['add_vs_rebuild_cpu']:.2f}% of its CPU)"]
    for name in ("incr_lookup", "incr_lookup_1t"):
        if name in res:
            l = res[name]
            md += ["", f"Lookups ({name}): {l.get('queries')} queries, p50 {l.get('p50_ms')} ms, p99 {l.get('p99_ms')} ms, "
                       f"max {l.get('max_ms')} ms, mean {l.get('mean_ms')} ms; peak RSS {l['peak_rss_mb']} MB"]
    for n, rows in res.get("side_by_side", {}).items():
        md += ["", f"Near-dup stage side by side on s{n} (one core each):", "",
               "| tool | near-dup CPU s | MB/s per core | peak RSS MB | pairs |", "|---|---:|---:|---:|---:|"]
        for x in rows:
            md.append(f"| {x['tool']} | {x['near_dup_cpu_s']} | {f(x['mb_per_s'])} | {x['peak_rss_mb']} | {x['verified_pairs']} |")
    text = "\n".join(md) + "\n"
    open(os.path.join(a.results, "scale.md"), "w").write(text)
    print(text)


if __name__ == "__main__":
    main()
