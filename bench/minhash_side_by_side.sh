#!/usr/bin/env bash
# MinHash+LSH near-duplicate throughput, unspun beside the Python-facing anchors, one core each.
#
#   bench/minhash_side_by_side.sh INPUT.jsonl
#
# Runs ../shared/bench/bench_minhash.py for each anchor (default: gaoya datasketch rensa-r) and
#   $UNSPUN scan INPUT --out DIR --no-index --raw --json
# all with RAYON_NUM_THREADS=1 under `/usr/bin/time -v` (peak RSS). Prints a markdown table and writes
# bench/results/side_by_side_<input stem>.json and .md.
#
# Environment:
#   UNSPUN   unspun binary (default: <repo>/target/release/unspun); missing -> anchors only, with a message
#   ANCHORS  space-separated bench_minhash.py --lib values (default: "gaoya datasketch rensa-r"; "" = none)
#   VENV     bench venv (default: <repo>/.venv-bench, made by bench/setup.sh)
#   BENCH    bench_minhash.py path (default: ../shared/bench/bench_minhash.py)
#   RUNS     runs per tool; the one with the least near-dup CPU is kept (default 3)
#   NICE     niceness for every run (default 10; CPU seconds, not wall time, are the figure of merit)
#   OUT_DIR  where unspun writes its run (default: a fresh temp dir, kept)
#   RESULTS  results folder (default: <repo>/bench/results)
#   UNSPUN_REV  free text naming the binary's source state (e.g. `git describe --dirty`), copied into the JSON
#   UNSPUN_ARGS extra scan arguments; NEAR_DUP_ONLY=1 sets them to the near-duplicate stage alone
#            (`--without skeleton,entities,alignment,stories`) and adds `_near_dup` to the results' names
#
# Figures: docs/s and MB/s per core = docs (text MB) / CPU seconds of the near-duplicate work. For the anchors
# that is bench_minhash.py's total_cpu_s_excl_load (shingle+signature+LSH insert+query+verify; JSON loading
# excluded); for unspun it is timings.near_dup_cpu_s (read+normalise+shingle+sign+LSH+verify: reading
# included, so the comparison is, if anything, against unspun). Verified pairs: anchors count pairs with
# estimated J >= 0.8; unspun's count is its duplicate pairs (containment-verified), not the same criterion.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
INPUT="${1:-}"
if [ -z "$INPUT" ] || [ ! -f "$INPUT" ]; then
  echo "usage: $0 INPUT.jsonl   (file not found: '${INPUT}')" >&2
  exit 2
fi
INPUT="$(cd "$(dirname "$INPUT")" && pwd)/$(basename "$INPUT")"
UNSPUN="${UNSPUN:-$ROOT/target/release/unspun}"
ANCHORS="${ANCHORS-gaoya datasketch rensa-r}"
VENV="${VENV:-$ROOT/.venv-bench}"
BENCH="${BENCH:-$ROOT/../shared/bench/bench_minhash.py}"
NICE="${NICE:-10}"
RUNS="${RUNS:-3}"
RESULTS="${RESULTS:-$ROOT/bench/results}"
STEM="$(basename "$INPUT")"; STEM="${STEM%.jsonl}"
if [ "${NEAR_DUP_ONLY:-0}" = 1 ]; then
  UNSPUN_ARGS="--without skeleton,entities,alignment,stories ${UNSPUN_ARGS:-}"
  RESULT_STEM="${STEM}_near_dup"
else
  RESULT_STEM="$STEM"
fi
read -r -a EXTRA <<<"${UNSPUN_ARGS:-}"
mkdir -p "$RESULTS"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/sbs-XXXXXX")"
export RAYON_NUM_THREADS=1 OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1

TIMEV=(/usr/bin/time -v)
if [ ! -x /usr/bin/time ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing GNU time (apt-get install time) for peak RSS" >&2
    apt-get install -y -q time >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q time >/dev/null; } || true
  fi
  if [ ! -x /usr/bin/time ]; then
    echo "warning: /usr/bin/time missing: peak RSS not measured" >&2
    TIMEV=()
  fi
fi

