"""The data a session works on: validated, geocoded incidents and their view domain."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TypeVar

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import shapely

from geo.geocoding.areas import AdminAreas, default_areas
from geo.geocoding.join import build_incident_frame, fingerprint_of, row_hashes
from geo.geocoding.protocol import PlaceResolver
from geo.io.load import load_incidents
from geo.schema import RowError
from geo.settings import load_settings
from geo.store import IncidentStore
from geo.view.extent import fit_view
from geo.view.filters import FilterContext, curated_geocode, geocoder_spellings
from geo.view.search import TermHits
from geo.view.state import ViewDomain
from geo.vocab import EVENT_TYPES


def find_position(ids: pd.Series, incident_id: str) -> int | None:
    """Row position of the first incident whose id is ``incident_id``; None if absent.

    A scan of the id column (a few milliseconds at a million rows), rather than a hash
    index: an index of a million ids as Python strings would hold about 100 MB for a
    look-up made once per rerun at most.
    """
    values = ids.array
    if hasattr(values, "__arrow_array__"):
        import pyarrow.compute as pc

        found = int(pc.index(values.__arrow_array__(), incident_id).as_py())
        return found if found >= 0 else None
    hits = np.flatnonzero((ids == incident_id).to_numpy(dtype=bool, na_value=False))
    return int(hits[0]) if len(hits) else None


#: Text columns with few distinct values (vocabularies, codes, names of areas, places and
#: sources), kept as categoricals: one byte or two a row instead of at least eight (about
#: 230 MB less at a million incidents). The empty text is always one of their categories,
#: so ``fillna("")`` and ``where(..., "")`` keep working on them.
CATEGORY_COLUMNS: tuple[str, ...] = (
    "date_precision", "date_note", "place", "country", "admin1", "geocode_source",
    "event_type", "actors", "source_name", "claimed_by", "claim_status", "type_of_violence",
    "source_event_type", "source_sub_event_type", "deaths_a", "deaths_b", "deaths_civilians",
    "deaths_unknown", "location_uncertainty_km", "quality", "geocode_status", "place_names",
    "adm1_pcode", "adm1_name", "adm2_pcode", "adm2_name", "claimant", "violence_label",
    "off_map", "place_keys", "admin2", "nearest_place",
)


def _categories(values: pd.Series, extra: pd.Index | None = None) -> pd.CategoricalDtype:
    """The categories of a column: its distinct texts (and ``extra``'s), with the empty one."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        found = pd.Index(values.cat.categories)
    else:
        found = pd.Index(pd.unique(values.fillna("").astype(str)))
    if extra is not None:
        found = found.union(extra, sort=False)
    if "" not in found:
        found = found.append(pd.Index([""]))
    return pd.CategoricalDtype(found.sort_values())


_Frame = TypeVar("_Frame", bound=pd.DataFrame)


def compact_frame(incidents: _Frame) -> _Frame:
    """The incidents with the columns of :data:`CATEGORY_COLUMNS` as categoricals.

    Values are unchanged (missing text becomes the empty text, as elsewhere); a new frame
    is returned, sharing the other columns.

    Parameters
    ----------
    incidents : pandas.DataFrame or geopandas.GeoDataFrame

    Returns
    -------
    pandas.DataFrame or geopandas.GeoDataFrame
        Of the same type.
    """
    todo = [c for c in CATEGORY_COLUMNS if c in incidents.columns
            and not isinstance(incidents[c].dtype, pd.CategoricalDtype)
            and (incidents[c].dtype == object or pd.api.types.is_string_dtype(incidents[c]))]
    if not todo:
        return incidents
    out = incidents.copy(deep=False)
    for column in todo:
        values = out[column].fillna("").astype(str)
        out[column] = values.astype(_categories(values))
    return out


def single_chunks(incidents: _Frame) -> _Frame:
    """The incidents with each Arrow-backed text column in one contiguous chunk.

    A file read in parts, or a frame patched after an edit, keeps its text columns as
    several Arrow chunks, and taking rows from such a column (``frame.iloc[rows]``: the
    table's page, the incidents at a place) first joins every chunk, about 10 ms per
    column and per take at 1,000,000 incidents. Joined once here, a take of 100 rows
    costs microseconds. Values and dtypes are unchanged; a new frame is returned
    (sharing the other columns), or ``incidents`` itself when nothing is chunked.

    Parameters
    ----------
    incidents : pandas.DataFrame or geopandas.GeoDataFrame

    Returns
    -------
    pandas.DataFrame or geopandas.GeoDataFrame
        Of the same type.
    """
    joined: dict[str, pd.Series] = {}
    for column in incidents.columns:
        values = incidents[column].array
        if not isinstance(values, pd.arrays.ArrowStringArray):
            continue
        chunked = values.__arrow_array__()
        if chunked.num_chunks > 1:
            whole = pa.chunked_array([chunked.combine_chunks()], type=chunked.type)
            joined[column] = pd.Series(type(values)(whole, dtype=values.dtype),
                                       index=incidents.index, name=column)
    if not joined:
        return incidents
    out = incidents.copy(deep=False)
    for column, series in joined.items():
        out[column] = series
    return out


def align_categories(old: _Frame, fresh: _Frame) -> tuple[_Frame, _Frame]:
    """``old`` and ``fresh`` with the same categories in each categorical column of ``old``.

    So that ``pandas.concat`` of the two keeps those columns categorical (categoricals
    with different categories concatenate to plain text). Only the codes of ``old`` are
    rewritten (a few MB at a million rows), not its texts.

    Parameters
    ----------
    old : pandas.DataFrame or geopandas.GeoDataFrame
        Compacted (see :func:`compact_frame`).
    fresh : pandas.DataFrame or geopandas.GeoDataFrame
        Records to add to it, compacted or not.

    Returns
    -------
    tuple of pandas.DataFrame or geopandas.GeoDataFrame
    """
    old, fresh = old.copy(deep=False), fresh.copy(deep=False)
    for column in old.columns:
        if not isinstance(old[column].dtype, pd.CategoricalDtype) or column not in fresh:
            continue
        incoming = fresh[column]
        if isinstance(incoming.dtype, pd.CategoricalDtype):
            incoming = incoming.astype(str)
        incoming = incoming.fillna("").astype(str)
        dtype = _categories(old[column], pd.Index(pd.unique(incoming)))
        if dtype != old[column].dtype:
            old[column] = old[column].cat.set_categories(dtype.categories)
        fresh[column] = incoming.astype(dtype)
    return old, fresh


#: Map view used when no incident can be drawn (the whole world).
WORLD_VIEW: tuple[tuple[float, float], int] = ((20.0, 0.0), 2)


@dataclass(frozen=True)
class Dataset:
    """Incidents ready for the map, with what was wrong in their source.

    Attributes
    ----------
    incidents : geopandas.GeoDataFrame
        Every valid incident (placed or not), see :func:`geo.geocoding.join.to_geodataframe`.
    errors : list of RowError
        Problems with rows of the source; those rows are not in ``incidents``.
    source : str
        Where the incidents came from.
    areas : AdminAreas or None
        The admin areas incidents were joined to.
    hashes : numpy.ndarray, optional
        One hash per row of ``incidents`` (see :func:`geo.geocoding.join.row_hashes`),
        when the loader kept them; the fingerprint is then computed from them.
    """

    incidents: gpd.GeoDataFrame
    errors: list[RowError] = field(default_factory=list)
    source: str = ""
    areas: AdminAreas | None = None
    hashes: np.ndarray | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Frozen: the compacted frame replaces the one given (same values, less memory).
        object.__setattr__(self, "incidents", single_chunks(compact_frame(self.incidents)))

    def filter_context(self, geocoder: PlaceResolver | None = None) -> FilterContext:
        """What :func:`geo.view.filters.apply_view` needs for this data.

        Parameters
        ----------
        geocoder : PlaceResolver, optional
            Lets search terms that name a place find incidents at any spelling of it
            (the spellings of its curated gazetteer's place too, when it also knows
            learned places: see :func:`geo.view.filters.geocoder_spellings`).
        """
        cache: dict[int, FilterContext] = self.__dict__.setdefault("_contexts", {})
        key = id(geocoder)
        if key not in cache:  # one per geocoder: its place look-ups are cached inside
            countries = self.incidents["country"].astype(str)
            top = tuple(c for c in countries[countries != ""].value_counts().index[:3])
            spellings = (
                geocoder_spellings(geocoder.geocode, top, curated_geocode(geocoder))
                if geocoder is not None else None
            )
            cache.clear()
            cache[key] = FilterContext(self.areas, spellings, TermHits())
        return cache[key]

    @property
    def fingerprint(self) -> str:
        """Fingerprint of the incident records (see :func:`geo.geocoding.join.fingerprint`)."""
        cached = self.__dict__.get("_fingerprint")
        if cached is None:
            cached = fingerprint_of(self._row_hashes(), self.incidents["id"])
            self.__dict__["_fingerprint"] = cached
        return cached

    def _row_hashes(self) -> np.ndarray:
        """The records' hashes: the loader's, or computed once."""
        if self.hashes is not None:
            return self.hashes
        cached = self.__dict__.get("_hashes")
        if cached is None:
            cached = row_hashes(pd.DataFrame(self.incidents.drop(columns="geometry")))
            self.__dict__["_hashes"] = cached
        return cached

    @property
    def frame_key(self) -> str:
        """Key of the frame as laid out: its records in row order and where each is drawn.

        The fingerprint ignores row order and what a place correction changes without
        changing a record (its point, its precision), so a reload in another order or a
        moved pin keeps it; caches of per-row arrays (masks, map columns, the table order)
        key on this instead, or they would answer with another frame's rows.
        """
        cached = self.__dict__.get("_frame_key")
        if cached is None:
            frame = self.incidents
            digest = hashlib.sha256(np.asarray(self._row_hashes()).tobytes())
            points = np.asarray(frame.geometry.values, dtype=object)
            for values in (shapely.get_x(points), shapely.get_y(points)):
                digest.update(np.ascontiguousarray(values, dtype=np.float64).tobytes())
            for name in frame.columns:
                values = frame[name]
                if isinstance(values.dtype, pd.CategoricalDtype):
                    digest.update(name.encode())
                    digest.update(np.ascontiguousarray(values.cat.codes.to_numpy()).tobytes())
                    digest.update("\x1f".join(map(str, values.cat.categories)).encode())
            cached = digest.hexdigest()[:16]
            self.__dict__["_frame_key"] = cached
        return cached

    def domain(self) -> ViewDomain:
        """What a view of this data may hold (computed once per dataset)."""
        cached = self.__dict__.get("_domain")
        if cached is None:
            cached = self._compute_domain()
            self.__dict__["_domain"] = cached  # frozen dataclass: cache beside the fields
        return cached

    def _compute_domain(self) -> ViewDomain:
        """What a view of this data may hold, with a map view fitted to it.

        The event types offered are those present in the data, in schema order.
        """
        frame = self.incidents
        ids = frame["id"]
        drawn = frame[frame["off_map"] == ""]
        center, zoom = fit_view(tuple(drawn.total_bounds)) if len(drawn) else WORLD_VIEW
        start, end = frame["date_start"].min(), frame["date_end"].max()
        present = set(frame["event_type"])
        return ViewDomain(
            date_min=None if pd.isna(start) else start.date(),
            date_max=None if pd.isna(end) else end.date(),
            center=center,
            zoom=zoom,
            fingerprint=self.fingerprint,
            frame_key=self.frame_key,
            has_incident=lambda incident_id: find_position(ids, incident_id) is not None,
            event_types=tuple(t for t in EVENT_TYPES if t in present),
            # Not a method of this dataset: a domain kept by a session (e.g. in a widget's
            # callback) must not keep the dataset's frame alive after the data changed.
            resolve_area=partial(_resolve_area, self.areas),
        )


def _resolve_area(areas: AdminAreas | None, name: str, level: int) -> str | None:
    return areas.resolve(name, level) if areas else None


def load_store_dataset(
    store: IncidentStore,
    geocoder: PlaceResolver | None = None,
    errors: list[RowError] | None = None,
    areas: AdminAreas | None = None,
) -> Dataset:
    """Join every incident of a store (geocoding them again when given a geocoder).

    Parameters
    ----------
    store : IncidentStore
    geocoder : PlaceResolver, optional
        None (display pages): the stored coordinates are used as they are.
    errors : list of RowError, optional
        Problems met while filling the store (e.g. rows of the seed file).
    areas : AdminAreas, optional
        Admin boundaries (default: :func:`geo.geocoding.areas.default_areas`).

    Returns
    -------
    Dataset
        With the store's ``origin`` and ``possible_duplicates`` columns.
    """
    records = store.incidents(with_flags=True)
    areas = default_areas() if areas is None else areas
    frame = build_incident_frame(records, geocoder, areas, load_settings())
    return Dataset(frame, list(errors or []), store.kind, areas, row_hashes(frame))


def load_dataset(
    path: Path,
    geocoder: PlaceResolver | Callable[[], PlaceResolver] | None,
    areas: AdminAreas | None = None,
) -> Dataset:
    """Load, validate, geocode and join the incidents of one file.

    Parameters
    ----------
    path : Path
        CSV or GeoJSON incident file.
    geocoder : PlaceResolver, callable or None
        A callable is called (e.g. to load the gazetteer) only when some record has a
        place but no coordinates; None leaves such records unplaced.
    areas : AdminAreas, optional
        Admin boundaries (default: :func:`geo.geocoding.areas.default_areas`).

    Returns
    -------
    Dataset
    """
    result = load_incidents(path)
    records = result.incidents
    coder = geocoder
    if callable(coder) and not isinstance(coder, PlaceResolver):
        needs = (records["latitude"].isna() & (records["place"] != "")).any()
        coder = coder() if needs else None
    areas = default_areas() if areas is None else areas
    frame = build_incident_frame(records, coder, areas, load_settings())
    return Dataset(frame, result.errors, path.name, areas)
