#!/usr/bin/env bash
# Install everything the tests need and run the whole test suite: lint (ruff), types (mypy on
# geo/), unit, page and browser tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --dev
.venv/bin/ruff check .
.venv/bin/python -m mypy
.venv/bin/python -m pytest -q "$@"
