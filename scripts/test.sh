#!/usr/bin/env bash
# `make test`: install what is missing, start a throwaway PostgreSQL and Redis, run the quality
# gates and the whole pytest suite (unit, integration with a real Celery worker, browser tests
# in Debian's Chromium), then stop the servers, even on failure. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)

scripts/install_system_packages.sh
scripts/setup.sh --dev

# shellcheck source=scripts/services.sh
source scripts/services.sh
services_start
unset DJANGO_PRODUCTION DJANGO_DEBUG
export DJANGO_SETTINGS_MODULE=valuing_send.settings

echo "== Quality gates"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/python manage.py makemigrations --check --dry-run >/dev/null \
  || { echo "Models have changes without a migration: run manage.py makemigrations"; exit 1; }
.venv/bin/python manage.py check --fail-level WARNING
.venv/bin/python scripts/lint_tenancy.py
.venv/bin/lint-imports --no-cache

echo "== Tests (PostgreSQL, Redis, Celery worker, Chromium)"
if [ $# -gt 0 ]; then
  # Options or paths given (scripts/test.sh -k name): one pytest run, as asked.
  .venv/bin/pytest "$@"
else
  # The suite in parallel, one worker per core up to four (pytest-xdist): each worker has its
  # own test database, Redis database and documents folder, and the browser tests run together
  # in one worker (tests/conftest.py). Then, alone, the tests that stop and start the servers
  # every worker shares (marked serial).
  .venv/bin/pytest -n auto --maxprocesses=4 -m "not serial"
  .venv/bin/pytest -m serial
fi
echo "make test finished in $(( $(date +%s) - started )) s"
