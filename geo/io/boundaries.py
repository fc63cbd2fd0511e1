"""Admin boundaries (governorates, districts): reading them in one standard shape.

The shipped default is a simplified copy of Syria's OCHA boundaries in ``data/admin``
(see ``scripts/make_admin_boundaries.py``); an analyst may load any polygon file GeoPandas
reads, in OCHA's columns (``PCODE``, ``NAME_EN``, ``NAME_AR``, ``ADM1_PCODE`` ...) or with
at least a name column.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import geopandas as gpd
import pandas as pd

from geo.errors import Invalid
from geo.vocab import CRS

AREA_COLUMNS: tuple[str, ...] = (
    "level", "pcode", "name_en", "name_ar", "parent_pcode", "parent_en", "parent_ar",
)
"""Columns of an admin-area frame, besides ``geometry``."""

#: Candidate source columns for each standard column, first match wins (case-insensitive).
_SOURCES: dict[str, tuple[str, ...]] = {
    "pcode": ("pcode", "adm2_pcode", "adm1_pcode", "code", "id"),
    "name_en": ("name_en", "adm2_en", "adm1_en", "name", "shapename"),
    "name_ar": ("name_ar", "adm2_ar", "adm1_ar"),
    "parent_pcode": ("parent_pcode", "adm1_pcode", "adm0_pcode"),
    "parent_en": ("parent_en", "adm1_en", "adm0_en"),
    "parent_ar": ("parent_ar", "adm1_ar", "adm0_ar"),
}


def read_admin_areas(path: Path, level: int | None = None) -> gpd.GeoDataFrame:
    """Read one level of admin areas into :data:`AREA_COLUMNS` + geometry, in EPSG:4326.

    Parameters
    ----------
    path : Path
        Any polygon file GeoPandas reads (GeoJSON, GeoPackage, Shapefile ...).
    level : int, optional
        Admin level (1 governorate, 2 district); read from a ``level`` column, else
        guessed from OCHA's columns (``ADM1_PCODE`` present means level 2).

    Returns
    -------
    geopandas.GeoDataFrame

    Raises
    ------
    geo.errors.Invalid
        When the file cannot be read, has no polygons or no name column.
    """
    try:
        frame = gpd.read_file(path)
    except Exception as exc:  # pyogrio raises several types for unreadable files
        raise Invalid(f"{path}: not a boundary file GeoPandas can read ({exc})") from exc
    polygons = frame.geometry.geom_type.isin(["Polygon", "MultiPolygon"])
    if frame.empty or not polygons.any():
        raise Invalid(f"{path}: no polygons")
    frame = frame[polygons]
    if frame.crs is None:
        frame = frame.set_crs(CRS)
    lower = {c.lower(): c for c in frame.columns if c != frame.geometry.name}
    out = pd.DataFrame(index=frame.index)
    for column, sources in _SOURCES.items():
        found = next((lower[s] for s in sources if s in lower), None)
        out[column] = frame[found].fillna("").astype(str) if found else ""
    if (out["name_en"] == "").all():
        raise Invalid(f"{path}: no name column (one of {', '.join(_SOURCES['name_en'])})")
    if level is None:
        level = int(frame[lower["level"]].iloc[0]) if "level" in lower else (
            2 if "adm1_pcode" in lower else 1)
    out.insert(0, "level", level)
    areas = gpd.GeoDataFrame(out, geometry=frame.geometry.values, crs=frame.crs).to_crs(CRS)
    return areas.reset_index(drop=True)


def read_admin_levels(paths: Sequence[Path]) -> list[gpd.GeoDataFrame]:
    """Read several levels, coarsest first; files that do not exist are skipped.

    Parameters
    ----------
    paths : sequence of Path

    Returns
    -------
    list of geopandas.GeoDataFrame
    """
    return [read_admin_areas(p) for p in paths if p.exists()]
