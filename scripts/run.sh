#!/usr/bin/env bash
# Install everything (first run) and start Incident Map on the embedded default data.
# Refuses to start on a network address unless sign-in is configured (geo/access.py).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/python -m geo.access check-listen "$@"
exec .venv/bin/streamlit run app.py "$@"
