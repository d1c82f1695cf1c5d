#!/usr/bin/env bash
# Plain-text cleaner benchmark: clean the ScrapingHub AEB plain-text captures with
# unspun_extract::clean_plain (host statistics built over all 181 pages first) and score the
# result with the shared word-shingle scorer. Prints throughput and P/R/F1 (± bootstrap std).
#
# Usage: bench/extract_plain.sh [OUT_DIR]
# Env:   SHARED (default: ../shared next to the repo), CARGO_TARGET_DIR (default /work/target-extract),
#        SANITY=1 to also clean newsreuse-dev and spun-synth-dev and report empty/short outputs.
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
shared="${SHARED:-$(cd "$repo/../shared" && pwd)}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/work/target-extract}"
out="${1:-$(mktemp -d)}"
mkdir -p "$out"
bench="$shared/data/article-extraction/scrapinghub-aeb"

cd "$repo"
cargo build --release -q -p unspun_extract --example aeb_plain --example docs_plain
bin="$CARGO_TARGET_DIR/release/examples"

echo "== AEB plain text (181 pages): $out/unspun_plain.json"
"$bin/aeb_plain" "$bench/fulltext.jsonl.gz" "$bench/ground-truth.json" "$out/unspun_plain.json"
python3 "$shared/eval/extract_eval.py" score "$bench" "$out/unspun_plain.json" --bootstrap 1000

if [[ "${SANITY:-0}" == 1 ]]; then
    for d in newsreuse-dev spun-synth-dev; do
        echo "== $d: $out/$d.clean.jsonl"
        "$bin/docs_plain" "$shared/data/$d/docs.jsonl" "$out/$d.clean.jsonl"
    done
fi
