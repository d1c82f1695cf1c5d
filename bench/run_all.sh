#!/usr/bin/env bash
# Reproduce the figures of BENCHMARKS.md in one go:
#   1. near-duplicate stage speed, one core: unspun beside gaoya, datasketch, rensa-r (minhash_side_by_side.sh)
#      on Reuters-21578 and BBC-2225
#   2. whole-scan throughput, default cleaning, --no-index and --index FILE, 1 and 2 threads (whole_scan.sh)
#   3. Reuters-21578 recall against the exhaustive truth (results/reuters_truth.json), default cleaning and
#      --raw (check_pairs.py, recall_report.py)
#
#   bench/run_all.sh                 # everything, RUNS=3 per timed configuration, the checkout as it is
#   GIT_REV=HEAD bench/run_all.sh    # the same for the last commit, built apart from the working tree
#   PARTS="recall" bench/run_all.sh  # a subset: any of "speed whole recall"
#
# The binary is built first (cargo build --release -p unspun_cli) and copied to the work directory, so that a
# rebuild by someone else during the run cannot change what is measured; its source state (commit, and a hash
# of the uncommitted diff if any) is written beside the results. A sampler records the 1-minute load average
# and whether a rustc was running every 2 s (results/run_all_load.tsv): the box has 2 cores and is shared, so
# CPU seconds (not wall time) are the figure of merit, best of RUNS.
#
# Environment: SHARED (default <repo>/../shared), RESULTS (<repo>/bench/results), RUNS (3), NICE (10),
#   PARTS ("speed whole recall"), SKIP_BUILD=1 (use target/release/unspun as it is), SKIP_SETUP=1 (do not run
#   bench/setup.sh), GIT_REV=<commit> (build that commit from `git archive` in the work directory, target dir
#   REV_TARGET_DIR, default /tmp/unspun-target-<commit>, instead of the checkout), UNSPUN_BIN=<path> (measure
#   that binary; name its source in UNSPUN_REV), WAIT_QUIET=<load> and WAIT_MAX=<s> (wait for a quiet box
#   before each timed part, see wait_quiet).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SHARED="${SHARED:-$(cd "$ROOT/../shared" && pwd)}"
RESULTS="${RESULTS:-$ROOT/bench/results}"
PARTS="${PARTS:-speed whole recall}"
export RUNS="${RUNS:-3}" NICE="${NICE:-10}" RESULTS
REUTERS="$SHARED/data/scale-news/reuters21578.jsonl"
BBC="$SHARED/data/scale-news/bbc2225.jsonl"
TRUTH="$ROOT/bench/results/reuters_truth.json"
mkdir -p "$RESULTS"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/runall-XXXXXX")"
echo "work directory: $WORK" >&2
cd "$ROOT"

# 1. Build, and freeze the binary.
if [ -n "${UNSPUN_BIN:-}" ]; then
  cp "$UNSPUN_BIN" "$WORK/unspun"
  REV="${UNSPUN_REV:-given binary $UNSPUN_BIN}"
elif [ -n "${GIT_REV:-}" ]; then
  # A committed state, built outside the checkout (the working tree may hold someone's uncommitted changes).
  REV="$(git rev-parse --short "$GIT_REV")"
  mkdir -p "$WORK/src"
  git archive "$GIT_REV" | tar -x -C "$WORK/src"
  echo "== cargo build --release -p unspun_cli (commit $REV, in $WORK/src)" >&2
  (cd "$WORK/src" && cargo build --release -p unspun_cli --target-dir "${REV_TARGET_DIR:-${TMPDIR:-/tmp}/unspun-target-$REV}")
  cp "${REV_TARGET_DIR:-${TMPDIR:-/tmp}/unspun-target-$REV}/release/unspun" "$WORK/unspun"
else
  if [ "${SKIP_BUILD:-0}" != 1 ]; then
    echo "== cargo build --release -p unspun_cli" >&2
    cargo build --release -p unspun_cli
  fi
  cp target/release/unspun "$WORK/unspun"
  REV="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
  if ! git diff --quiet HEAD -- crates Cargo.toml Cargo.lock 2>/dev/null; then
    REV="$REV+uncommitted($(git diff HEAD -- crates Cargo.toml Cargo.lock | sha256sum | cut -c1-12))"
  fi
fi
export UNSPUN="$WORK/unspun"
export UNSPUN_REV="$REV"
echo "unspun binary: $UNSPUN ($UNSPUN_REV)" >&2

if [ "${SKIP_SETUP:-0}" != 1 ]; then
  echo "== bench/setup.sh" >&2
  bash "$ROOT/bench/setup.sh" >&2
fi

