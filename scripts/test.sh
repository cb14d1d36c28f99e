#!/usr/bin/env bash
# Command 2: lint (ruff, import contracts, mypy) and every test. Uses PostgreSQL and Redis at 127.0.0.1 when they
# answer, else SQLite and the embedded broker; the first lines say which.
set -euo pipefail
cd "$(dirname "$0")/.."

reachable() { .venv/bin/python - "$1" "$2" <<'PY' 2>/dev/null
import socket, sys
s = socket.socket(); s.settimeout(1)
sys.exit(0 if s.connect_ex((sys.argv[1], int(sys.argv[2]))) == 0 else 1)
PY
}

bash scripts/setup.sh requirements-dev.txt

if [ -z "${DATABASE_URL:-}" ]; then
  if reachable 127.0.0.1 5432; then
    # One database name per checkout, so two clones on one machine never share a test database.
    export DATABASE_URL="postgres://postgres@127.0.0.1:5432/quizsite_$(pwd | sha1sum | cut -c1-8)"
  else
    export DATABASE_URL="sqlite:///$(pwd)/var/test.sqlite3"
  fi
fi
if [ -z "${CELERY_BROKER_URL:-}" ] && reachable 127.0.0.1 6379; then
  export CELERY_BROKER_URL="redis://127.0.0.1:6379/15"
fi
export QUIZSITE_TEST_REDIS="${CELERY_BROKER_URL:-}"
echo "Tests use database: ${DATABASE_URL%%://*} ($(echo "$DATABASE_URL" | sed -E 's#.*@##; s#^sqlite:///##'))"
echo "Tests use broker:   ${CELERY_BROKER_URL:-filesystem (embedded)}"
if command -v chromium >/dev/null && command -v chromedriver >/dev/null; then
  echo "Browser tests:      Chromium $(chromium --version 2>/dev/null | awk '{print $2}')"
else
  echo "Browser tests:      skipped (apt-get install chromium chromium-driver)"
fi

echo "==> ruff"
.venv/bin/ruff check .
.venv/bin/ruff format --check .

echo "==> import contracts (docs/architecture.md)"
.venv/bin/lint-imports
.venv/bin/python scripts/import_cycles.py

echo "==> mypy"
.venv/bin/mypy

echo "==> pytest"
exec .venv/bin/pytest "$@"
