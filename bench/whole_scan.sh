#!/usr/bin/env bash
# Whole-scan throughput of `unspun scan` (default cleaning), one thread and two, with and without the index.
#
#   bench/whole_scan.sh INPUT.jsonl
#
# For each mode (--no-index; --index to a fresh temp file) and each thread count (THREADS, default "1 2") runs
#   RAYON_NUM_THREADS=T unspun scan INPUT --out DIR [--no-index | --index FILE] --json
# RUNS times under `/usr/bin/time -v` and keeps the run with the least process CPU (user+sys). The index file is
# deleted before every run, so every run indexes the whole input. Prints a markdown table and writes
# bench/results/whole_scan_<input stem>.json and .md.
#
# Figures: MB/s per core = text MB / process CPU s (everything: start-up, reading, learning page furniture,
# cleaning, near-dup, index writes, report, output files). Wall s is best-of-RUNS too; the 2-thread speedup is
# wall(1 thread) / wall(2 threads), which another job on the 2-core box depresses (see the load column).
#
# Environment: UNSPUN (default <repo>/target/release/unspun), RUNS (3), NICE (10), THREADS ("1 2"),
#   MODES ("no-index index"), EXTRA (extra scan arguments, e.g. --raw), RESULTS (<repo>/bench/results),
#   TAG (suffix of the results file names), UNSPUN_REV (free text naming the binary's source state).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
INPUT="${1:-}"
if [ -z "$INPUT" ] || [ ! -f "$INPUT" ]; then
  echo "usage: $0 INPUT.jsonl   (file not found: '${INPUT}')" >&2
  exit 2
