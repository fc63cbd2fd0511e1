"""The app's own vector basemap, for networks without a reachable tile server.

Three layers, all served by the app itself (``./static``, Streamlit static serving):

- country borders and land from Natural Earth (npm ``world-atlas`` TopoJSON, decoded in
  the browser by npm ``topojson-client``), both copied to ``static/vendor`` at set-up;
- the configured admin boundaries (default: the shipped simplified OCHA governorates
  and districts of Syria), written once to ``static/basemap/admin-<key>.json`` with their
  attribution;
- labels of major towns, precomputed from the gazetteer index at set-up
  (``python -m geo.render.basemap``) into ``static/basemap/towns.json``, so that pages
  that only display never load the gazetteer.

The browser draws them under the tile pane: when the configured tiles load they cover
it; with ``INCIDENT_MAP_TILES=none``, or from the first tile that fails, the vector
basemap is fetched and shown.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.io.boundaries import read_admin_levels
from geo.render.town_seats import governorate_seats
from geo.settings import PROJECT_ROOT, Settings, load_settings

STATIC_DIR = PROJECT_ROOT / "static"
"""Folder Streamlit serves at ``/app/static``."""

BASEMAP_DIR = STATIC_DIR / "basemap"
"""Generated basemap files (not in the repository; made at set-up or on first use)."""

TOWNS_FILE = "towns.json"
COUNTRIES_URL = "vendor/world-atlas/countries-50m.json"
TOPOJSON_URL = "vendor/topojson-client/topojson-client.min.js"
NATURAL_EARTH = "Natural Earth"
LABELS_ABOVE_ZOOM = 9
"""From this zoom on, the basemap's labels are drawn above the incidents' markers (local
zoom: a town's name is not hidden under its marker); further out, under them (the
aggregates' counts stay readable)."""
TILE_WAIT_MS = 5000
"""Milliseconds the map waits for a first tile before it shows the offline basemap
anyway (a tile server that drops packets gives no error for minutes)."""

#: Towns labelled anywhere in the world: at least this many people.
WORLD_MIN_POPULATION = 100_000
#: Towns labelled inside (and 1 degree around) the admin boundaries: at least this many.
LOCAL_MIN_POPULATION = 1_000


def _write_json(path: Path, payload: object) -> None:
    """Write JSON atomically (a concurrent reader sees the old or the new file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(payload, out, ensure_ascii=False, separators=(",", ":"))
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)


def admin_key(paths: Sequence[Path]) -> str:
    """Short key of admin boundary files (their paths, sizes and times), for file names."""
    parts = [
        f"{p}:{p.stat().st_size}:{p.stat().st_mtime_ns}" if p.exists() else str(p)
        for p in paths
    ]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:10]


def admin_attribution(paths: Sequence[Path]) -> str:
    """Attribution of admin boundary files, from an ``ATTRIBUTION.json`` beside them."""
    texts: list[str] = []
    for folder in dict.fromkeys(p.parent for p in paths if p.exists()):
        meta = folder / "ATTRIBUTION.json"
        if meta.exists():
            text = str(json.loads(meta.read_text(encoding="utf-8")).get("attribution", ""))
            if text and text not in texts:
                texts.append(text)
    return " ".join(texts)


def short_credit(text: str) -> str:
    """A credit in a few words, for the map's one-line attribution.

    The source named after the first colon, up to the first " / ", comma or
    parenthesis: "Syria admin boundaries: OCHA / UN Cartographic Section, ..." gives
    "OCHA". Text without a colon is cut the same way from its start.
    """
    rest = text.split(": ", 1)[1] if ": " in text else text
    for stop in (" / ", ",", " (", ";", ". "):
        rest = rest.split(stop, 1)[0]
    rest = rest.strip()
    return rest if 0 < len(rest) <= 40 else text[:40].rstrip()


def admin_short_credit(paths: Sequence[Path]) -> str:
    """Short credit of admin boundary files: ``short`` of their ``ATTRIBUTION.json``, else
    :func:`short_credit` of each file's attribution, joined by " · "."""
    texts: list[str] = []
    for folder in dict.fromkeys(p.parent for p in paths if p.exists()):
        meta = folder / "ATTRIBUTION.json"
        if meta.exists():
            info = json.loads(meta.read_text(encoding="utf-8"))
            full = str(info.get("attribution", ""))
            text = str(info.get("short", "") or (short_credit(full) if full else ""))
            if text and text not in texts:
                texts.append(text)
    return " · ".join(texts)


def admin_payload(paths: Sequence[Path]) -> dict[str, object]:
    """Admin areas as GeoJSON for the basemap, with a label point per area.

    Parameters
    ----------
    paths : sequence of Path
        Boundary files, coarsest level first (see :func:`geo.io.boundaries.read_admin_levels`).

    Returns
    -------
    dict
        ``{"type": "FeatureCollection", "features": [...], "attribution": str}``; each
        feature has ``level``, ``name`` and ``label`` ([lat, lon] inside the area).
    """
    features: list[dict[str, object]] = []
    for areas in read_admin_levels(paths):
        points = areas.geometry.representative_point()
        frame = gpd.GeoDataFrame(
            {
                "level": areas["level"].astype(int),
                "name": areas["name_en"].astype(str),
                "label": [[round(p.y, 4), round(p.x, 4)] for p in points],
            },
            geometry=areas.geometry.values,
            crs=areas.crs,
        )
        features.extend(json.loads(frame.to_json(drop_id=True))["features"])
    return {
        "type": "FeatureCollection",
        "features": features,
        "attribution": admin_attribution(paths),
    }


def town_labels(
    index_path: Path,
    local_bounds: tuple[float, float, float, float] | None = None,
    *,
    world_min: int = WORLD_MIN_POPULATION,
    local_min: int = LOCAL_MIN_POPULATION,
) -> pd.DataFrame:
    """Towns worth a label, from the gazetteer index (memory-mapped columns only).

    Parameters
    ----------
    index_path : Path
        The gazetteer index folder (see :func:`geo.geocoding.gazetteer.load_index`).
    local_bounds : tuple, optional
        (west, south, east, north) of the detailed area (the admin boundaries): towns
        within it and one degree around get labels down to ``local_min`` people.
    world_min, local_min : int
        Population thresholds.

    Returns
    -------
    pandas.DataFrame
        ``name``, ``lat``, ``lon``, ``pop``, biggest first.
    """
    from geo.geocoding.gazetteer import load_index

    gazetteer = load_index(index_path)
    lat = np.asarray(gazetteer.latitude, dtype=float)
    lon = np.asarray(gazetteer.longitude, dtype=float)
    pop = np.asarray(gazetteer.population, dtype=np.int64)
    keep = np.asarray(gazetteer.alive, dtype=bool) & (pop >= world_min)
    if local_bounds is not None:
        west, south, east, north = local_bounds
        inside = (lon >= west - 1) & (lon <= east + 1) & (lat >= south - 1) & (lat <= north + 1)
        keep |= np.asarray(gazetteer.alive, dtype=bool) & inside & (pop >= local_min)
    rows = np.flatnonzero(keep)
    rows = rows[np.argsort(-pop[rows], kind="stable")]
    names = gazetteer.take("name", rows).astype(str)
    named = names != ""
    rows, names = rows[named], names[named]
    return pd.DataFrame(
        {"name": names, "lat": lat[rows].round(4), "lon": lon[rows].round(4), "pop": pop[rows]}
    )


def _bounds_of(payload: dict[str, object]) -> tuple[float, float, float, float] | None:
    features = payload["features"]
    if not features:
        return None
    frame = gpd.GeoDataFrame.from_features(features)
    west, south, east, north = (float(v) for v in frame.total_bounds)
    return west, south, east, north


def write_towns(settings: Settings, out_dir: Path = BASEMAP_DIR) -> Path | None:
    """Write ``towns.json`` (columns as arrays) from the gazetteer index.

    Returns
    -------
    Path or None
        The file, or None when the gazetteer index does not exist.
    """
    if not settings.gazetteer_index_path.exists():
        return None
    bounds = _bounds_of(admin_payload(settings.admin_paths))
    towns = town_labels(settings.gazetteer_index_path, bounds)
    # the governorates' seats, named first and always at country zoom
    first = settings.admin_paths[0] if settings.admin_paths else None
    towns["seat"] = governorate_seats(towns, first).astype(int)
    path = out_dir / TOWNS_FILE
    _write_json(path, {column: towns[column].tolist() for column in towns.columns})
    return path


def ensure_admin_file(settings: Settings, out_dir: Path = BASEMAP_DIR) -> str | None:
    """Write the admin layer of the configured boundary files once; its file name.

    Returns
    -------
    str or None
        ``admin-<key>.json`` under ``out_dir``, or None when no boundary file exists or
        the folder cannot be written (the basemap then has no admin layer).
    """
    paths = [p for p in settings.admin_paths if p.exists()]
    if not paths:
        return None
    name = f"admin-{admin_key(paths)}.json"
    path = out_dir / name
    if not path.exists():
        try:
            _write_json(path, admin_payload(paths))
        except OSError:
            return None
    return name


def ensure_towns_file(settings: Settings, out_dir: Path = BASEMAP_DIR) -> str | None:
    """The town labels file name, made from the index on first use if set-up did not."""
    path = out_dir / TOWNS_FILE
    if not path.exists():
        try:
            if write_towns(settings, out_dir) is None:
                return None
        except (OSError, ValueError):
            return None
    return TOWNS_FILE


def main(argv: Sequence[str] | None = None) -> int:
    """Write the basemap files of the configured settings (run at set-up)."""
    parser = argparse.ArgumentParser(
        prog="python -m geo.render.basemap",
        description="Write the offline basemap's town labels and admin layer to static/basemap.",
    )
    parser.add_argument("--out", type=Path, default=BASEMAP_DIR)
    args = parser.parse_args(argv)
    settings = load_settings()
    towns = write_towns(settings, args.out)
    admin = ensure_admin_file(settings, args.out)
    print(f"[setup] basemap: towns {towns or 'skipped (no gazetteer index)'}, admin {admin}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
