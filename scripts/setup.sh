#!/usr/bin/env bash
# Install everything Incident Map needs. Idempotent and quick when nothing changed.
#   bash scripts/setup.sh          app: Python packages, browser assets, gazetteer index
#   bash scripts/setup.sh --dev    also test tools and Debian's Chromium for browser tests
set -euo pipefail
cd "$(dirname "$0")/.."
DEV=0
[ "${1:-}" = "--dev" ] && DEV=1
STAMPS=.setup-stamps
mkdir -p "$STAMPS"

say() { printf '[setup] %s\n' "$*"; }
# Run a step only when its inputs changed since it last succeeded.
changed() { local name=$1; shift; local sum; sum=$(cat "$@" 2>/dev/null | sha256sum | cut -c1-16)
  [ "$(cat "$STAMPS/$name" 2>/dev/null)" != "$sum" ] && echo "$sum"; }

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  say "creating .venv"
  "$PY" -m venv .venv
fi
REQ=requirements.txt; [ $DEV = 1 ] && REQ=requirements-dev.txt
if sum=$(changed "pip-$DEV" requirements.txt requirements-dev.txt); then
  say "installing Python packages from $REQ"
  .venv/bin/python -m pip install -q --disable-pip-version-check -r "$REQ"
  echo "$sum" > "$STAMPS/pip-$DEV"
fi

npm_sum=$(changed npm package.json package-lock.json || true)
if [ -n "$npm_sum" ] || [ ! -f static/vendor/leaflet/leaflet.js ]; then
  say "installing browser assets from the npm registry"
  npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
  .venv/bin/python scripts/vendor_assets.py
  cat package.json package-lock.json | sha256sum | cut -c1-16 > "$STAMPS/npm"
fi

if [ $DEV = 1 ] && ! [ -x /usr/bin/chromium ]; then
  say "installing Debian's chromium for browser tests"
  SUDO=""; [ "$(id -u)" != 0 ] && SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi
# Further set-up steps (data indexes, services), each idempotent, run in name order.
for step in scripts/setup.d/*.sh; do
  [ -e "$step" ] || continue
  DEV=$DEV bash "$step"
done
say "ready"
