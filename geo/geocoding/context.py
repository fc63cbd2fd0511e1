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
from typing import TYPE_CHECKING

import numpy as np

from geo.geocoding.names import basic_key, name_key, skeleton_key
from geo.vocab import CRS

if TYPE_CHECKING:  # geopandas is imported on first use: extraction rarely reads polygons
    import geopandas as gpd

#: A candidate farther than this from the polygon of the area given contradicts it.
TOLERANCE_M = 5_000.0
_MARGIN_DEG = 0.2
_ADMIN_WORDS = ("governorate", "province", "muhafazat", "muhafaza", "district",
                "subdistrict", "sub-district", "nahiya", "mantiqat", "mintaqat", "region",
                "محافظة", "محافظه", "منطقة", "ناحية")


def area_name_key(text: str) -> str:
    """Normalised key of an admin-area name without its admin word."""
    words = [w for w in str(text).replace("-", " ").split()
             if basic_key(w) not in _ADMIN_WORDS and w not in _ADMIN_WORDS]
    return name_key(" ".join(words)) if words else ""


def area_key(text: str) -> str:
    """Key of an admin-area name without its admin word ("Homs Governorate" -> "hms").

    The consonant skeleton: area names are few and their spellings vary in the vowels
    (Homs, Hims, Ḩimş; Idleb, Idlib).
    """
    words = [w for w in str(text).replace("-", " ").split()
             if basic_key(w) not in _ADMIN_WORDS and w not in _ADMIN_WORDS]
    return skeleton_key(" ".join(words)) if words else ""


class AreaContext:
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
        self.areas: gpd.GeoDataFrame | None = None
        self._by_key: dict[tuple[str, int, str], list[int]] = {}
        self._by_skel: dict[tuple[str, int, str], list[int]] = {}
        self._near: dict[int, tuple[int, set[int]]] = {}
        self._metric: gpd.GeoDataFrame | None = None
        self._pending: tuple[Sequence[Path], dict | None] | None = None
        if areas is not None:
            self._load(areas, aliases)

    def _load(self, areas: gpd.GeoDataFrame,
              aliases: dict[tuple[str, str], Sequence[str]] | None) -> None:
        self.areas = areas.to_crs(CRS).reset_index(drop=True)
        if self.areas.empty:
            return
        self._metric = self.areas.to_crs(self.areas.estimate_utm_crs())
        for i, row in enumerate(self.areas.itertuples()):
            country = str(getattr(row, "pcode", ""))[:2].upper()
            country = country if country.isalpha() else ""
            names = [str(getattr(row, "name_en", "")), str(getattr(row, "name_ar", ""))]
            names += list((aliases or {}).get((country, str(getattr(row, "name_en", ""))), ()))
            level = int(getattr(row, "level", 1))
            for name in names:
                key, skel = area_name_key(name), area_key(name)
                if key:
                    self._by_key.setdefault((country, level, key), []).append(i)
                if len(skel) >= 3:
                    self._by_skel.setdefault((country, level, skel), []).append(i)

    @classmethod
    def from_files(cls, paths: Sequence[Path],
                   aliases: dict[tuple[str, str], Sequence[str]] | None = None) -> AreaContext:
        """Areas from files (each one admin level), read on first use; none: no areas."""
        out = cls(None)
        out._pending = (tuple(paths), aliases)
        return out

    def _ensure(self) -> None:
        if self._pending is None:
            return
        paths, aliases = self._pending
        self._pending = None
        from geo.io.boundaries import read_admin_areas

        frames = []
        for level, path in enumerate(paths, start=1):
            if Path(path).exists():
                frames.append(read_admin_areas(Path(path), level=level))
        if frames:
            import geopandas as gpd
            import pandas as pd

            self._load(gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs=CRS),
                       aliases)

    def find(self, name: str, country: str = "", level: int = 1) -> int | None:
        """The area of this level a name denotes (in ``country`` when given).

        The normalised name is tried first, then its consonant skeleton (three
        consonants at least); a name that fits several areas gives None.
        """
        self._ensure()
        for index, key in ((self._by_key, area_name_key(name)),
                           (self._by_skel, area_key(name))):
            if not key or (index is self._by_skel and len(key) < 3):
                continue
            found = index.get((country.upper(), level, key))
            if found is None and not country:
                found = [i for (_, lv, k), rows in index.items() if k == key and lv == level
                         for i in rows]
            if found:
                return found[0] if len(set(found)) == 1 else None
        return None

    def point(self, area: int, direction: str = "") -> tuple[float, float]:
        """(latitude, longitude) standing for an area: the centroid of its polygon, or of
        the part a direction names ("north": the half north of the centroid)."""
        import geopandas as gpd

        assert self.areas is not None and self._metric is not None
        shape = self._metric.geometry.iloc[area]
        if direction:
            shape = _part(shape, direction)
        centre = gpd.GeoSeries([shape.centroid], crs=self._metric.crs).to_crs(CRS).iloc[0]
        return float(centre.y), float(centre.x)

    def describe(self, area: int) -> tuple[str, int, str]:
        """(English name, level, P-code) of an area."""
        assert self.areas is not None
        row = self.areas.iloc[area]
        return str(row["name_en"]), int(row["level"]), str(row["pcode"])

    def name_of(self, area: int) -> str:
        """English name of an area."""
        assert self.areas is not None
        return str(self.areas.at[area, "name_en"])

    def contains(self, area: int, latitude: float, longitude: float) -> bool:
        """Whether a point lies in an area or within :data:`TOLERANCE_M` of it."""
        import geopandas as gpd

        assert self.areas is not None and self._metric is not None
        point = gpd.GeoSeries(gpd.points_from_xy([longitude], [latitude]), crs=CRS)
        distance = point.to_crs(self._metric.crs).distance(self._metric.geometry.iloc[area])
        return bool(distance.iloc[0] <= TOLERANCE_M)

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
            import geopandas as gpd

            points = gpd.GeoSeries(gpd.points_from_xy(lon[box], lat[box]), crs=CRS)
            points = points.to_crs(self._metric.crs)
            distance = points.distance(self._metric.geometry.iloc[area]).to_numpy()
            inside = set(box[distance <= TOLERANCE_M].tolist())
        self._near[area] = (generation, inside)
        return inside


def _part(shape: object, direction: str) -> object:
    """The part of a polygon on one side of its centroid ("north", "south-east" ...)."""
    from shapely.geometry import box

    minx, miny, maxx, maxy = shape.bounds  # type: ignore[attr-defined]
    c = shape.centroid  # type: ignore[attr-defined]
    x0, y0, x1, y1 = minx, miny, maxx, maxy
    d = direction.replace("-", "")
    if d.startswith("north"):
        y0 = c.y
    if d.startswith("south"):
        y1 = c.y
    if d.endswith("east"):
        x0 = c.x
    if d.endswith("west"):
        x1 = c.x
    piece = shape.intersection(box(x0, y0, x1, y1))  # type: ignore[attr-defined]
    return piece if not piece.is_empty else shape
