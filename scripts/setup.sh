#!/usr/bin/env bash
# Installs what the project needs to run from this checkout, skipping what is already current:
#   - a virtualenv (.venv) on Python >= 3.12 with the pinned dependencies from pyproject.toml
#   - the pinned npm packages (GOV.UK Frontend, MOJ Frontend, htmx), copied into static/vendor/
# Usage: scripts/setup.sh [--dev]   (--dev adds the test tools)
set -euo pipefail
cd "$(dirname "$0")/.."
extras=""
[ "${1:-}" = "--dev" ] && extras="dev"

python=$(scripts/find_python.sh)
if [ -x .venv/bin/python ] && ! .venv/bin/python -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)'; then
  echo "Removing .venv: it was made with a Python older than 3.12."
  rm -rf .venv
fi
if [ ! -x .venv/bin/python ]; then
  echo "Creating .venv with $python"
  "$python" -m venv .venv
fi

deps_hash=$(sha256sum pyproject.toml | cut -c1-16)
# A dev install includes everything a base install has.
if [ ! -f ".venv/.installed-$deps_hash-dev" ] && [ ! -f ".venv/.installed-$deps_hash-${extras:-base}" ]; then
  echo "Installing Python dependencies${extras:+ (with $extras extras)}"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip >/dev/null 2>&1 || true
  .venv/bin/python scripts/requirements.py $extras > .venv/requirements.txt
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -r .venv/requirements.txt
  rm -f .venv/.installed-*
  touch ".venv/.installed-$deps_hash-${extras:-base}"
fi

lock_hash=$(cat package.json package-lock.json | sha256sum | cut -c1-16)
if [ ! -f "node_modules/.installed-$lock_hash" ]; then
  command -v npm >/dev/null 2>&1 || { echo "npm is needed for the front-end packages (GOV.UK Frontend): install Node.js 18 or newer." >&2; exit 1; }
  echo "Installing npm packages"
  npm ci --no-audit --no-fund --loglevel=error
  touch "node_modules/.installed-$lock_hash"
fi
.venv/bin/python scripts/build_assets.py
