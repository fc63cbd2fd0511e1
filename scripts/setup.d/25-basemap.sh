#!/usr/bin/env bash
# Write the offline basemap's files to static/basemap: town labels from the gazetteer index
# (so that display pages never load the gazetteer) and the admin boundary layer.
# Idempotent: rebuilds only when the index, the boundary files or the code changed.
# Run by scripts/setup.sh from the repository root, after the gazetteer step.
set -euo pipefail
PY=.venv/bin/python
STAMP=.setup-stamps/basemap
say() { printf '[setup] %s\n' "$*"; }

index=$("$PY" -c 'from geo.settings import load_settings; print(load_settings().gazetteer_index_path)')
sum=$( { sha256sum geo/render/basemap.py geo/render/town_seats.py data/admin/*;
         stat -c '%n %s %Y' "$index" "$index"/* 2>/dev/null || true; } | sha256sum | cut -c1-16)
if [ -f static/basemap/towns.json ] && [ "$(cat "$STAMP" 2>/dev/null)" = "$sum" ]; then
  exit 0
fi
say "writing the offline basemap files"
"$PY" -m geo.render.basemap
echo "$sum" > "$STAMP"