# Load sampler (stopped on exit, by its own PID).
LOADLOG="$RESULTS/run_all_load.tsv"
printf 'epoch\tphase\tload1\trustc_running\n' >"$LOADLOG"
PHASE_FILE="$WORK/phase"; echo setup >"$PHASE_FILE"
(
  while :; do
    printf '%s\t%s\t%s\t%s\n' "$(date +%s)" "$(cat "$PHASE_FILE")" "$(cut -d' ' -f1 /proc/loadavg)" \
      "$(pgrep -c -x rustc || true)" >>"$LOADLOG"
    sleep 2
  done
) &
SAMPLER=$!
trap 'kill "$SAMPLER" 2>/dev/null || true' EXIT
# WAIT_QUIET=L: before each timed phase wait (up to WAIT_MAX seconds, default 900) until no rustc runs and the
# 1-minute load average is below L; the run goes ahead anyway after WAIT_MAX, and the load log says so.
wait_quiet() {
  [ -n "${WAIT_QUIET:-}" ] || return 0
  local waited=0
  while [ "$waited" -lt "${WAIT_MAX:-900}" ]; do
    if ! pgrep -x rustc >/dev/null && awk -v l="$WAIT_QUIET" '{exit !($1 < l)}' /proc/loadavg; then
      return 0
    fi
    sleep 10; waited=$((waited + 10))
  done
  echo "  still busy after ${WAIT_MAX:-900}s (load $(cut -d' ' -f1 /proc/loadavg)); measuring anyway" >&2
}
phase() { echo "wait" >"$PHASE_FILE"; wait_quiet; echo "$1" >"$PHASE_FILE"; echo "== $1" >&2; }

# 2. Near-duplicate stage, one core.
if [[ " $PARTS " == *" speed "* ]]; then
  for f in "$REUTERS" "$BBC"; do
    phase "speed $(basename "$f")"
    OUT_DIR="$WORK/sbs-$(basename "$f" .jsonl)" bash "$ROOT/bench/minhash_side_by_side.sh" "$f"
  done
fi

# 3. Whole scan, 1 and 2 threads, with and without the index.
if [[ " $PARTS " == *" whole "* ]]; then
  for f in "$REUTERS" "$BBC"; do
    phase "whole $(basename "$f")"
    bash "$ROOT/bench/whole_scan.sh" "$f"
  done
fi

# 4. Reuters recall against the exhaustive truth.
if [[ " $PARTS " == *" recall "* ]]; then
  phase "recall"
  "$UNSPUN" extract --json "$REUTERS" >"$WORK/reuters_extract.jsonl"
  for mode in clean raw; do
    extra=(); [ "$mode" = raw ] && extra=(--raw)
    out="$WORK/recall-$mode"
    echo "unspun scan reuters21578.jsonl --no-index --json ${extra[*]} -> $out" >&2
    UNSPUN_DEBUG_CANDIDATES="$WORK/candidates-$mode.jsonl" \
      "$UNSPUN" scan "$REUTERS" --out "$out" --no-index --json -q "${extra[@]}" >"$RESULTS/reuters_scan_$mode.summary.json"
    python3 "$ROOT/bench/check_pairs.py" --truth "$TRUTH" --pairs "$out/pairs.jsonl" --docs "$REUTERS" \
      --out "$RESULTS/reuters_check_pairs_$mode.json"
    python3 "$ROOT/bench/recall_report.py" --truth "$TRUTH" --docs "$REUTERS" --run "$out" \
      --candidates "$WORK/candidates-$mode.jsonl" --extract "$WORK/reuters_extract.jsonl" \
      --label "Reuters-21578, $([ "$mode" = raw ] && echo "--raw" || echo "default cleaning")" \
      --out "$RESULTS/reuters_recall_$mode.json" --md "$RESULTS/reuters_recall_$mode.md"
  done
fi

phase done
kill "$SAMPLER" 2>/dev/null || true
python3 - "$LOADLOG" "$RESULTS/run_all_env.json" "$UNSPUN_REV" "$WORK" <<'PY'
import collections, datetime, json, os, platform, subprocess, sys
log, out, rev, work = sys.argv[1:5]
rows = [l.rstrip("\n").split("\t") for l in open(log)][1:]
by = collections.defaultdict(list)
for ep, ph, l1, rc in rows:
    by[ph].append((float(l1), int(rc or 0)))
phases = {ph: {"samples": len(v), "load1_mean": round(sum(x for x, _ in v) / len(v), 2),
               "load1_max": max(x for x, _ in v),
               "share_with_rustc_running": round(sum(1 for _, r in v if r) / len(v), 2)} for ph, v in by.items()}
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), None)
rustc = subprocess.run(["rustc", "--version"], capture_output=True, text=True).stdout.strip()
env = {"when": datetime.datetime.now().isoformat(timespec="seconds"), "nproc": os.cpu_count(), "cpu": cpu,
       "kernel": platform.release(), "python": platform.python_version(), "rustc": rustc, "unspun_rev": rev,
       "work_dir": work, "load_by_phase": phases}
json.dump(env, open(out, "w"), indent=1)
print(json.dumps(env, indent=1))
PY
echo "results in $RESULTS (side_by_side_*, whole_scan_*, reuters_recall_*, run_all_env.json, run_all_load.tsv)" >&2
