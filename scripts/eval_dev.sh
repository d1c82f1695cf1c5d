#!/usr/bin/env bash
# Score unspun on the two labeled dev sets, optionally beside the anchor pipeline, and check floors.
#
#   scripts/eval_dev.sh OUTROOT [--anchors | --anchors-only] [--sets "newsreuse spun-synth"]
#
# For each set (newsreuse = shared/data/newsreuse-dev, spun-synth = shared/data/spun-synth-dev):
#   $UNSPUN scan DOCS.jsonl --out OUTROOT/SET --no-index $UNSPUN_ARGS     (log: OUTROOT/SET.log)
#   python3 shared/eval/score.py --labels LABELS --out OUTROOT/SET --json  (-> OUTROOT/SET.score.json)
# --anchors also runs shared/eval/anchor_run.py (datasketch LSH families + TF-IDF stories, in the bench venv)
# into OUTROOT/anchor/SET and scores it; the table shows both side by side. --anchors-only skips unspun.
#
# Floors: scripts/floors.json (or $FLOORS), optional. One object per set; each key is a dotted path into
# score.py's --json output and its value the lowest acceptable figure; a key ending in `_max` is a ceiling
# for the path without that suffix; keys starting with `_` are comments. Example (scripts/floors.example.json):
#   {"newsreuse": {"family.precision": 0.97, "links.syndicated.recall": 0.95, "distractor_links_max": 0}}
# Any unspun figure below its floor (or above its ceiling, or missing) fails the script with exit 1.
# Anchor figures are shown but never checked.
#
# Environment: UNSPUN (default <repo>/target/release/unspun), UNSPUN_ARGS (extra scan arguments),
# SHARED (default ../shared), VENV (default <repo>/.venv-bench, made by bench/setup.sh), FLOORS, NICE (10).
# Exit: 0 ok, 1 a floor failed, 2 usage or a run that could not be made (e.g. no unspun binary).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SHARED="${SHARED:-$ROOT/../shared}"
UNSPUN="${UNSPUN:-$ROOT/target/release/unspun}"
VENV="${VENV:-$ROOT/.venv-bench}"
FLOORS="${FLOORS:-$ROOT/scripts/floors.json}"
NICE="${NICE:-10}"
read -r -a EXTRA <<<"${UNSPUN_ARGS:-}"

usage() { sed -n '2,25p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
OUTROOT=""; ANCHORS=0; RUN_UNSPUN=1; SETS="newsreuse spun-synth"
while [ $# -gt 0 ]; do
  case "$1" in
    --anchors) ANCHORS=1 ;;
    --anchors-only) ANCHORS=1; RUN_UNSPUN=0 ;;
    --sets) SETS="$2"; shift ;;
    -h|--help) usage ;;
    -*) echo "unknown option $1" >&2; usage ;;
    *) [ -z "$OUTROOT" ] && OUTROOT="$1" || { echo "one OUTROOT only" >&2; usage; } ;;
  esac
  shift
done
[ -n "$OUTROOT" ] || usage
mkdir -p "$OUTROOT"
OUTROOT="$(cd "$OUTROOT" && pwd)"

set_dir() {
  case "$1" in
    newsreuse) echo "$SHARED/data/newsreuse-dev" ;;
    spun-synth) echo "$SHARED/data/spun-synth-dev" ;;
    *) echo "unknown set '$1' (newsreuse, spun-synth)" >&2; exit 2 ;;
  esac
}

if [ "$RUN_UNSPUN" = 1 ] && [ ! -x "$UNSPUN" ]; then
  echo "error: unspun binary not found at $UNSPUN" >&2
  echo "  build it (cargo build --release) or set UNSPUN=/path/to/unspun; --anchors-only runs the anchors alone" >&2
  exit 2
fi
if [ "$ANCHORS" = 1 ] && [ ! -x "$VENV/bin/python" ]; then
  echo "error: --anchors needs the bench venv at $VENV: run bench/setup.sh first" >&2
  exit 2
