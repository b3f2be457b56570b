#!/usr/bin/env bash
# Prints the path of the first Python >= 3.12 (Django 6 needs it; Debian 12's python3 is 3.11,
# where pip would silently install Django 5.2). Looks on PATH, then in pyenv's versions,
# calling real interpreters rather than pyenv shims (a shim fails while the global version is 3.11).
set -u
ok() { "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; }
candidates=()
for name in python3.14 python3.13 python3.12 python3; do
  p=$(command -v "$name" 2>/dev/null) || continue
  case "$p" in */.pyenv/shims/*) continue ;; esac
  candidates+=("$p")
done
pyenv_root=${PYENV_ROOT:-}
[ -z "$pyenv_root" ] && command -v pyenv >/dev/null 2>&1 && pyenv_root=$(pyenv root 2>/dev/null)
[ -z "$pyenv_root" ] && [ -d "$HOME/.pyenv" ] && pyenv_root="$HOME/.pyenv"
if [ -n "$pyenv_root" ] && [ -d "$pyenv_root/versions" ]; then
  for v in $(ls -1 "$pyenv_root/versions" | sort -rV); do
    [ -x "$pyenv_root/versions/$v/bin/python3" ] && candidates+=("$pyenv_root/versions/$v/bin/python3")
  done
fi
for c in "${candidates[@]}"; do
  if ok "$c"; then echo "$c"; exit 0; fi
done
echo "No Python 3.12 or newer found (looked on PATH and in pyenv's versions). Django 6 needs Python >= 3.12: install one, e.g. 'pyenv install 3.13', and run make again." >&2
exit 1
