"""Admin areas: area names in any spelling, point-in-polygon joins, the geocoder's context.

This module owns admin-area lookup for the whole engine: the dataset's area columns and
filters, and the geocoder (is a candidate inside the governorate or district a record
gives? what point stands for "Aleppo Governorate"?).

Every placed incident gets its governorate (level 1) and district (level 2), names and
P-codes, by a GeoPandas spatial join against the boundaries of
:mod:`geo.io.boundaries` (the shipped Syria set or any file an analyst loads). An
incident located only to a region gets no district; one located only to a country,
no area. An incident without coordinates gets the governorate its source names, when
that name is one of the areas'.

Area names are matched under any spelling or script through the place-name keys of
:mod:`geo.geocoding.names` (``Raqqa``, ``Ar-Raqqa``, ``Rakka``, ``الرقة`` -> ``SY11``),
without the word for the kind of area ("Raqqa governorate", "محافظة حلب"). A candidate
contradicts an area when it lies farther than :data:`TOLERANCE_M` from the area's polygon
(borders are simplified, and gazetteer points sit a little off).

GeoPandas is imported on first use: the geocoder reads polygons only when a record names
an area (:meth:`AdminAreas.deferred`), and extraction's start path never does.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from geo.geocoding.gazetteer import Place
from geo.geocoding.names import basic_key, name_keys
from geo.settings import load_settings
from geo.vocab import CRS, WEB_MERCATOR

if TYPE_CHECKING:  # the geometry stack is imported on first use
    import geopandas as gpd
    import pandas as pd

AREA_FRAME_COLUMNS: tuple[str, ...] = ("adm1_pcode", "adm1_name", "adm2_pcode", "adm2_name")
"""Columns :meth:`AdminAreas.assign` adds to incidents ('' where unknown)."""

#: World cylindrical equal-area projection, for area sizes.
EQUAL_AREA = "EPSG:6933"

#: Points outside every polygon but this close to one (metres, Web Mercator) join it:
#: the shipped boundaries are simplified, and coastal or border points may fall just out.
EDGE_TOLERANCE_M = 5_000.0

#: A candidate farther than this from the polygon of the area given contradicts it.
TOLERANCE_M = 5_000.0
_MARGIN_DEG = 0.2

#: Words that say what kind of area a name is ("Raqqa governorate", "محافظة حلب"), as
#: basic keys; "sub-district" and "sub district" lose both words.
AREA_WORDS = frozenset({
    "governorate", "governorates", "province", "provinces", "district", "districts",
    "subdistrict", "subdistricts", "sub", "muhafaza", "muhafazah", "muhafazat", "mohafaza",
    "mantiqa", "mantiqat", "mintaqa", "mintaqat", "nahiya", "region", "city", "of",
    "محافظه", "منطقه", "ناحيه", "مدينه",
})


def _area_words(name: str) -> list[str]:
    """The words of an area name without the words for its kind of area."""
    return [w for w in str(name).replace("-", " ").split()
            if basic_key(w) not in AREA_WORDS and w not in AREA_WORDS]


def area_name_key(text: str) -> str:
    """Normalised key of an admin-area name without its admin word ('' when none is left)."""
    words = _area_words(text)
    return name_keys(" ".join(words))[1] if words else ""


def area_key(text: str) -> str:
    """Key of an admin-area name without its admin word ("Homs Governorate" -> "hms").

    The consonant skeleton: area names are few and their spellings vary in the vowels
    (Homs, Hims, Ḩimş; Idleb, Idlib).
    """
    words = _area_words(text)
    return name_keys(" ".join(words))[2] if words else ""


def bare_area_name(name: str) -> str:
    """An area name without the word for its kind of area (itself when nothing is left):
    "Ar Raqqah Governorate" -> "Ar Raqqah"."""
    return " ".join(_area_words(name)) or name



class AdminAreas:
    """Admin areas of one or more levels, with their names under every key.

    Parameters
    ----------
    levels : sequence of geopandas.GeoDataFrame
        Frames of :data:`geo.io.boundaries.AREA_COLUMNS` + geometry, each one level.
    """

    def __init__(self, levels: Sequence[gpd.GeoDataFrame]) -> None:
        self._pending: tuple[tuple[Path, ...], tuple[Place, ...]] | None = None
        self._load(levels)

    def _load(self, levels: Sequence[gpd.GeoDataFrame]) -> None:
        self._levels: dict[int, gpd.GeoDataFrame] = {}
        for frame in levels:
            level = int(frame["level"].iloc[0]) if len(frame) else 0
            if level in (1, 2):
                self._levels[level] = frame.reset_index(drop=True)
        self._radius: dict[str, float] = {}
        for frame in self._levels.values():
            areas_m2 = frame.geometry.to_crs(EQUAL_AREA).area.to_numpy(dtype=float)
            for pcode, m2 in zip(frame["pcode"].astype(str), areas_m2, strict=True):
                self._radius[pcode] = round(float(np.sqrt(m2 / np.pi)) / 1000.0, 1)
        self._names: dict[str, str] = {}
        self._spellings: dict[str, tuple[str, ...]] = {}
        self._parents: dict[str, str] = {}
        self._where: dict[str, tuple[int, int]] = {}  # pcode -> (level, row)
        self._keys: dict[int, dict[tuple[int, str], set[str]]] = {1: {}, 2: {}}
        self._near: dict[str, tuple[int, set[int]]] = {}
        self._metric: dict[int, gpd.GeoDataFrame] = {}
        for level, frame in self._levels.items():
            for i, row in enumerate(frame.itertuples(index=False)):
                pcode = str(row.pcode)
                self._where[pcode] = (level, i)
                self._names[pcode] = str(row.name_en) or str(row.name_ar) or pcode
                if level == 2 and row.parent_pcode:
                    self._parents[pcode] = str(row.parent_pcode)
                for name in (row.name_en, row.name_ar, pcode):
                    self._index(level, str(name), pcode)

    @classmethod
    def deferred(cls, paths: Iterable[Path], places: Iterable[Place] = ()) -> AdminAreas:
        """Areas read from ``paths`` (one file per level) on first use, with the
        governorate spellings of ``places`` (see :meth:`add_aliases`).

        Building a geocoder stays cheap: the polygons (and GeoPandas) are read only when
        a record names an area.
        """
        out = cls([])
        out._pending = (tuple(paths), tuple(places))
        return out

    def _ensure(self) -> None:
        if self._pending is None:
            return
        paths, places = self._pending
        self._pending = None
        from geo.io.boundaries import read_admin_levels

        self._load(read_admin_levels(list(paths)))
        self.add_aliases(places)

    @property
    def levels(self) -> dict[int, gpd.GeoDataFrame]:
        """Level (1 governorates, 2 districts) -> its areas (read on first use)."""
        self._ensure()
        return self._levels

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
        _, key, skeleton = name_keys(bare_area_name(name))
        return basic, key, skeleton if len(skeleton) >= 3 else ""

    @classmethod
    def from_paths(cls, paths: Iterable[Path]) -> AdminAreas:
        """Read boundary files (one per level; missing files are skipped)."""
        from geo.io.boundaries import read_admin_levels

        return cls(read_admin_levels(list(paths)))

    def __bool__(self) -> bool:
        return bool(self.levels)

    # -- the geocoder's context ---------------------------------------------------------

    def find(self, name: str, country: str = "", level: int = 1) -> str | None:
        """P-code of the area of this level a name denotes, in ``country`` when given
        (any spelling or script, with or without its admin word, or the P-code); None
        when no area, or several, fit."""
        if level not in self.levels:
            return None
        return self._lookup(name, level, country.strip().upper())

    def containing(self, latitude: float, longitude: float, level: int) -> str | None:
        """P-code of the area of this level whose polygon holds the point (None outside)."""
        frame = self.levels.get(level)
        if frame is None or not len(frame):
            return None
        from shapely.geometry import Point

        hits = frame.sindex.query(Point(longitude, latitude), predicate="intersects")
        return str(frame["pcode"].iloc[int(hits[0])]) if len(hits) == 1 else None

    def point(self, pcode: str, direction: str = "") -> tuple[float, float]:
        """(latitude, longitude) standing for an area: the centroid of its polygon, or of
        the part a direction names ("north": the half north of the centroid)."""
        self._ensure()
        import geopandas as gpd

        level, row = self._where[pcode]
        metric = self._metric_frame(level)
        shape = metric.geometry.iloc[row]
        if direction:
            shape = _part(shape, direction)
        centre = gpd.GeoSeries([shape.centroid], crs=metric.crs).to_crs(CRS).iloc[0]
        return float(centre.y), float(centre.x)

    def describe(self, pcode: str) -> tuple[str, int, str]:
        """(English name, level, P-code) of an area."""
        self._ensure()
        return self.name(pcode), self._where[pcode][0], pcode

    def contains(self, pcode: str, latitude: float, longitude: float) -> bool:
        """Whether a point lies in an area or within :data:`TOLERANCE_M` of it."""
        self._ensure()
        import geopandas as gpd

        level, row = self._where[pcode]
        metric = self._metric_frame(level)
        point = gpd.GeoSeries(gpd.points_from_xy([longitude], [latitude]), crs=CRS)
        distance = point.to_crs(metric.crs).distance(metric.geometry.iloc[row])
        return bool(distance.iloc[0] <= TOLERANCE_M)

    def near(self, pcode: str, latitude: np.ndarray, longitude: np.ndarray,
             generation: int) -> set[int]:
        """Rows (of arrays ``latitude``/``longitude``) within the tolerance of an area.

        Only rows inside the area's box (plus a margin) are tested; the answer is
        cached per area until ``generation`` changes (the gazetteer was rebuilt).
        """
        self._ensure()
        cached = self._near.get(pcode)
        if cached is not None and cached[0] == generation:
            return cached[1]
        level, row = self._where[pcode]
        west, south, east, north = self.levels[level].geometry.iloc[row].bounds
        lat, lon = latitude, longitude
        box = np.flatnonzero((lat >= south - _MARGIN_DEG) & (lat <= north + _MARGIN_DEG)
                             & (lon >= west - _MARGIN_DEG) & (lon <= east + _MARGIN_DEG))
        inside: set[int] = set()
        if len(box):
            import geopandas as gpd

            metric = self._metric_frame(level)
            points = gpd.GeoSeries(gpd.points_from_xy(lon[box], lat[box]), crs=CRS)
            distance = points.to_crs(metric.crs).distance(metric.geometry.iloc[row])
            inside = set(box[distance.to_numpy() <= TOLERANCE_M].tolist())
        self._near[pcode] = (generation, inside)
        return inside

    def _metric_frame(self, level: int) -> gpd.GeoDataFrame:
        """The areas of a level in the UTM zone of all areas (metres)."""
        frame = self._metric.get(level)
        if frame is None:
            first = next(iter(self.levels.values()))
            frame = self._metric[level] = self.levels[level].to_crs(first.estimate_utm_crs())
        return frame

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
        self._ensure()
        for lvl in (level,) if level is not None else (1, 2):
            if lvl not in self._keys:
                continue
            found = self._lookup(name, lvl)
            if found is not None:
                return found
        return None

    def _lookup(self, name: str, level: int, country: str = "") -> str | None:
        text = name.strip()
        if text.upper() in self._names and text.upper() in self._level_codes(level):
            return text.upper() if not country or text.upper().startswith(country) else None
        keys = self._name_keys(text)
        for kind, key in enumerate(keys):
            hits = self._keys[level].get((kind, key), set()) if key else set()
            if country:
                hits = {p for p in hits if p.startswith(country)}
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
        self._ensure()
        return self._spellings.get(pcode, ())

    def name(self, pcode: str) -> str:
        """English name of an area (the P-code itself when unknown)."""
        self._ensure()
        return self._names.get(pcode, pcode)

    def radius_km(self, pcode: str) -> float:
        """Radius (km) of a disc as large as the area (NaN for an unknown code).

        What "somewhere in this district" means as a distance from its centre.
        """
        self._ensure()
        return self._radius.get(pcode, float("nan"))

    def parent(self, pcode: str) -> str:
        """Governorate P-code of a district ('' for a governorate or unknown code)."""
        self._ensure()
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
        import pandas as pd

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
        # Each distinct point is joined once (records share places).
        xy = np.column_stack([points["longitude"].to_numpy(float),
                              points["latitude"].to_numpy(float)])
        unique, inverse = np.unique(xy, axis=0, return_inverse=True)
        return AdminAreas._distinct_point_areas(unique, areas)[inverse.reshape(-1)]

    @staticmethod
    def _distinct_point_areas(xy: np.ndarray, areas: gpd.GeoDataFrame) -> np.ndarray:
        import geopandas as gpd
        import shapely

        geometry = gpd.points_from_xy(xy[:, 0], xy[:, 1], crs=CRS)
        left = gpd.GeoDataFrame({"row": np.arange(len(xy))}, geometry=geometry, crs=CRS)
        right = areas[["pcode", "geometry"]]
        joined = gpd.sjoin(left, right, how="left", predicate="within")
        joined = joined.drop_duplicates("row").set_index("row")["pcode"]
        codes = joined.reindex(np.arange(len(xy))).fillna("").to_numpy(dtype=object)
        outside = np.flatnonzero(codes == "")
        if len(outside):
            far = left.iloc[outside].to_crs(WEB_MERCATOR)
            # Only points within reach of some area can join one (the nearest join,
            # a distance to every polygon near, is the slow part): the others stay "".
            reach = _reach(areas)
            close = shapely.intersects_xy(reach, far.geometry.x.to_numpy(),
                                          far.geometry.y.to_numpy())
            if close.any():
                near = gpd.sjoin_nearest(
                    far[close], right.to_crs(WEB_MERCATOR),
                    how="left", max_distance=EDGE_TOLERANCE_M,
                ).drop_duplicates("row").set_index("row")["pcode"]
                rows = outside[close]
                codes[rows] = near.reindex(rows).fillna("").to_numpy(dtype=object)
        return codes


_REACH: dict[int, tuple[object, object]] = {}


def _reach(areas: gpd.GeoDataFrame) -> object:
    """Everything within :data:`EDGE_TOLERANCE_M` of the areas (Web Mercator), prepared.

    A little wider than the tolerance (the buffer's arcs are polygons inside the true
    circle), so no point the nearest join would give an area is left out. Kept per
    areas frame (the frames of an :class:`AdminAreas` live as long as it does).
    """
    import shapely

    found = _REACH.get(id(areas))
    if found is not None and found[0] is areas:
        return found[1]
    union = shapely.union_all(areas.to_crs(WEB_MERCATOR).geometry.to_numpy())
    reach = shapely.buffer(union, EDGE_TOLERANCE_M * 1.01 + 50)
    shapely.prepare(reach)
    if len(_REACH) > 8:
        _REACH.clear()
    _REACH[id(areas)] = (areas, reach)
    return reach


@cache
def _cached_areas(paths: tuple[Path, ...], places_path: Path) -> AdminAreas:
    from geo.geocoding.sources import load_place_file

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
