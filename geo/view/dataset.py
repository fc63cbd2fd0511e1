"""The data a session works on: validated, geocoded incidents and their view domain."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd

from geo.geocoding.areas import AdminAreas, default_areas
from geo.geocoding.join import build_incident_frame, fingerprint_of, row_hashes
from geo.geocoding.protocol import PlaceResolver
from geo.io.worker import release_memory
from geo.schema import RowError
from geo.settings import load_settings
from geo.store import IncidentStore
from geo.view.assemble import build_in_chunks, file_chunks, taken
from geo.view.compact import CATEGORY_COLUMNS as CATEGORY_COLUMNS  # re-exported
from geo.view.compact import align_categories as align_categories  # re-exported
from geo.view.compact import compact_frame, single_chunks, without_points
from geo.view.extent import fit_view
from geo.view.filters import FilterContext
from geo.view.search import TermHits
from geo.view.spellings import search_spellings
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


#: Map view used when no incident can be drawn (the whole world).
WORLD_VIEW: tuple[tuple[float, float], int] = ((20.0, 0.0), 2)


@dataclass(frozen=True)
class Dataset:
    """Incidents ready for the map, with what was wrong in their source.

    Attributes
    ----------
    incidents : pandas.DataFrame
        Every valid incident (placed or not), see :func:`geo.geocoding.join.to_geodataframe`,
        without its ``geometry`` column (the coordinates are in ``latitude`` and
        ``longitude``; a frame given with it is kept without it: see
        :func:`geo.view.compact.without_points`).
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

    incidents: pd.DataFrame
    errors: list[RowError] = field(default_factory=list)
    source: str = ""
    areas: AdminAreas | None = None
    hashes: np.ndarray | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Frozen: the compacted frame replaces the one given (same values, less memory).
        object.__setattr__(self, "incidents",
                           single_chunks(compact_frame(without_points(self.incidents))))

    def filter_context(self, geocoder: PlaceResolver | None = None) -> FilterContext:
        """What :func:`geo.view.filters.apply_view` needs for this data.

        Parameters
        ----------
        geocoder : PlaceResolver, optional
            Lets search terms that name a place find incidents at any spelling of it
            (the gazetteer place's spellings too, when it also knows learned places
            or corrections: see :func:`geo.view.spellings.search_spellings`).
        """
        cache: dict[int, FilterContext] = self.__dict__.setdefault("_contexts", {})
        key = id(geocoder)
        if key not in cache:  # one per geocoder: its place look-ups are cached inside
            countries = self.incidents["country"].astype(str)
            top = tuple(c for c in countries[countries != ""].value_counts().index[:3])
            spellings = search_spellings(geocoder, top) if geocoder is not None else None
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
            cached = row_hashes(self.incidents)
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
            for values in _drawn_xy(frame):
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
        x, y = _drawn_xy(frame[frame["off_map"] == ""])
        center, zoom = WORLD_VIEW
        if (~np.isnan(x)).any():  # the bounds of the drawn points
            center, zoom = fit_view((float(np.nanmin(x)), float(np.nanmin(y)),
                                     float(np.nanmax(x)), float(np.nanmax(y))))
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


def _drawn_xy(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Longitude and latitude of each incident's point, NaN for both where it has none
    (no latitude): what the frame's Shapely points held."""
    lon = pd.to_numeric(frame["longitude"], errors="coerce").to_numpy(
        dtype=np.float64, na_value=np.nan)
    lat = pd.to_numeric(frame["latitude"], errors="coerce").to_numpy(
        dtype=np.float64, na_value=np.nan)
    return np.where(np.isnan(lat), np.nan, lon), lat


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
    # Read, validated, joined and compacted a chunk at a time (see geo.view.assemble):
    # the file's text and the join's copies are never all alive at once.
    settings = load_settings()
    typed, errors = file_chunks(path, settings.load_chunk_rows)
    coder = geocoder
    if callable(coder) and not isinstance(coder, PlaceResolver):
        needs = any((t["latitude"].isna() & (t["place"] != "")).any() for t in typed)
        coder = coder() if needs else None
    areas = default_areas() if areas is None else areas
    frame = build_in_chunks(taken(typed), coder, areas, settings, points=False)
    # The records' hashes now (the fingerprint's), while the load's pages are handed back
    # below: not later on top of the page's first arrays.
    loaded = Dataset(frame, errors, path.name, areas, row_hashes(frame))
    release_memory(collect=False)
    return loaded


def dates_without(incidents: pd.DataFrame, ids: Collection[str]
                  ) -> tuple[date | None, date | None]:
    """Span of the dates of an incident frame's records but ``ids`` (the samples).

    Parameters
    ----------
    incidents : pandas.DataFrame
        With ``id``, ``date_start`` and ``date_end``.
    ids : collection of str

    Returns
    -------
    tuple of date or None
        (first start, last end); None when no other record is dated.
    """
    others = ~incidents["id"].astype(str).isin(list(ids)).to_numpy()
    start = incidents["date_start"][others].min()
    end = incidents["date_end"][others].max()
    return (None if pd.isna(start) else start.date(), None if pd.isna(end) else end.date())
