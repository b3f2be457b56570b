#!/usr/bin/env bash
# The national run (docs/scaling.md): all 153 English authorities generated on one throwaway
# PostgreSQL, then every caseload replayed under a draft rule set by 1, then 2, then 4 Celery
# workers (bench/national.py starts them), to show the speed-up, the efficiency against the
# 1-worker run and the workers' peak memory. Needs about 12 GB of free disk; about 30 minutes
# on a quiet 2-core machine. Writes bench/results/national.json.
#   NATIONAL_WORKERS="1 2" scripts/national_run.sh    other worker counts (the first is the baseline)
#   NATIONAL_ONLY=886,887 scripts/national_run.sh     only those authorities (to try the run)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install_system_packages.sh
scripts/setup.sh --dev
# shellcheck source=scripts/services.sh
source scripts/services.sh
services_start
# The bench counts the CPU of this PostgreSQL and Redis as its own, not as other load.
export SERVICES_DIR
unset DJANGO_PRODUCTION DJANGO_DEBUG DJANGO_ALLOWED_HOSTS
export DJANGO_SETTINGS_MODULE=valuing_send.settings
.venv/bin/python manage.py migrate --no-input -v 0
.venv/bin/python manage.py load_seeds
.venv/bin/python -m bench.national
# The national indicator recompute starts its own workers (1, then 2): stop the replay's.
for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
wait "${pids[@]}" 2>/dev/null || true
pids=()
.venv/bin/python manage.py import_published >/dev/null
.venv/bin/python -m bench.indicators --national
