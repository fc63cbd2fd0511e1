#!/usr/bin/env bash
# Install everything (first run) and start Incident Map on the embedded default data.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/streamlit run app.py "$@"
