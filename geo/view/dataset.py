"""The data a session works on: validated, geocoded incidents and their view domain."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.geocoding.areas import AdminAreas, default_areas
from geo.geocoding.join import build_incident_frame, fingerprint, fingerprint_of, row_hashes
from geo.geocoding.protocol import PlaceResolver
from geo.io.load import load_incidents
from geo.schema import RowError
from geo.settings import load_settings
from geo.store import IncidentStore
from geo.view.extent import fit_view
from geo.view.filters import FilterContext, geocoder_spellings
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

    def filter_context(self, geocoder: PlaceResolver | None = None) -> FilterContext:
        """What :func:`geo.view.filters.apply_view` needs for this data.

        Parameters
        ----------
        geocoder : PlaceResolver, optional
            Lets search terms that name a place find incidents at any spelling of it.
        """
        cache: dict[int, FilterContext] = self.__dict__.setdefault("_contexts", {})
        key = id(geocoder)
        if key not in cache:  # one per geocoder: its place look-ups are cached inside
            countries = self.incidents["country"].astype(str)
            top = tuple(c for c in countries[countries != ""].value_counts().index[:3])
            spellings = (
                geocoder_spellings(geocoder.geocode, top) if geocoder is not None else None
            )
            cache.clear()
            cache[key] = FilterContext(self.areas, spellings)
        return cache[key]

    @property
    def fingerprint(self) -> str:
        """Fingerprint of the incident records (see :func:`geo.geocoding.join.fingerprint`)."""
        cached = self.__dict__.get("_fingerprint")
        if cached is None:
            if self.hashes is not None:
                cached = fingerprint_of(self.hashes, self.incidents["id"])
            else:
                cached = fingerprint(pd.DataFrame(self.incidents.drop(columns="geometry")))
            self.__dict__["_fingerprint"] = cached
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
