#!/usr/bin/env bash
# Web-archive extraction benchmark: build a WARC.gz and a WET-like file from the ScrapingHub AEB pages
# (bench/make_warc.py), run `unspun extract --json` over them and over the same pages as .html.gz files, and
# score all three with the shared scorer exactly as bench/extract_html.sh does (the archive ids are target
# URIs, mapped back to page ids through ground-truth.json). The WARC and the .html files must score the same.
#
# Usage: bench/extract_warc.sh OUT_DIR
# Env:   SHARED (default: ../shared next to the repo), CARGO_TARGET_DIR (default /work/target-warc),
#        ROUNDS (timing rounds, default 5), UNSPUN_BIN (a built binary; default: build unspun_cli).
#
# Throughput is the whole command on one thread (RAYON_NUM_THREADS=1): reading and gunzipping the file,
# parsing records and HTTP, decoding, extraction, the plain-text cleaner's statistics, JSON output. Pages/s is
# over the median round's wall time; CPU seconds (user+sys of the command) are printed too, as the box may
# be shared.
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
shared="${SHARED:-$(cd "$repo/../shared" && pwd)}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/work/target-warc}"
out="${1:?usage: bench/extract_warc.sh OUT_DIR}"
mkdir -p "$out"
rounds="${ROUNDS:-5}"
bench="$shared/data/article-extraction/scrapinghub-aeb"

cd "$repo"
if [[ -z "${UNSPUN_BIN:-}" ]]; then
    cargo build --release -q -p unspun_cli
    UNSPUN_BIN="$CARGO_TARGET_DIR/release/unspun"
fi

python3 bench/make_warc.py --bench "$bench" "$out/aeb.warc.gz" "$out/aeb.warc.wet.gz"

# run NAME INPUT: time `unspun extract --json INPUT` over ROUNDS rounds, turn its rows into the scorer's
# {page id: {"articleBody": text}} and score them.
run() {
    local name="$1" input="$2"
    echo "== $name: $input"
    RAYON_NUM_THREADS=1 python3 - "$UNSPUN_BIN" "$input" "$bench/ground-truth.json" "$out/$name" "$rounds" <<'EOF'
import gzip, json, os, resource, statistics, subprocess, sys, time
unspun, src, gt_path, stem, rounds = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
walls, cpus = [], []
for _ in range(rounds):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    with open(stem + ".jsonl", "wb") as f:
        p = subprocess.run([unspun, "extract", "--json", src], stdout=f, stderr=subprocess.PIPE)
    walls.append(time.perf_counter() - t)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpus.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    if p.returncode != 0:
        sys.exit(f"unspun extract failed: {p.stderr.decode()}")
if p.stderr.strip():
    print(p.stderr.decode().strip())
url_to_id = {g["url"]: pid for pid, g in json.load(open(gt_path)).items()}
page_ids = set(url_to_id.values())
preds, unmatched = {}, 0
for line in open(stem + ".jsonl", encoding="utf-8"):
    row = json.loads(line)
    rid = row["id"]
    # Archive ids are target URIs; .html.gz files are named by page id.
    pid = url_to_id.get(rid) or os.path.basename(rid).removesuffix(".html.gz")
    if pid in page_ids:
        preds[pid] = {"articleBody": row["text"]}
    else:
        unmatched += 1
wall, cpu = statistics.median(walls), statistics.median(cpus)
n = len(preds)
# MB/s is over the uncompressed input (archive records, or the pages themselves).
files = [os.path.join(src, f) for f in sorted(os.listdir(src))] if os.path.isdir(src) else [src]
mb = sum(len(gzip.open(f).read()) for f in files) / 1e6
timing = {"pages": n, "wall_seconds": wall, "cpu_seconds": cpu, "pages_per_s": n / wall, "mb_per_s": mb / wall,
          "rounds": rounds}
json.dump({"version": "unspun extract", "output": preds, "timing": timing}, open(stem + ".json", "w"))
print(f"{n} pages ({unmatched} rows not mapped to a page); unspun extract --json: {n / wall:.0f} pages/s "
      f"(median of {rounds} rounds: {wall:.2f} s wall, {cpu:.2f} s CPU, best {n / min(walls):.0f} pages/s)")
EOF
    python3 "$shared/eval/extract_eval.py" score "$bench" "$out/$name.json" --bootstrap 1000
}

run warc "$out/aeb.warc.gz"
run html_files "$bench/html"
run wet "$out/aeb.warc.wet.gz"
