"""Admin areas of incidents: point-in-polygon joins and area names in any spelling.

Every placed incident gets its governorate (level 1) and district (level 2), names and
P-codes, by a GeoPandas spatial join against the boundaries of
:mod:`geo.io.boundaries` (the shipped Syria set or any file an analyst loads). An
incident located only to a region gets no district; one located only to a country,
no area. An incident without coordinates gets the governorate its source names, when
that name is one of the areas'.

Area names are matched under any spelling or script through the place-name keys of
:mod:`geo.geocoding.names` (``Raqqa``, ``Ar-Raqqa``, ``Rakka``, ``الرقة`` -> ``SY11``).
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable, Sequence
from functools import cache
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.geocoding.gazetteer import Place
from geo.geocoding.names import basic_key, name_keys
from geo.geocoding.sources import load_place_file
from geo.io.boundaries import read_admin_levels
from geo.settings import load_settings
from geo.vocab import CRS, WEB_MERCATOR

AREA_FRAME_COLUMNS: tuple[str, ...] = ("adm1_pcode", "adm1_name", "adm2_pcode", "adm2_name")
"""Columns :meth:`AdminAreas.assign` adds to incidents ('' where unknown)."""

#: World cylindrical equal-area projection, for area sizes.
EQUAL_AREA = "EPSG:6933"

#: Points outside every polygon but this close to one (metres, Web Mercator) join it:
#: the shipped boundaries are simplified, and coastal or border points may fall just out.
EDGE_TOLERANCE_M = 5_000.0

#: Words that say what kind of area a name is ("Raqqa governorate", "محافظة حلب").
_AREA_WORDS = re.compile(
    r"\b(?:governorate|governorates|province|provinces|district|districts|sub ?district|"
    r"muhafazah?|muhafazat|mohafaza|mantiqa|mantiqat|nahiya|region|city|of)\b|"
    r"محافظة|محافظه|منطقة|منطقه|ناحية|ناحيه|مدينة|مدينه"
)


def _bare(name: str) -> str:
    """An area name without the word for its kind of area."""
    lowered = name.lower() if not any("\u0600" <= ch <= "\u06ff" for ch in name) else name
    bare = " ".join(_AREA_WORDS.sub(" ", lowered.replace("-", " ")).split())
    return bare or name


class AdminAreas:
    """Admin areas of one or more levels, with their names under every key.

    Parameters
    ----------
    levels : sequence of geopandas.GeoDataFrame
        Frames of :data:`geo.io.boundaries.AREA_COLUMNS` + geometry, each one level.
    """

    def __init__(self, levels: Sequence[gpd.GeoDataFrame]) -> None:
        self.levels: dict[int, gpd.GeoDataFrame] = {}
        for frame in levels:
            level = int(frame["level"].iloc[0]) if len(frame) else 0
            if level in (1, 2):
                self.levels[level] = frame.reset_index(drop=True)
        self._radius: dict[str, float] = {}
        for frame in self.levels.values():
            areas_m2 = frame.geometry.to_crs(EQUAL_AREA).area.to_numpy(dtype=float)
            for pcode, m2 in zip(frame["pcode"].astype(str), areas_m2, strict=True):
                self._radius[pcode] = round(float(np.sqrt(m2 / np.pi)) / 1000.0, 1)
        self._names: dict[str, str] = {}
        self._spellings: dict[str, tuple[str, ...]] = {}
        self._parents: dict[str, str] = {}
        self._keys: dict[int, dict[tuple[int, str], set[str]]] = {1: {}, 2: {}}
        for level, frame in self.levels.items():
            for row in frame.itertuples(index=False):
                pcode = str(row.pcode)
                self._names[pcode] = str(row.name_en) or str(row.name_ar) or pcode
                if level == 2 and row.parent_pcode:
                    self._parents[pcode] = str(row.parent_pcode)
                for name in (row.name_en, row.name_ar, pcode):
                    self._index(level, str(name), pcode)

    def _index(self, level: int, name: str, pcode: str) -> None:
        if not name:
            return
        if name != pcode and name not in self._spellings.get(pcode, ()):
            self._spellings[pcode] = (*self._spellings.get(pcode, ()), name)
        for kind, key in enumerate(self._name_keys(name)):
            if key:
                self._keys[level].setdefault((kind, key), set()).add(pcode)

    def add_aliases(self, places: Iterable[Place]) -> int:
        """Index other spellings of governorates from a place list ("Rif Dimashq").

        Parameters
        ----------
        places : iterable of Place
            Places of kind ``governorate`` whose ``admin1`` is one area's name (or
            P-code); their name and aliases become names of that area.

        Returns
        -------
        int
            How many places were attached to an area.
        """
        attached = 0
        for place in places:
            if place.kind != "governorate" or not place.admin1:
                continue
            pcode = self._lookup(place.admin1, 1) if 1 in self.levels else None
            if pcode is None:
                continue
            for spelling in place.spellings:
                self._index(1, spelling, pcode)
            attached += 1
        return attached

    @staticmethod
    def _name_keys(name: str) -> tuple[str, str, str]:
        basic = basic_key(name)
        _, key, skeleton = name_keys(_bare(name))
        return basic, key, skeleton

    @classmethod
    def from_paths(cls, paths: Iterable[Path]) -> AdminAreas:
        """Read boundary files (one per level; missing files are skipped)."""
        return cls(read_admin_levels(list(paths)))

    def __bool__(self) -> bool:
        return bool(self.levels)

    # -- names ------------------------------------------------------------------------

    def resolve(self, name: str, level: int | None = None) -> str | None:
        """P-code of the area a name denotes, in any spelling, script or by P-code.

        Parameters
        ----------
        name : str
            "Raqqa", "Ar-Raqqa", "Rakka", "الرقة", "Raqqa governorate", "SY11".
        level : int, optional
            1 or 2; None tries governorates first, then districts.

        Returns
        -------
        str or None
            None when no area, or several, match.
        """
        for lvl in (level,) if level is not None else (1, 2):
            if lvl not in self._keys:
                continue
            found = self._lookup(name, lvl)
            if found is not None:
                return found
        return None

    def _lookup(self, name: str, level: int) -> str | None:
        text = name.strip()
        if text.upper() in self._names and text.upper() in self._level_codes(level):
            return text.upper()
        keys = self._name_keys(text)
        for kind, key in enumerate(keys):
            hits = self._keys[level].get((kind, key), set()) if key else set()
            if len(hits) == 1:
                return next(iter(hits))
            if len(hits) > 1:
                return None  # ambiguous at this level: a looser key would not help
        return None

    def _level_codes(self, level: int) -> set[str]:
        frame = self.levels.get(level)
        return set() if frame is None else set(frame["pcode"])

    def names(self, pcode: str) -> tuple[str, ...]:
        """Every name of an area: English, Arabic and the aliases added."""
        return self._spellings.get(pcode, ())

    def name(self, pcode: str) -> str:
        """English name of an area (the P-code itself when unknown)."""
        return self._names.get(pcode, pcode)

    def radius_km(self, pcode: str) -> float:
        """Radius (km) of a disc as large as the area (NaN for an unknown code).

        What "somewhere in this district" means as a distance from its centre.
        """
        return self._radius.get(pcode, float("nan"))

    def parent(self, pcode: str) -> str:
        """Governorate P-code of a district ('' for a governorate or unknown code)."""
        return self._parents.get(pcode, "")

    def options(self, level: int) -> list[tuple[str, str]]:
        """``(pcode, name)`` of every area of a level, by name."""
        frame = self.levels.get(level)
        if frame is None:
            return []
        pairs = zip(frame["pcode"].astype(str), frame["name_en"].astype(str), strict=True)
        return sorted(pairs, key=lambda p: p[1])

    # -- joins ------------------------------------------------------------------------

    def assign(self, incidents: pd.DataFrame) -> pd.DataFrame:
        """Governorate and district of each incident.

        Parameters
        ----------
        incidents : pandas.DataFrame
            With ``latitude``, ``longitude``, ``geo_precision`` and ``admin1``.

        Returns
        -------
        pandas.DataFrame
            Same index, :data:`AREA_FRAME_COLUMNS`. A point gets the areas it lies in
            (a governorate up to precision 3, a district up to precision 2); an incident
            without coordinates gets the governorate its ``admin1`` names, if any.
        """
        out = pd.DataFrame("", index=incidents.index, columns=list(AREA_FRAME_COLUMNS))
        if not self.levels or incidents.empty:
            return out
        precision = incidents["geo_precision"].astype("Float64").fillna(1).to_numpy(float)
        placed = incidents["latitude"].notna().to_numpy() & (precision < 4)
        todo = placed.copy()
        if 2 in self.levels and placed.any():
            # One join with the districts gives the governorates too (their parents).
            codes = self._point_areas(incidents.loc[placed], self.levels[2])
            parents = np.array([self.parent(c) for c in codes], dtype=object)
            out.loc[placed, "adm1_pcode"] = parents
            out.loc[placed & (precision <= 2), "adm2_pcode"] = codes[precision[placed] <= 2]
            todo = placed & (out["adm1_pcode"] == "").to_numpy(dtype=bool)
        if 1 in self.levels and todo.any():
            out.loc[todo, "adm1_pcode"] = self._point_areas(incidents.loc[todo], self.levels[1])
        unplaced = ~incidents["latitude"].notna().to_numpy() & (incidents["admin1"] != "")
        if unplaced.any():
            names = incidents.loc[unplaced, "admin1"]
            found = {n: self.resolve(n, 1) or "" for n in pd.unique(names)}
            out.loc[unplaced, "adm1_pcode"] = names.map(found)
        districts = out["adm2_pcode"] != ""
        no_parent = districts & (out["adm1_pcode"] == "")
        out.loc[no_parent, "adm1_pcode"] = out.loc[no_parent, "adm2_pcode"].map(self.parent)
        for level in (1, 2):
            codes = out[f"adm{level}_pcode"]
            out[f"adm{level}_name"] = codes.map(lambda c: self.name(c) if c else "")
        return out

    @staticmethod
    def _point_areas(points: pd.DataFrame, areas: gpd.GeoDataFrame) -> np.ndarray:
        geometry = gpd.points_from_xy(points["longitude"], points["latitude"], crs=CRS)
        left = gpd.GeoDataFrame({"row": np.arange(len(points))}, geometry=geometry, crs=CRS)
        right = areas[["pcode", "geometry"]]
        joined = gpd.sjoin(left, right, how="left", predicate="within")
        joined = joined.drop_duplicates("row").set_index("row")["pcode"]
        codes = joined.reindex(np.arange(len(points))).fillna("").to_numpy(dtype=object)
        outside = np.flatnonzero(codes == "")
        if len(outside):
            near = gpd.sjoin_nearest(
                left.iloc[outside].to_crs(WEB_MERCATOR), right.to_crs(WEB_MERCATOR),
                how="left", max_distance=EDGE_TOLERANCE_M,
            ).drop_duplicates("row").set_index("row")["pcode"]
            codes[outside] = near.reindex(outside).fillna("").to_numpy(dtype=object)
        return codes


@cache
def _cached_areas(paths: tuple[Path, ...], places_path: Path) -> AdminAreas:
    areas = AdminAreas.from_paths(paths)
    if places_path.exists():
        try:
            areas.add_aliases(load_place_file(places_path))
        except (OSError, ValueError) as exc:
            warnings.warn(f"governorate aliases not read from {places_path}: {exc}",
                          stacklevel=2)
    return areas


def default_areas() -> AdminAreas:
    """The admin areas of the settings (``INCIDENT_MAP_ADMIN``), read once per process.

    Governorates also answer to the spellings the project's place file
    (``INCIDENT_MAP_PLACES``) gives them.
    """
    settings = load_settings()
    return _cached_areas(tuple(settings.admin_paths), settings.places_path)
