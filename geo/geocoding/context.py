"""Admin-area context: does a candidate lie in the governorate or district a record gives?

A record that says "Quneitra Governorate" rules out every place outside Quneitra. The
areas come from polygon files (the shipped OCHA governorates and districts of Syria, or
any layer :func:`geo.io.boundaries.read_admin_areas` reads); a candidate contradicts
an area when it lies farther than :data:`TOLERANCE_M` from the area's polygon (borders
are simplified, and gazetteer points sit a little off). Where no polygon names the
area, the candidate's own admin1 (name or GeoNames code) is compared instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import geopandas as gpd
import numpy as np

from geo.geocoding.names import name_key
from geo.vocab import CRS

#: A candidate farther than this from the polygon of the area given contradicts it.
TOLERANCE_M = 5_000.0
_MARGIN_DEG = 0.2
_ADMIN_WORDS = ("governorate", "province", "muhafazat", "muhafaza", "district",
                "subdistrict", "sub-district", "nahiya", "mantiqat", "region",
                "محافظة", "محافظه", "منطقة", "ناحية")


def area_key(text: str) -> str:
    """Key of an admin-area name without its admin word ("Homs Governorate" -> "hums")."""
    words = [w for w in str(text).replace("-", " ").split()
             if w.lower().strip(".,") not in _ADMIN_WORDS]
    return name_key(" ".join(words)) if words else ""


class AdminAreas:
    """Admin-area polygons, found by name, with a cached inside-or-near test.

    Parameters
    ----------
    areas : geopandas.GeoDataFrame or None
        Columns ``level``, ``pcode``, ``name_en``, ``name_ar`` (see
        :func:`geo.io.boundaries.read_admin_areas`), any CRS.
    aliases : dict, optional
        Extra names: ``(country, area name_en) -> [spellings]``.
    """

    def __init__(self, areas: gpd.GeoDataFrame | None,
                 aliases: dict[tuple[str, str], Sequence[str]] | None = None) -> None:
        self.areas = areas.to_crs(CRS).reset_index(drop=True) if areas is not None else None
        self._by_key: dict[tuple[str, str], list[int]] = {}
        self._near: dict[int, tuple[int, set[int]]] = {}
        self._metric = None
        if self.areas is None or self.areas.empty:
            return
        self._metric = self.areas.to_crs(self.areas.estimate_utm_crs())
        for i, row in enumerate(self.areas.itertuples()):
            country = str(getattr(row, "pcode", ""))[:2].upper()
            country = country if country.isalpha() else ""
            names = [str(getattr(row, "name_en", "")), str(getattr(row, "name_ar", ""))]
            names += list((aliases or {}).get((country, str(getattr(row, "name_en", ""))), ()))
            for name in names:
                key = area_key(name)
                if key:
                    self._by_key.setdefault((country, key), []).append(i)

    @classmethod
    def from_files(cls, paths: Sequence[Path],
                   aliases: dict[tuple[str, str], Sequence[str]] | None = None) -> AdminAreas:
        """Read the area files that exist (each one admin level); none gives no areas."""
        from geo.io.boundaries import read_admin_areas

        frames = []
        for level, path in enumerate(paths, start=1):
            if Path(path).exists():
                frames.append(read_admin_areas(Path(path), level=level))
        if not frames:
            return cls(None)
        import pandas as pd

        return cls(gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs=CRS), aliases)

    def find(self, name: str, country: str = "") -> int | None:
        """The area a name denotes (in ``country`` when given), or None when unknown or
        when the name fits several areas of different levels equally."""
        key = area_key(name)
        if not key:
            return None
        found = self._by_key.get((country.upper(), key))
        if found is None and not country:
            found = [i for (cc, k), rows in self._by_key.items() if k == key for i in rows]
        if not found:
            return None
        return found[0] if len(set(found)) == 1 else min(found)

    def name_of(self, area: int) -> str:
        """English name of an area."""
        assert self.areas is not None
        return str(self.areas.at[area, "name_en"])

    def near(self, area: int, latitude: np.ndarray, longitude: np.ndarray,
             generation: int) -> set[int]:
        """Rows (of arrays ``latitude``/``longitude``) within the tolerance of an area.

        Only rows inside the area's box (plus a margin) are tested; the answer is
        cached per area until ``generation`` changes (the gazetteer was rebuilt).
        """
        assert self.areas is not None and self._metric is not None
        cached = self._near.get(area)
        if cached is not None and cached[0] == generation:
            return cached[1]
        west, south, east, north = self.areas.geometry.iloc[area].bounds
        lat, lon = latitude, longitude
        box = np.flatnonzero((lat >= south - _MARGIN_DEG) & (lat <= north + _MARGIN_DEG)
                             & (lon >= west - _MARGIN_DEG) & (lon <= east + _MARGIN_DEG))
        inside: set[int] = set()
        if len(box):
            points = gpd.GeoSeries(gpd.points_from_xy(lon[box], lat[box]), crs=CRS)
            points = points.to_crs(self._metric.crs)
            distance = points.distance(self._metric.geometry.iloc[area]).to_numpy()
            inside = set(box[distance <= TOLERANCE_M].tolist())
        self._near[area] = (generation, inside)
        return inside
