#!/usr/bin/env bash
# The national run (docs/scaling.md): all 153 English authorities generated on one throwaway
# PostgreSQL, then every caseload replayed under a draft rule set by $WORKERS Celery workers
# in parallel. Needs about 12 GB of free disk; 15–20 minutes on a 2-core machine.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install_system_packages.sh
scripts/setup.sh --dev
# shellcheck source=scripts/services.sh
source scripts/services.sh
services_start
export DJANGO_SETTINGS_MODULE=valuing_send.settings WORKERS=${WORKERS:-2}
.venv/bin/python manage.py migrate --no-input -v 0
.venv/bin/python manage.py load_seeds
pids=()
stop_workers() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; services_stop; }
trap stop_workers EXIT
for i in $(seq "$WORKERS"); do
  .venv/bin/celery -A valuing_send worker --pool=solo --without-gossip --without-mingle \
    --without-heartbeat --loglevel=WARNING -n "national$i@%h" &
  pids+=($!)
done
.venv/bin/python -m bench.national
# The national indicator recompute starts its own workers (1, then 2): stop the replay's.
for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
wait "${pids[@]}" 2>/dev/null || true
pids=()
.venv/bin/python manage.py import_published >/dev/null
.venv/bin/python -m bench.indicators --national
