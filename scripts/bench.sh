#!/usr/bin/env bash
# `make bench`: install what is missing, start a throwaway PostgreSQL and Redis, build a
# Kent-size authority (load_seeds, generate_demo --scale kent --seed 1), run every benchmark
# and print one markdown table of the results (bench/results/summary.md). The servers stop on
# exit, even on failure. Not part of `make test`; about 5 minutes on a quiet 2-core machine.
# Every result records how busy the machine was (load average, CPU used by other processes);
# a run on a busy machine is marked noisy in the summary (bench/_report.py says how).
#   BENCH_SCALE=demo scripts/bench.sh    a smaller authority, for working on the benches
#   BENCH_PAGE_ROUNDS=50                 fewer timed rounds per page (default 200)
#   BENCH_BEFORE=DIR                     add a "Before" column from an earlier run's JSON files
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)

scripts/install_system_packages.sh
scripts/setup.sh --dev

# shellcheck source=scripts/services.sh
source scripts/services.sh
services_start
# The benches count the CPU of this PostgreSQL and Redis as their own, not as other load.
export SERVICES_DIR
unset DJANGO_PRODUCTION DJANGO_DEBUG DJANGO_ALLOWED_HOSTS
export DJANGO_SETTINGS_MODULE=valuing_send.settings
python=.venv/bin/python
rm -f bench/results/*.json bench/results/summary.md

echo "== Bench database: Kent-size authority"
$python manage.py migrate --no-input -v 0
$python manage.py load_seeds
$python manage.py generate_demo --authority Kent --scale "${BENCH_SCALE:-kent}" --seed 1
$python manage.py import_published >/dev/null
# Planner statistics and visibility map, as a database that has been running a while has them.
"$(_pg_bin)/psql" -q "$DATABASE_URL" -c "VACUUM ANALYZE"
echo "Database ready after $(($(date +%s) - started)) s"

failed=()
for bench in rules_engine pages panels rules_caseload indicators http worker documents; do
  echo "== bench.$bench"
  bench_started=$(date +%s)
  $python -m "bench.$bench" || failed+=("$bench")
  echo "   ($(($(date +%s) - bench_started)) s)"
done

echo "== Results"
$python -m bench.summary ${BENCH_BEFORE:+--before "$BENCH_BEFORE"}
echo "make bench finished in $(($(date +%s) - started)) s"
if [ ${#failed[@]} -gt 0 ]; then
  echo "These benchmarks failed: ${failed[*]}" >&2
  exit 1
fi
