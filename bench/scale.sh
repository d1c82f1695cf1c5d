#!/usr/bin/env bash
# Scale on one machine: synthetic news corpora of 10k / 100k / 1M documents through `unspun scan` with an index.
#
#   bench/scale.sh [SIZE ...]        # sizes among 10k 100k 1m (default: "10k 100k 1m")
#
# For each size N:
#   1. the corpus `$SCALE_DIR/sN.jsonl` (+ `.labels.jsonl`) from
#        ../shared/tools/synth-corpus scale --base reuters21578.jsonl --base bbc2225.jsonl --docs N --seed 1
#      made if missing (WordNet is installed with apt-get install wordnet-base if /usr/share/wordnet lacks it);
#   2. `unspun scan sN.jsonl --index FRESH --json` on 2 threads under /usr/bin/time -v: per-stage wall and CPU
#      seconds (the scan's own timings), MB/s per core, peak RSS, index bytes per document (as written, and after
#      `unspun index compact`), and score.py's recall/precision against the labels;
#   3. at SPEEDUP_SIZE (default 100k) the same scan on one thread (RAYON_NUM_THREADS=1): speedup of 2 threads;
#   4. at INCR_SIZE (default: the largest size) incremental indexing and lookups: the first N - 10k documents are
#      indexed, LOOKUPS (1000) documents of the last 10k are looked up in that index with
#      `unspun match --queries Q --latency` (one process: p50/p99 without process start-up), then the last 10k are
#      added to it: time of the addition against the time of the N - 10k build, scaled to N;
#   5. at SIDE_SIZES (default "10k"), bench/minhash_side_by_side.sh on the same file (gaoya, datasketch,
#      rensa-r and unspun's near-dup stage, one core each; needs bench/setup.sh's venv).
# Results: $RESULTS/scale.json and scale.md (and the per-run files in $WORK).
#
# Environment: UNSPUN (default <repo>/target/release/unspun), SCALE_DIR (<repo>/../scale), SHARED (<repo>/../shared),
#   WORK ($SCALE_DIR/bench-runs), RESULTS (<repo>/bench/results), NICE (0: this is about wall time too; say
#   what else ran), SPEEDUP_SIZE, INCR_SIZE, SIDE_SIZES, LOOKUPS.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SIZES="${*:-10k 100k 1m}"
UNSPUN="${UNSPUN:-$ROOT/target/release/unspun}"
SCALE_DIR="${SCALE_DIR:-$ROOT/../scale}"
SHARED="${SHARED:-$ROOT/../shared}"
WORK="${WORK:-$SCALE_DIR/bench-runs}"
RESULTS="${RESULTS:-$ROOT/bench/results}"
NICE="${NICE:-0}"
SPEEDUP_SIZE="${SPEEDUP_SIZE:-100k}"
INCR_SIZE="${INCR_SIZE:-$(echo "$SIZES" | awk '{print $NF}')}"
SIDE_SIZES="${SIDE_SIZES:-10k}"
LOOKUPS="${LOOKUPS:-1000}"
[ -x "$UNSPUN" ] || { echo "no unspun binary at $UNSPUN (cargo build --release -p unspun_cli)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "GNU time missing (apt-get install time, or bench/setup.sh)" >&2; exit 1; }
mkdir -p "$SCALE_DIR" "$WORK" "$RESULTS"
SCALE_DIR="$(cd "$SCALE_DIR" && pwd)"; WORK="$(cd "$WORK" && pwd)"

if [ ! -f /usr/share/wordnet/data.noun ]; then
  echo "installing WordNet (wordnet-base) for synth-corpus ..." >&2
  apt-get install -y -q wordnet-base >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q wordnet-base >/dev/null; }
fi

docs_of() { case "$1" in 10k) echo 10000 ;; 100k) echo 100000 ;; 1m) echo 1000000 ;; *[0-9]) echo "$1" ;;
  *) echo "unknown size $1 (10k 100k 1m or a number)" >&2; exit 2 ;; esac; }

corpus() {
  local n="$1" f="$SCALE_DIR/s$1.jsonl"
  if [ ! -s "$f" ] || [ ! -s "$SCALE_DIR/s$n.labels.jsonl" ]; then
    echo "generating $f ..." >&2
    python3 "$SHARED/tools/synth-corpus" scale --base "$SHARED/data/scale-news/reuters21578.jsonl" \
      --base "$SHARED/data/scale-news/bbc2225.jsonl" --docs "$(docs_of "$n")" --seed 1 --out "$f" >&2
  fi
}