fi
TIMEV=(); [ -x /usr/bin/time ] && TIMEV=(/usr/bin/time -f '%e %U %S %M')

timed() {  # TIMEFILE LOG CMD...: runs CMD niced; "wall user sys maxrss_kb" -> TIMEFILE; output -> LOG
  local tf="$1" log="$2"; shift 2
  local rc=0
  if [ ${#TIMEV[@]} -gt 0 ]; then
    nice -n "$NICE" "${TIMEV[@]}" -o "$tf" "$@" >"$log" 2>&1 || rc=$?
  else
    nice -n "$NICE" "$@" >"$log" 2>&1 || rc=$?
  fi
  return $rc
}

failed_runs=0
for s in $SETS; do
  d="$(set_dir "$s")"
  for f in docs.jsonl labels.jsonl; do
    [ -f "$d/$f" ] || { echo "error: missing $d/$f" >&2; exit 2; }
  done
  if [ "$RUN_UNSPUN" = 1 ]; then
    echo "== unspun scan $s" >&2
    rm -rf "$OUTROOT/$s"
    if timed "$OUTROOT/$s.time" "$OUTROOT/$s.log" "$UNSPUN" scan "$d/docs.jsonl" --out "$OUTROOT/$s" --no-index "${EXTRA[@]}"; then
      python3 "$SHARED/eval/score.py" --labels "$d/labels.jsonl" --out "$OUTROOT/$s" --json >"$OUTROOT/$s.score.json" \
        || { echo "score.py failed on $OUTROOT/$s" >&2; rm -f "$OUTROOT/$s.score.json"; failed_runs=1; }
    else
      echo "unspun scan failed on $s; last lines of $OUTROOT/$s.log:" >&2
      tail -n 10 "$OUTROOT/$s.log" >&2
      rm -f "$OUTROOT/$s.score.json"; failed_runs=1
    fi
  fi
  if [ "$ANCHORS" = 1 ]; then
    echo "== anchor_run $s" >&2
    mkdir -p "$OUTROOT/anchor"
    rm -rf "$OUTROOT/anchor/$s"
    if timed "$OUTROOT/anchor/$s.time" "$OUTROOT/anchor/$s.log" \
        "$VENV/bin/python" "$SHARED/eval/anchor_run.py" "$d/docs.jsonl" "$OUTROOT/anchor/$s"; then
      python3 "$SHARED/eval/score.py" --labels "$d/labels.jsonl" --out "$OUTROOT/anchor/$s" --json \
        >"$OUTROOT/anchor/$s.score.json" || { echo "score.py failed on the anchor run" >&2; failed_runs=1; }
    else
      echo "anchor_run failed on $s; see $OUTROOT/anchor/$s.log" >&2; tail -n 10 "$OUTROOT/anchor/$s.log" >&2
      failed_runs=1
    fi
  fi
done

rc=0
python3 - "$OUTROOT" "$FLOORS" "$RUN_UNSPUN" "$ANCHORS" $SETS <<'PY' || rc=$?
import json, os, sys

outroot, floors_path, run_unspun, anchors = sys.argv[1], sys.argv[2], sys.argv[3] == "1", sys.argv[4] == "1"
sets = sys.argv[5:]


def load(p):
    return json.load(open(p)) if os.path.exists(p) else None


def flat(d, prefix=""):
    out = {}
    for k, v in (d or {}).items():
        key = f"{prefix}{k}"
        if isinstance(v, dict):
            out.update(flat(v, key + "."))
        elif isinstance(v, (int, float)) or v is None:
            out[key] = v
    return out


def timing(p):
    try:
        wall, user, sys_, rss = open(p).read().split()[-4:]
        return f"{float(wall):.1f} s wall, {float(user) + float(sys_):.1f} s CPU, {int(rss) / 1024:.0f} MB peak RSS"
    except Exception:
        return "n/a"


floors = load(floors_path) or {}
SHOW = ["family.precision", "family.recall", "family.f1"]
LINKS = ["syndicated", "spun", "paraphrase", "translation"]
SHOW_TAIL = ["story_bcubed.precision", "story_bcubed.recall", "story_bcubed.f1", "original.accuracy",
             "distractor_links", "unknown_ids_in_run"]


def fmt(v):
    if v is None:
        return "-"
    return f"{v:.3f}" if isinstance(v, float) else str(v)


failures, summary = [], {}
for s in sets:
    u = load(os.path.join(outroot, f"{s}.score.json")) if run_unspun else None
    a = load(os.path.join(outroot, "anchor", f"{s}.score.json")) if anchors else None
    fu, fa = flat(u), flat(a)
    fl = {k: v for k, v in (floors.get(s) or {}).items() if not k.startswith("_")}
    summary[s] = {"unspun": u, "anchor": a, "floors": fl}
    rows = list(SHOW)
    for rel in LINKS:
        if f"links.{rel}.links" in fu or f"links.{rel}.links" in fa:
            rows += [f"links.{rel}.recall", f"links.{rel}.right_relation"]
    rows += SHOW_TAIL
    rows += [k[:-4] if k.endswith("_max") else k for k in fl if (k[:-4] if k.endswith("_max") else k) not in rows]
    n_docs = (u or a or {}).get("documents")
    print(f"\n### {s} ({n_docs} documents)\n")
    cols = (["unspun"] if run_unspun else []) + (["anchor"] if anchors else []) + ["floor"]
    print("| figure | " + " | ".join(cols) + " |")
    print("|---|" + "---:|" * len(cols))
    for r in rows:
        cells = []
        if run_unspun:
            cells.append(fmt(fu.get(r)))
        if anchors:
            cells.append(fmt(fa.get(r)))
        floor = ""
        if r in fl:
            floor = f">= {fl[r]}"
        if r + "_max" in fl:
            floor = (floor + ", " if floor else "") + f"<= {fl[r + '_max']}"
        cells.append(floor)
        label = r
        if r.endswith(".right_relation"):
            rel = r.split(".")[1]
            label = f"{r} (of {fu.get(f'links.{rel}.links', fa.get(f'links.{rel}.links'))} links)"
        print(f"| {label} | " + " | ".join(cells) + " |")
    if run_unspun:
        print(f"\nunspun: {timing(os.path.join(outroot, s + '.time'))}; run in {os.path.join(outroot, s)}")
    if anchors:
        print(f"anchor: {timing(os.path.join(outroot, 'anchor', s + '.time'))}; run in {os.path.join(outroot, 'anchor', s)}")
    if run_unspun:
        if u is None:
            if fl:
                failures.append(f"{s}: no unspun score (the run failed), floors cannot be checked")
            continue
        for k, v in fl.items():
            path, ceiling = (k[:-4], True) if k.endswith("_max") else (k, False)
            got = fu.get(path)
            if got is None:
                failures.append(f"{s}: {path} is missing from the score (floor {v})")
            elif ceiling and got > v:
                failures.append(f"{s}: {path} = {fmt(got)} is above its ceiling {v}")
            elif not ceiling and got < v:
                failures.append(f"{s}: {path} = {fmt(got)} is below its floor {v}")

with open(os.path.join(outroot, "summary.json"), "w") as f:
    json.dump(summary, f, indent=1)
    f.write("\n")
print()
if not floors:
    print(f"(no floors file at {floors_path}: nothing checked)")
elif not run_unspun:
    print("(--anchors-only: floors apply to unspun and were not checked)")
if failures:
    print("FLOORS FAILED:")
    for m in failures:
        print("  " + m)
    sys.exit(1)
elif floors and run_unspun:
    print("all floors met")
PY
if [ "$rc" != 0 ]; then exit 1; fi
if [ "$failed_runs" != 0 ]; then echo "some runs failed (see above)" >&2; exit 2; fi
exit 0
