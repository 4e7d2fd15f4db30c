#!/usr/bin/env bash
# Runs every test: lint, unit and integration tests, the database tests on SQLite and
# on a real PostgreSQL server, and the browser tests in headless Chromium.
# Installs and starts what the tests need. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
bash scripts/system-deps.sh
if [ -z "${VETTING_TEST_POSTGRES_URL:-}" ]; then
  VETTING_TEST_POSTGRES_URL=$(bash scripts/postgres.sh start)
  export VETTING_TEST_POSTGRES_URL
  trap 'bash scripts/postgres.sh stop >/dev/null 2>&1 || true' EXIT
fi
.venv/bin/ruff check .
.venv/bin/python -m pytest "$@"