# run NAME THREADS -- unspun args...: /usr/bin/time -v around unspun, stdout to NAME.out, load before/after
run() {
  local name="$1" t="$2"; shift 3
  cut -d' ' -f1-3 /proc/loadavg >"$WORK/$name.load"
  RAYON_NUM_THREADS="$t" nice -n "$NICE" /usr/bin/time -v -o "$WORK/$name.time" "$UNSPUN" "$@" \
    >"$WORK/$name.out" 2>"$WORK/$name.err" || { echo "$name failed:" >&2; tail -5 "$WORK/$name.err" >&2; return 1; }
  cut -d' ' -f1-3 /proc/loadavg >>"$WORK/$name.load"
}

scan_size() {
  local n="$1" t="$2" name="scan_$1_t$2" idx="$WORK/idx_$1_t$2.redb"
  rm -rf "$WORK/$name" "$idx" "$idx.postings"
  echo "scan $n on $t thread(s) ..." >&2
  run "$name" "$t" -- scan "$SCALE_DIR/s$n.jsonl" --out "$WORK/$name" --index "$idx" --json -q
  "$UNSPUN" index check --index "$idx" >"$WORK/$name.check.json"
  "$UNSPUN" index compact --index "$idx" >"$WORK/$name.compact.json"
  python3 "$SHARED/eval/score.py" --labels "$SCALE_DIR/s$n.labels.jsonl" --out "$WORK/$name" --json \
    >"$WORK/$name.score.json" 2>"$WORK/$name.score.err" || true
  rm -rf "$idx" "$idx.postings"
}

for n in $SIZES; do
  corpus "$n"
  scan_size "$n" 2
done
if echo " $SIZES " | grep -q " $SPEEDUP_SIZE "; then scan_size "$SPEEDUP_SIZE" 1; fi

# Incremental: N - 10k indexed, lookups of documents from the last 10k, then the last 10k added.
if [ -n "$INCR_SIZE" ]; then
  corpus "$INCR_SIZE"
  f="$SCALE_DIR/s$INCR_SIZE.jsonl"; total=$(docs_of "$INCR_SIZE"); head_n=$((total - 10000))
  head -n "$head_n" "$f" >"$WORK/incr_head.jsonl"
  tail -n +"$((head_n + 1))" "$f" >"$WORK/incr_tail.jsonl"
  # Every tenth of the last 10k, up to LOOKUPS, so copies and unique documents are both looked up.
  awk -v m="$LOOKUPS" 'NR % 10 == 1 && c < m { print; c++ }' "$WORK/incr_tail.jsonl" >"$WORK/incr_queries.jsonl"
  idx="$WORK/idx_incr.redb"; rm -rf "$idx" "$idx.postings" "$WORK"/incr_{base,add}
  echo "incremental at $INCR_SIZE: index the first $head_n ..." >&2
  run incr_base 2 -- scan "$WORK/incr_head.jsonl" --out "$WORK/incr_base" --index "$idx" --json -q
  echo "lookups ..." >&2
  run incr_lookup 2 -- match --index "$idx" --queries "$WORK/incr_queries.jsonl" --latency
  run incr_lookup_1t 1 -- match --index "$idx" --queries "$WORK/incr_queries.jsonl" --latency
  echo "add the last 10k ..." >&2
  du -cb "$idx" "$idx.postings" | tail -1 | cut -f1 >"$WORK/incr_base.idxsize"
  run incr_add 2 -- scan "$WORK/incr_tail.jsonl" --out "$WORK/incr_add" --index "$idx" --json -q
  du -cb "$idx" "$idx.postings" | tail -1 | cut -f1 >"$WORK/incr_add.idxsize"
  rm -rf "$idx" "$idx.postings" "$WORK/incr_head.jsonl" "$WORK/incr_tail.jsonl"
fi

for n in $SIDE_SIZES; do
  corpus "$n"
  RUNS="${SIDE_RUNS:-1}" UNSPUN="$UNSPUN" RESULTS="$RESULTS" "$ROOT/bench/minhash_side_by_side.sh" "$SCALE_DIR/s$n.jsonl" \
    >"$WORK/side_$n.md" || echo "side by side at $n failed (bench/setup.sh makes the venv)" >&2
done

python3 "$ROOT/bench/scale_report.py" --work "$WORK" --sizes "$SIZES" --speedup "$SPEEDUP_SIZE" \
  --incr "$INCR_SIZE" --side "$SIDE_SIZES" --results "$RESULTS"