fi
INPUT="$(cd "$(dirname "$INPUT")" && pwd)/$(basename "$INPUT")"
UNSPUN="${UNSPUN:-$ROOT/target/release/unspun}"
RUNS="${RUNS:-3}"
NICE="${NICE:-10}"
THREADS="${THREADS:-1 2}"
MODES="${MODES:-no-index index}"
EXTRA="${EXTRA:-}"
RESULTS="${RESULTS:-$ROOT/bench/results}"
STEM="$(basename "$INPUT")"; STEM="${STEM%.jsonl}${TAG:+_$TAG}"
[ -x "$UNSPUN" ] || { echo "no unspun binary at $UNSPUN (cargo build --release -p unspun_cli)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "GNU time missing (apt-get install time, or bench/setup.sh)" >&2; exit 1; }
mkdir -p "$RESULTS"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/wholescan-XXXXXX")"

for mode in $MODES; do
  for t in $THREADS; do
    for k in $(seq 1 "$RUNS"); do
      name="$mode.t$t.$k"
      out="$WORK/out-$name"
      idx="$WORK/index-$mode-t$t.redb"
      rm -rf "$out" "$idx" "$idx.postings"
      if [ "$mode" = index ]; then where=(--index "$idx"); else where=(--no-index); fi
      echo "unspun scan $(basename "$INPUT") $mode, $t thread(s) ($k/$RUNS) ..." >&2
      cut -d' ' -f1-3 /proc/loadavg >"$WORK/$name.load"
      rc=0
      # shellcheck disable=SC2086
      RAYON_NUM_THREADS=$t nice -n "$NICE" /usr/bin/time -v -o "$WORK/$name.time" \
        "$UNSPUN" scan "$INPUT" --out "$out" "${where[@]}" --json -q $EXTRA >"$WORK/$name.out" 2>"$WORK/$name.err" || rc=$?
      cut -d' ' -f1-3 /proc/loadavg >>"$WORK/$name.load"
      echo "$rc" >"$WORK/$name.rc"
      if [ -f "$idx" ]; then du -cb "$idx" "$idx.postings" | tail -1 | cut -f1 >"$WORK/$name.idxsize"; fi
      [ "$rc" = 0 ] || { echo "  failed (exit $rc):" >&2; tail -n 5 "$WORK/$name.err" >&2; }
      rm -rf "$idx" "$idx.postings"
    done
  done
done

python3 - "$WORK" "$INPUT" "$RESULTS" "$STEM" "$RUNS" "$MODES" "$THREADS" "$EXTRA" "$ROOT" <<'PY'
import datetime, json, os, sys
work, inp, results, stem, runs, modes, threads, extra, root = sys.argv[1:10]
sys.path.insert(0, os.path.join(root, "bench"))
from timev import timev as parse_timev
runs, modes, threads = int(runs), modes.split(), [int(t) for t in threads.split()]


def timev(name):
    return parse_timev(os.path.join(work, name + ".time"))


rows = []
for mode in modes:
    for t in threads:
        tries = []
        for k in range(1, runs + 1):
            name = f"{mode}.t{t}.{k}"
            if open(os.path.join(work, name + ".rc")).read().strip() != "0":
                continue
            tv = timev(name)
            s = json.loads(open(os.path.join(work, name + ".out")).read())
            load = [float(l.split()[0]) for l in open(os.path.join(work, name + ".load")) if l.strip()]
            p = os.path.join(work, name + ".idxsize")
            tries.append({**tv, "cpu_s": round(tv["user_s"] + tv["sys_s"], 2), "summary": s, "load1": load,
                          "index_bytes": int(open(p).read()) if os.path.exists(p) else None})
        if not tries:
            rows.append({"mode": mode, "threads": t, "error": "every run failed"})
            continue
        best = min(tries, key=lambda r: r["cpu_s"])
        s = best["summary"]
        rows.append({"mode": mode, "threads": t, "docs": s["docs"], "mb": s["mb"], "cpu_s": best["cpu_s"],
                     "mb_per_s_per_core": s["mb"] / best["cpu_s"], "docs_per_s_per_core": s["docs"] / best["cpu_s"],
                     "wall_s_best": min(r["wall_s"] for r in tries),
                     "peak_rss_mb": max(r["peak_rss_mb"] for r in tries),
                     "index_mb": round(best["index_bytes"] / 1e6, 1) if best["index_bytes"] else None,
                     "pairs": s["pairs"], "families": s["families"], "candidates": s["candidates"],
                     "timings_best": s["timings"], "cpu_s_all_runs": [r["cpu_s"] for r in tries],
                     "wall_s_all_runs": [r["wall_s"] for r in tries],
                     "load1_range": [min(x for r in tries for x in r["load1"]), max(x for r in tries for x in r["load1"])]})

by = {(r["mode"], r["threads"]): r for r in rows if "error" not in r}
for r in rows:
    one = by.get((r["mode"], 1))
    if one and "error" not in r and r["threads"] > 1:
        r["speedup_wall"] = one["wall_s_best"] / r["wall_s_best"]
        r["cpu_vs_1_thread"] = r["cpu_s"] / one["cpu_s"]

f = lambda x, nd=2: "n/a" if x is None else (f"{x:,.{nd}f}" if isinstance(x, float) else f"{x:,}")
first = next((r for r in rows if "error" not in r), {})
lines = [f"Whole scan, `unspun scan {os.path.basename(inp)} {extra}` (default cleaning unless --raw), best of {runs} "
         f"by process CPU ({first.get('docs', 0):,} docs, {first.get('mb', 0):.2f} MB text)", "",
         "| mode | threads | process CPU s | MB/s per core | docs/s per core | best wall s | speedup vs 1 thread (wall) "
         "| CPU vs 1 thread | peak RSS MB | index MB | pairs | load1 during runs |",
         "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
for r in rows:
    if "error" in r:
        lines.append(f"| {r['mode']} | {r['threads']} | failed | | | | | | | | | |")
        continue
    lines.append(f"| {'--' + r['mode'] if r['mode'] == 'no-index' else '--index FILE'} | {r['threads']} | {f(r['cpu_s'])} | "
                 f"{f(r['mb_per_s_per_core'])} | {f(r['docs_per_s_per_core'], 0)} | {f(r['wall_s_best'])} | "
                 f"{f(r.get('speedup_wall'))}{'x' if r.get('speedup_wall') else ''} | "
                 f"{f(r.get('cpu_vs_1_thread'))}{'x' if r.get('cpu_vs_1_thread') else ''} | {f(r['peak_rss_mb'], 1)} | "
                 f"{f(r['index_mb'], 1)} | {r['pairs']:,} | {r['load1_range'][0]:.2f}-{r['load1_range'][1]:.2f} |")
stage_keys = ["read_cpu_s", "line_stats_cpu_s", "prepare_cpu_s", "candidates_cpu_s", "verify_cpu_s",
              "index_write_cpu_s", "report_cpu_s"]
lines += ["", "Stage CPU s of the best runs (from --json timings; the rest of process CPU is start-up, index "
          "open/graph load and writing the output files):", "",
          "| mode | threads | " + " | ".join(k[:-6] for k in stage_keys) + " | sum of stages | process CPU |",
          "|---|---:|" + "---:|" * (len(stage_keys) + 2)]
for r in rows:
    if "error" in r:
        continue
    t = r["timings_best"]
    ssum = sum(t.get(k, 0) for k in stage_keys)
    lines.append(f"| {r['mode']} | {r['threads']} | " + " | ".join(f(t.get(k)) for k in stage_keys)
                 + f" | {ssum:.2f} | {r['cpu_s']:.2f} |")
lines.append("")
lines.append("CPU s of every run: " + "; ".join(f"{r['mode']} t{r['threads']} " + ", ".join(f"{x:.2f}" for x in r["cpu_s_all_runs"])
                                                for r in rows if "error" not in r))
lines.append("wall s of every run: " + "; ".join(f"{r['mode']} t{r['threads']} " + ", ".join(f"{x:.2f}" for x in r["wall_s_all_runs"])
                                                 for r in rows if "error" not in r))
md = "\n".join(lines)
print(md)
cpu_model = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), None)
res = {"input": inp, "extra_args": extra, "when": datetime.datetime.now().isoformat(timespec="seconds"),
       "machine": {"cpu": cpu_model, "nproc": os.cpu_count()}, "unspun_rev": os.environ.get("UNSPUN_REV"),
       "rows": rows, "work_dir": work}
with open(os.path.join(results, f"whole_scan_{stem}.json"), "w") as fh:
    json.dump(res, fh, indent=1)
    fh.write("\n")
with open(os.path.join(results, f"whole_scan_{stem}.md"), "w") as fh:
    fh.write(md + "\n")
print(f"\nwrote {os.path.join(results, f'whole_scan_{stem}.json')}", file=sys.stderr)
PY
