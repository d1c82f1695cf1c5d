#!/usr/bin/env bash
# Create (or refresh) the benchmark venv at <repo>/.venv-bench with the anchor libraries.
# Idempotent: re-running only installs what is missing or at a different version.
#   bash bench/setup.sh            # uses python3 from PATH (override: PYTHON=/path/to/python3)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${VENV_BENCH:-$ROOT/.venv-bench}"
PY="${PYTHON:-python3}"
PKGS=(gaoya==0.2.2 rensa==0.5.0 datasketch==2.0.0 scikit-learn xxhash)

if [ ! -x "$VENV/bin/python" ]; then
  echo "creating venv $VENV"
  "$PY" -m venv "$VENV"
fi
# Quiet no-op when everything is already satisfied.
"$VENV/bin/python" -m pip install -q --disable-pip-version-check --upgrade pip >/dev/null 2>&1 || true
failed=()
for p in "${PKGS[@]}"; do
  # One by one so that a package that cannot be installed here does not block the others.
  if ! "$VENV/bin/python" -m pip install -q --disable-pip-version-check "$p"; then
    failed+=("$p")
  fi
done
# peak-RSS measurement needs GNU time (Debian package `time`)
if [ ! -x /usr/bin/time ]; then
  if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
    apt-get install -y -q time >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q time >/dev/null; }
  else
    echo "warning: /usr/bin/time missing (apt-get install time); peak RSS will not be measured" >&2
  fi
fi
"$VENV/bin/python" - <<'PY'
import importlib.metadata as md
for name in ("gaoya", "rensa", "datasketch", "scikit-learn", "xxhash", "numpy", "scipy"):
    try:
        print(f"  {name:14s} {md.version(name)}")
    except md.PackageNotFoundError:
        print(f"  {name:14s} MISSING")
PY
if [ ${#failed[@]} -gt 0 ]; then
  echo "could not install: ${failed[*]}" >&2
  exit 1
fi
echo "bench venv ready: $VENV"
