#!/usr/bin/env bash
# Installs the Debian packages the test suite and PDFs need, skipping those already present:
# PostgreSQL and Redis servers (started per run by scripts/services.sh), Chromium for the
# browser tests (Debian's build: Playwright's own browser download cannot work here),
# fonts, and WeasyPrint's system libraries.
set -euo pipefail
packages=(postgresql redis-server chromium fonts-liberation poppler-utils
          libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0)
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo -n"; else
    echo "Missing Debian packages: ${missing[*]}. Install them as root (apt-get install -y ${missing[*]})." >&2
    exit 1
  fi
else
  SUDO=""
fi
echo "Installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q >/dev/null || echo "apt-get update failed; trying the install with the cached lists" >&2
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
