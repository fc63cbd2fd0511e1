#!/usr/bin/env bash
# Install everything the tests need and run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m pip install -q -r requirements-dev.txt
python3 -m pytest -q tests
