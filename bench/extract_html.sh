#!/usr/bin/env bash
# HTML article extractor benchmark: run unspun_extract::extract_html over the ScrapingHub AEB pages and the
# trafilatura evaluation pages, score both with the shared scorer, and print P/R/F1 with throughput.
#
# Usage: bench/extract_html.sh OUT_DIR
# Env:   SHARED (default: ../shared next to the repo), CARGO_TARGET_DIR (default /work/target-html),
#        ROUNDS (timing rounds, default 5), TRAFILATURA=1 to also run trafilatura from the bench venv
#        (bench/setup.sh, plus `pip install trafilatura` in it) on the same pages for a side-by-side row.
#
# Throughput is extraction alone on one thread (pages already gunzipped and decoded to text), the median of
# ROUNDS rounds; the harness also prints the best round. The machine may be shared: compare medians.
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
shared="${SHARED:-$(cd "$repo/../shared" && pwd)}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/work/target-html}"
out="${1:?usage: bench/extract_html.sh OUT_DIR}"
mkdir -p "$out"
rounds="${ROUNDS:-5}"

cd "$repo"
cargo build --release -q -p unspun_extract --example aeb_html
bin="$CARGO_TARGET_DIR/release/examples/aeb_html"

for set in scrapinghub-aeb trafilatura-eval; do
    bench="$shared/data/article-extraction/$set"
    echo "== $set: $out/unspun_html_$set.json"
    "$bin" "$bench" "$out/unspun_html_$set.json" --rounds "$rounds"
    preds=("$out/unspun_html_$set.json")
    if [[ "${TRAFILATURA:-0}" == 1 ]]; then
        venv="${VENV:-$repo/.venv-bench}"
        if "$venv/bin/python" -c 'import trafilatura' 2>/dev/null; then
            "$venv/bin/python" "$shared/eval/extract_eval.py" run "$bench" -e trafilatura -o "$out/$set" >/dev/null
            preds+=("$out/$set/trafilatura.json")
        else
            echo "trafilatura not installed in $venv (bench/setup.sh, then $venv/bin/pip install trafilatura)" >&2
        fi
    fi
    python3 "$shared/eval/extract_eval.py" score "$bench" "${preds[@]}" --bootstrap 1000
done
