#!/usr/bin/env bash
# Shared set-up for run.sh and test.sh: a virtualenv with pinned requirements and the
# front-end libraries from the npm registry. Re-runs are quick: each step is skipped
# when its inputs have not changed since it last succeeded.
set -euo pipefail
cd "$(dirname "$0")/.."

REQS="${1:-requirements.txt}"
PY="${PYTHON:-python3}"
mkdir -p var

if [ ! -x .venv/bin/python ]; then
  echo "==> creating .venv with $($PY --version)"
  "$PY" -m venv .venv
fi

stamp="var/.installed-$(basename "$REQS")"
sum=$(cat requirements*.txt | sha256sum | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$sum" ]; then
  echo "==> installing Python packages from $REQS"
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -r "$REQS"
  echo "$sum" > "$stamp"
fi

if command -v npm >/dev/null 2>&1; then
  nsum=$(sha256sum package.json package-lock.json | sha256sum | cut -d' ' -f1)
  if [ ! -d node_modules ] || [ ! -f var/.installed-npm ] || [ "$(cat var/.installed-npm)" != "$nsum" ]; then
    echo "==> installing front-end libraries (npm ci)"
    npm ci --no-audit --no-fund --silent
    echo "$nsum" > var/.installed-npm
  fi
else
  echo "!! npm is not installed: the code editor will fall back to a plain text area (apt-get install npm)" >&2
fi