run_timed() {  # NAME CMD... : stdout -> $WORK/NAME.out, time -v -> $WORK/NAME.time, stderr -> $WORK/NAME.err
  local name="$1"; shift
  local rc=0
  cut -d' ' -f1-3 /proc/loadavg >"$WORK/$name.load"
  if [ ${#TIMEV[@]} -gt 0 ]; then
    nice -n "$NICE" "${TIMEV[@]}" -o "$WORK/$name.time" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" || rc=$?
  else
    nice -n "$NICE" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" || rc=$?
  fi
  echo "$rc" >"$WORK/$name.rc"
  cut -d' ' -f1-3 /proc/loadavg >>"$WORK/$name.load"
  if [ "$rc" != 0 ]; then
    echo "  $name failed (exit $rc); last stderr lines:" >&2
    tail -n 5 "$WORK/$name.err" >&2 || true
  fi
}

# Anchors.
ran_anchors=()
if [ -n "$ANCHORS" ]; then
  if [ ! -x "$VENV/bin/python" ]; then
    echo "no bench venv at $VENV: run bench/setup.sh first (anchors skipped)" >&2
  elif [ ! -f "$BENCH" ]; then
    echo "missing $BENCH (anchors skipped)" >&2
  else
    for lib in $ANCHORS; do
      for k in $(seq 1 "$RUNS"); do
        echo "running anchor $lib on $(basename "$INPUT") ($k/$RUNS) ..." >&2
        run_timed "$lib.$k" "$VENV/bin/python" "$BENCH" --lib "$lib" --input "$INPUT"
      done
      ran_anchors+=("$lib")
    done
  fi
fi

# unspun.
UNSPUN_STATUS="missing"
if [ -x "$UNSPUN" ]; then
  OUT_DIR="${OUT_DIR:-$WORK/unspun-run}"
  for k in $(seq 1 "$RUNS"); do
    echo "running unspun scan on $(basename "$INPUT") -> $OUT_DIR ($k/$RUNS) ..." >&2
    rm -rf "$OUT_DIR"
    run_timed "unspun.$k" "$UNSPUN" scan "$INPUT" --out "$OUT_DIR" --no-index --raw --json ${EXTRA[@]+"${EXTRA[@]}"}
  done
  UNSPUN_STATUS="ran"
else
  OUT_DIR=""
  echo "unspun binary not found at $UNSPUN (build it: cargo build --release, or set UNSPUN=...);" \
       "reporting the anchors only" >&2
fi

PY="$VENV/bin/python"; [ -x "$PY" ] || PY=python3
"$PY" - "$WORK" "$INPUT" "$UNSPUN" "$UNSPUN_STATUS" "$OUT_DIR" "$RESULTS" "$RESULT_STEM" "$ROOT" "$RUNS" "${ran_anchors[@]}" <<'PY'
import datetime, json, os, platform, re, subprocess, sys

work, inp, unspun, ustatus, out_dir, results, stem, root, runs = sys.argv[1:10]
anchors = sys.argv[10:]
runs = int(runs)


def peak_rss_mb(name):
    p = os.path.join(work, name + ".time")
    if not os.path.exists(p):
        return None
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", open(p).read())
    return round(int(m.group(1)) / 1024, 1) if m else None


def load(name):
    """1-minute load average before and after the run (from /proc/loadavg)."""
    p = os.path.join(work, name + ".load")
    if not os.path.exists(p):
        return None
    return [float(l.split()[0]) for l in open(p) if l.strip()]


def rc(name):
    p = os.path.join(work, name + ".rc")
    return int(open(p).read().strip()) if os.path.exists(p) else None


def parse_json_out(text):
    """The whole stdout as JSON, else the last line (or last block starting at a line's '{') that parses."""
    text = text.strip()
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        pass
    dec = json.JSONDecoder()
    starts = [m.start() for m in re.finditer(r"(?m)^\s*\{", text)]
    for s in reversed(starts):
        try:
            obj, _ = dec.raw_decode(text[s:].lstrip())
            if isinstance(obj, dict):
                return obj
        except json.JSONDecodeError:
            continue
    return None


def find_key(obj, names):
    """First value for any of `names`, searching the object breadth-first."""
    todo = [obj]
    while todo:
        o = todo.pop(0)
        if isinstance(o, dict):
            for n in names:
                if n in o and not isinstance(o[n], (dict, list)):
                    return o[n]
            todo.extend(v for v in o.values() if isinstance(v, dict))
    return None


rows, raw = [], {}
for lib in anchors:
    tries = []
    for k in range(1, runs + 1):
        name = f"{lib}.{k}"
        j = parse_json_out(open(os.path.join(work, name + ".out")).read()) if rc(name) == 0 else None
        tries.append({"exit": rc(name), "result": j, "peak_rss_mb": peak_rss_mb(name), "load1": load(name)})
    raw[lib] = tries
    ok = [t for t in tries if t["result"]]
    if not ok:
        rows.append({"tool": lib, "error": f"exit {tries[-1]['exit']}, no JSON result"})
        continue
    best = min(ok, key=lambda t: t["result"]["total_cpu_s_excl_load"])
    j = best["result"]
    cpu = j["total_cpu_s_excl_load"]
    rows.append({"tool": lib, "kind": "anchor", "docs": j["docs"], "mb": j["mb_text"], "near_dup_cpu_s": cpu,
                 "docs_per_s": j["docs"] / cpu if cpu else None, "mb_per_s": j["mb_text"] / cpu if cpu else None,
                 "peak_rss_mb": max(t["peak_rss_mb"] or 0 for t in ok) or None,
                 "verified_pairs": j.get("verified_pairs_j>=0.8"),
                 "cpu_s_all_runs": [t["result"]["total_cpu_s_excl_load"] for t in ok],
                 "stages_cpu_s": j.get("stages_cpu_s"), "wall_s": j.get("total_wall_s_excl_load")})

unspun_row, notes = None, []
if ustatus == "ran":
    tries = []
    for k in range(1, runs + 1):
        name = f"unspun.{k}"
        j = parse_json_out(open(os.path.join(work, name + ".out")).read()) if rc(name) == 0 else None
        tries.append({"exit": rc(name), "summary": j, "peak_rss_mb": peak_rss_mb(name), "load1": load(name)})
    ok = [t for t in tries if isinstance(t["summary"], dict)]
    cpu_of = lambda t: ((t["summary"].get("timings") or {}).get("near_dup_cpu_s") or float("inf"))
    best = min(ok, key=cpu_of) if ok else tries[-1]
    j = best["summary"]
    raw["unspun"] = {"runs": tries, "summary": j, "peak_rss_mb": max((t["peak_rss_mb"] or 0 for t in tries), default=0) or None}
    if not ok:
        notes.append(f"unspun exited {tries[-1]['exit']} and printed no JSON summary; see {work}/unspun.{runs}.err")
        rows.append({"tool": "unspun", "error": f"exit {tries[-1]['exit']}"})
    else:
        timings = j.get("timings") if isinstance(j.get("timings"), dict) else {}
        cpu = timings.get("near_dup_cpu_s")
        docs = j.get("docs") if j.get("docs") is not None else find_key(j, ["docs", "documents"])
        mb = j.get("mb") if j.get("mb") is not None else find_key(j, ["mb", "mb_text"])
        missing = [k for k, v in (("timings.near_dup_cpu_s", cpu), ("docs", docs), ("mb", mb)) if v is None]
        if missing:
            notes.append("unspun --json summary lacks " + ", ".join(missing))
        pairs = find_key(j, ["verified_pairs", "duplicate_pairs", "near_dup_pairs"])
        pairs_file = os.path.join(out_dir, "pairs.jsonl")
        if pairs is None and os.path.exists(pairs_file):
            pairs = 0
            with open(pairs_file, encoding="utf-8") as f:
                for line in f:
                    if line.strip() and json.loads(line).get("relation") == "duplicate":
                        pairs += 1
        unspun_row = {"tool": "unspun", "kind": "unspun", "docs": docs, "mb": mb, "near_dup_cpu_s": cpu,
                      "docs_per_s": docs / cpu if docs and cpu else None,
                      "mb_per_s": mb / cpu if mb and cpu else None,
                      "peak_rss_mb": raw["unspun"]["peak_rss_mb"], "verified_pairs": pairs, "timings": timings,
                      "cpu_s_all_runs": [cpu_of(t) for t in ok]}
        rows.append(unspun_row)
        # Exact recall against a truth file for this input, when there is one.
        tname = stem.replace("_near_dup", "").replace("reuters21578", "reuters") + "_truth.json"
        truth = next((t for t in (os.path.join(results, tname), os.path.join(root, "bench", "results", tname))
                      if os.path.exists(t)), None)
        if truth and os.path.exists(pairs_file):
            cp = subprocess.run([sys.executable, os.path.join(root, "bench", "check_pairs.py"), "--truth", truth,
                                 "--pairs", pairs_file, "--docs", inp, "--json"], capture_output=True, text=True)
            if cp.returncode == 0:
                raw["unspun"]["check_pairs"] = json.loads(cp.stdout)
            else:
                notes.append("check_pairs failed: " + cp.stderr.strip()[-300:])
else:
    notes.append(f"unspun not run: no binary at {unspun} (cargo build --release, or set UNSPUN=)")

for r in rows:
    if unspun_row and unspun_row.get("docs_per_s") and r.get("kind") == "anchor" and r.get("docs_per_s"):
        r["unspun_speedup"] = unspun_row["docs_per_s"] / r["docs_per_s"]


def f(x, nd=1):
    return "n/a" if x is None else (f"{x:,.{nd}f}" if isinstance(x, float) else f"{x:,}")


lines = [f"Near-duplicate stage, one core (RAYON_NUM_THREADS=1), best of {runs} runs, input `{os.path.basename(inp)}`"
         + (f" ({rows[0]['docs']:,} docs, {rows[0]['mb']} MB text)" if rows and rows[0].get("docs") else ""), "",
         "| tool | docs/s per core | MB/s per core | near-dup CPU s | peak RSS MB | verified pairs | unspun speed / this |",
         "|---|---:|---:|---:|---:|---:|---:|"]
for r in rows:
    if "error" in r:
        lines.append(f"| {r['tool']} | failed: {r['error']} | | | | | |")
        continue
    ratio = f"{r['unspun_speedup']:.2f}x" if r.get("unspun_speedup") else ("-" if r["kind"] == "unspun" else "n/a")
    lines.append(f"| {r['tool']} | {f(r['docs_per_s'], 0)} | {f(r['mb_per_s'], 3)} | {f(r['near_dup_cpu_s'], 2)} | "
                 f"{f(r['peak_rss_mb'])} | {f(r['verified_pairs'])} | {ratio} |")
if unspun_row:
    unspun_row["candidates"] = (raw["unspun"]["summary"] or {}).get("candidates")
    t = unspun_row["timings"]
    g = lambda k: t.get(k)
    lines += ["", "unspun near-dup CPU s by stage (best run): read "
              f"{f(g('read_cpu_s'), 2)}, prepare (clean+tokenise+shingle+MinHash+anchors+skeleton+sentences) "
              f"{f(g('prepare_cpu_s'), 2)}, candidates {f(g('candidates_cpu_s'), 2)}, verify+align "
              f"{f(g('verify_cpu_s'), 2)}; {f(unspun_row.get('candidates'))} candidate pairs verified."]
all_loads = [x for v in raw.values() for t in (v if isinstance(v, list) else v.get("runs", [])) for x in (t.get("load1") or [])]
if all_loads:
    lines.append(f"1-minute load average at run starts/ends: {min(all_loads):.2f} to {max(all_loads):.2f} (2 cores: "
                 "above ~1 another job was running; CPU seconds are less affected than wall time, but not immune).")
for r in rows:
    if r.get("cpu_s_all_runs") and len(r["cpu_s_all_runs"]) > 1:
        r["cpu_spread"] = max(r["cpu_s_all_runs"]) / min(r["cpu_s_all_runs"])
lines.append("CPU s of every run: " + "; ".join(
    f"{r['tool']} " + ", ".join(f"{x:.2f}" for x in r["cpu_s_all_runs"]) for r in rows if r.get("cpu_s_all_runs")))
lines += ["", "Anchors: CPU s of shingle+signature+LSH+verify in bench_minhash.py (JSON load excluded), pairs with "
          "estimated J >= 0.8. unspun: timings.near_dup_cpu_s (read+normalise+shingle+sign+LSH+verify), its "
          "duplicate pairs. Peak RSS is the whole process (Python interpreter included for anchors)."]
if "unspun" in raw and raw["unspun"].get("check_pairs"):
    c = raw["unspun"]["check_pairs"]
    k = [x for x in c if x.startswith("recall_j>=")][0]
    lines.append(f"unspun vs exact truth: recall of {k[7:]} pairs {c[k]['either_recall']} (direct "
                 f"{c[k]['direct_recall']}), exact repeats {c['recall_exact_repeats']['either_recall']}; "
                 f"direct pairs with true J < 0.5: {c['precision_direct_pairs']['j<0.5']}")
lines += [f"note: {n}" for n in notes]
md = "\n".join(lines)
print(md)


def versions():
    out = {}
    try:
        import importlib.metadata as m
        for p in ("gaoya", "rensa", "datasketch", "numpy"):
            try:
                out[p] = m.version(p)
            except m.PackageNotFoundError:
                pass
    except Exception:
        pass
    return out


cpu_model = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), None)
res = {"input": inp, "when": datetime.datetime.now().isoformat(timespec="seconds"),
       "machine": {"cpu": cpu_model, "nproc": os.cpu_count(), "python": platform.python_version(),
                   "load_avg_at_end": os.getloadavg()},
       "unspun_rev": os.environ.get("UNSPUN_REV"), "versions": versions(), "rows": rows, "raw": raw, "notes": notes, "work_dir": work,
       "unspun_out_dir": out_dir or None}
js = os.path.join(results, f"side_by_side_{stem}.json")
with open(js, "w") as fh:
    json.dump(res, fh, indent=1)
    fh.write("\n")
with open(os.path.join(results, f"side_by_side_{stem}.md"), "w") as fh:
    fh.write(md + "\n")
print(f"\nwrote {js}", file=sys.stderr)
sys.exit(1 if ustatus == "ran" and (unspun_row is None or unspun_row.get("docs_per_s") is None) else 0)
PY
