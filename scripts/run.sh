#!/usr/bin/env bash
# `make run`: set up on a fresh machine and serve the app on the embedded default
# (SQLite, Celery tasks in-process), with the demo authority and its logins printed.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
.venv/bin/python manage.py migrate --noinput
.venv/bin/python manage.py load_seeds
.venv/bin/python manage.py setup_demo
# DfE's published figures for every authority (about 40 s the first time), then the demo
# authority's own indicators (later they are worked out after changes and every night).
.venv/bin/python manage.py import_published --if-changed | tail -n 1
.venv/bin/python manage.py recompute_indicators --all
echo "Serving Valuing SEND at http://127.0.0.1:8000 (Ctrl+C to stop)"
exec .venv/bin/python manage.py runserver 127.0.0.1:8000
