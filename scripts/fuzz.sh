#!/usr/bin/env bash
# `make fuzz`: the form fuzzing of tests/security/test_fuzz_forms.py at length, with a random
# seed, on a throwaway PostgreSQL and Redis. FUZZ_EXAMPLES (default 300) examples per form;
# extra arguments go to pytest. `make test` runs the same tests with 20 examples, derandomised.
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
export FUZZ_EXAMPLES="${FUZZ_EXAMPLES:-300}" FUZZ_RANDOM=1 FUZZ_REPORT=1

echo "== Fuzzing every form: $FUZZ_EXAMPLES examples each, random seed"
.venv/bin/pytest tests/security/test_fuzz_forms.py -s -q \
  --hypothesis-show-statistics "$@"
echo "make fuzz finished in $(( $(date +%s) - started )) s"
