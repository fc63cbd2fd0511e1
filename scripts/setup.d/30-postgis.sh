#!/usr/bin/env bash
# Development and CI: Debian's PostgreSQL and PostGIS for the store tests (installed only
# when absent; the tests start the server themselves through scripts/postgis.sh).
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ "${DEV:-0}" = 1 ]; then
  bash scripts/postgis.sh --install
fi
