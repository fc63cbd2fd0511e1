"""Which incidents a view shows, and why the others are hidden.

The one filter implementation of the map page, the export and ``python -m geo.query``:
every filter of a :class:`geo.view.state.ViewState` is evaluated here, over the frame
:func:`geo.geocoding.join.build_incident_frame` builds.

Casualty ranges compare the incident's own range: an incident whose figures run from
``lo`` to ``hi`` (``hi`` unknown: ``lo`` alone) is shown when that range meets the
selected one, so "at least 5 killed" shows an incident reported as 3 to 8 killed.
Unknown figures never pass an active casualty filter.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import shapely
from shapely.geometry import Polygon as ShapelyPolygon

from geo.geocoding.areas import AdminAreas
from geo.view.params import BBox, Polygon, Range
from geo.view.search import (
    PlaceSpellings,
    TermHits,
    by_place_only,
    match_terms,
    parse_query,
    text_matches,
)
from geo.view.state import ViewState

FILTER_NAMES: tuple[str, ...] = (
    "date", "undated", "event type", "claim status", "location precision", "search",
    "governorate", "district", "actor", "source", "killed", "injured", "civilian deaths",
    "type of violence", "source type", "drawn area", "map bounds",
)
"""Names of the filters, as :attr:`FilterResult.hidden_by` and ``skip`` use them."""

#: Casualty range filters: (ViewState field, filter name, low column, high column).
_RANGES: tuple[tuple[str, str, str, str], ...] = (
    ("killed", "killed", "killed_min", "killed_max"),
    ("injured", "injured", "injured_min", "injured_max"),
    ("civilian_deaths", "civilian deaths", "deaths_civilians", "deaths_civilians"),
)


@dataclass(frozen=True)
class FilterContext:
    """What the filters need besides the incidents.

    Attributes
    ----------
    areas : AdminAreas, optional
        Admin areas, for search terms that name an area.
    place_spellings : callable, optional
        Term -> spellings of the gazetteer place it resolves to (see
        :func:`geo.view.spellings.search_spellings`), for search terms that name a place.
    term_hits : TermHits, optional
        Answers of search terms met before, kept for one incident frame.
    """

    areas: AdminAreas | None = None
    place_spellings: PlaceSpellings | None = field(default=None, compare=False)
    term_hits: TermHits | None = field(default=None, compare=False)


@dataclass(frozen=True)
class FilterResult:
    """The incidents a view shows.

    Attributes
    ----------
    mask : numpy.ndarray
        True for incidents that pass every filter.
    hidden_by : dict
        For each filter, how many incidents it hides (an incident hidden by two
        filters counts in both).
    """

    mask: np.ndarray
    hidden_by: dict[str, int]

    @property
    def shown(self) -> int:
        """Number of incidents shown."""
        return int(self.mask.sum())

    @property
    def hidden(self) -> int:
        """Number of incidents hidden by at least one filter."""
        return int((~self.mask).sum())


def date_overlap(
    starts: pd.Series, ends: pd.Series, date_from: object, date_to: object
) -> np.ndarray:
    """True where an incident's interval [start, end] overlaps [date_from, date_to].

    An incident dated to a month or a year matches when any day of it falls in
    the range. Undated incidents are False.
    """
    lo = pd.Timestamp(date_from).to_datetime64()
    hi = pd.Timestamp(date_to).to_datetime64()
    # On the datetime64 arrays themselves (no copy): NaT compares False either way.
    return (starts.to_numpy() <= hi) & (ends.to_numpy() >= lo)


def apply_view(
    incidents: pd.DataFrame,
    state: ViewState,
    context: FilterContext | None = None,
    *,
    skip: Collection[str] = (),
) -> FilterResult:
    """Evaluate every filter of ``state`` over ``incidents``.

    Parameters
    ----------
    incidents : pandas.DataFrame
        Output of :func:`geo.geocoding.join.build_incident_frame` (search reads the
        columns of :func:`geo.geocoding.join.search_columns`; the area, actor and
        casualty filters use their columns when present and hide everything when
        they are missing).
    state : ViewState
    context : FilterContext, optional
        Admin areas and the place resolver for search terms.
    skip : collection of str
        Names of filters (:data:`FILTER_NAMES`) not to apply, e.g. ``{"date"}`` for
        a timeline that shows every date.

    Returns
    -------
    FilterResult
    """
    checks = filter_checks(incidents, state, context, skip=skip)
    return combine_checks(checks, len(incidents))


def combine_checks(
    checks: Mapping[str, np.ndarray], n: int, skip: Collection[str] = ()
) -> FilterResult:
    """The view that every check but those in ``skip`` lets through.

    Parameters
    ----------
    checks : mapping of str to numpy.ndarray of bool
        Output of :func:`filter_checks` (True: the filter lets the incident through).
    n : int
        Number of incidents.
    skip : collection of str
        Names of checks to leave out.

    Returns
    -------
    FilterResult
    """
    mask = np.ones(n, dtype=bool)
    hidden_by: dict[str, int] = {}
    for name, passed in checks.items():
        if name in skip:
            continue
        mask &= passed
        hidden = n - int(np.count_nonzero(passed))
        if hidden:
            hidden_by[name] = hidden
    return FilterResult(mask, hidden_by)


def filter_checks(
    incidents: pd.DataFrame,
    state: ViewState,
    context: FilterContext | None = None,
    *,
    skip: Collection[str] = (),
) -> dict[str, np.ndarray]:
    """Each filter's own answer over ``incidents`` (see :func:`apply_view`).

    Every filter is evaluated once: views that differ only by the filters they leave
    out (the map without its bounds, the timeline without its dates) combine the same
    answers with :func:`combine_checks`.

    Parameters
    ----------
    incidents : pandas.DataFrame
    state : ViewState
    context : FilterContext, optional
    skip : collection of str
        Filters not evaluated.

    Returns
    -------
    dict of str to numpy.ndarray of bool
        Filter name (:data:`FILTER_NAMES` order) -> True where it lets the incident
        through; filters that are off are left out.
    """
    return dict(_checks(incidents, state, context or FilterContext(), set(skip)))


def _isin(values: pd.Series, wanted: Collection[object]) -> np.ndarray:
    """``values.isin(wanted)`` as an array; a categorical compares its categories once."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        found = values.cat.categories.isin(list(wanted))
        return np.append(found, False)[values.cat.codes.to_numpy()]
    return values.isin(list(wanted)).to_numpy(dtype=bool)


def _checks(
    incidents: pd.DataFrame, state: ViewState, context: FilterContext, skip: set[str]
) -> Iterator[tuple[str, np.ndarray]]:
    undated = incidents["date_start"].isna().to_numpy()
    if "date" not in skip and state.date_from is not None and state.date_to is not None:
        in_range = date_overlap(
            incidents["date_start"], incidents["date_end"], state.date_from, state.date_to
        )
        yield "date", in_range | undated
    if "undated" not in skip and not state.include_undated:
        yield "undated", ~undated
    if "event type" not in skip:
        yield "event type", _isin(incidents["event_type"], state.event_types)
    if "claim status" not in skip:
        yield "claim status", _isin(incidents["claim_status"], state.claim_statuses)
    if "location precision" not in skip:
        precision = incidents["geo_precision"]
        yield "location precision", (
            precision.isna() | precision.isin(list(state.precisions))
        ).to_numpy(dtype=bool)
    checks: dict[str, np.ndarray] = {}
    if state.query.strip() and "search" not in skip:
        terms = parse_query(state.query, context.areas, context.place_spellings)
        if state.place_only:
            terms = by_place_only(terms)
        checks["search"] = match_terms(incidents, terms, context.term_hits)
    for name, values in (("governorate", state.admin1), ("district", state.admin2)):
        if values and name not in skip:
            column = "adm1_pcode" if name == "governorate" else "adm2_pcode"
            checks[name] = _column(incidents, column, "").isin(values).to_numpy(dtype=bool)
    if state.actors and "actor" not in skip:
        checks["actor"] = text_matches(_column(incidents, "actors", ""), state.actors)
    if state.sources and "source" not in skip:
        named = (_column(incidents, "source_name", "").astype(str) + " | "
                 + _column(incidents, "claimed_by", "").astype(str))
        checks["source"] = text_matches(named, state.sources)
    for attr, name, low, high in _RANGES:
        wanted: Range = getattr(state, attr)
        if wanted != (None, None) and name not in skip:
            checks[name] = range_overlap(
                _column(incidents, low, None), _column(incidents, high, None), wanted
            )
    if state.violence and "type of violence" not in skip:
        codes = _column(incidents, "type_of_violence", None)
        checks["type of violence"] = codes.isin(list(state.violence)).fillna(False).to_numpy(
            dtype=bool)
    if state.source_types and "source type" not in skip:
        kinds = (_column(incidents, "source_event_type", "").astype(str) + " | "
                 + _column(incidents, "source_sub_event_type", "").astype(str))
        checks["source type"] = text_matches(kinds, state.source_types)
    if state.polygon and "drawn area" not in skip:
        checks["drawn area"] = in_polygon(incidents, state.polygon)
    if state.bbox is not None and "map bounds" not in skip:
        checks["map bounds"] = in_bbox(incidents, state.bbox)
    yield from checks.items()


def _column(frame: pd.DataFrame, name: str, empty: object) -> pd.Series:
    if name in frame:
        return frame[name]
    if empty is None:
        return pd.Series(pd.NA, index=frame.index, dtype="Int64")
    return pd.Series(empty, index=frame.index, dtype=object)


def range_overlap(low: pd.Series, high: pd.Series, wanted: Range) -> np.ndarray:
    """True where an incident's figure range [low, high] meets ``wanted``.

    Parameters
    ----------
    low, high : pandas.Series
        The incident's bounds; an unknown ``high`` is taken as ``low``.
    wanted : Range
        ``(min, max)``, either side None for open.

    Returns
    -------
    numpy.ndarray of bool
        False where the incident gives no figure.
    """
    lo = pd.to_numeric(low, errors="coerce").astype("Float64")
    hi = pd.to_numeric(high, errors="coerce").astype("Float64").fillna(lo)
    lo = lo.fillna(hi)
    ok = lo.notna()
    if wanted[0] is not None:
        ok &= hi >= wanted[0]
    if wanted[1] is not None:
        ok &= lo <= wanted[1]
    return ok.fillna(False).to_numpy(dtype=bool)


def _points(incidents: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    lon = pd.to_numeric(incidents["longitude"], errors="coerce").to_numpy(dtype=float)
    lat = pd.to_numeric(incidents["latitude"], errors="coerce").to_numpy(dtype=float)
    drawn = ~np.isnan(lon) & ~np.isnan(lat)
    if "off_map" in incidents:
        drawn &= (incidents["off_map"] == "").to_numpy(dtype=bool)
    return lon, lat, drawn


def in_polygon(incidents: pd.DataFrame, polygon: Polygon) -> np.ndarray:
    """True for incidents drawn inside (or on the edge of) a drawn area.

    Parameters
    ----------
    incidents : pandas.DataFrame
        With ``longitude``, ``latitude`` (and ``off_map``: incidents not drawn are
        never inside).
    polygon : Polygon
        (lon, lat) vertices.

    Returns
    -------
    numpy.ndarray of bool
    """
    lon, lat, drawn = _points(incidents)
    shape = shapely.make_valid(ShapelyPolygon(polygon))
    out = np.zeros(len(incidents), dtype=bool)
    if drawn.any():
        shapely.prepare(shape)
        points = shapely.points(lon[drawn], lat[drawn])
        out[drawn] = shapely.intersects(shape, points)
    return out


def in_bbox(incidents: pd.DataFrame, bbox: BBox) -> np.ndarray:
    """True for incidents drawn within map bounds (west > east crosses the antimeridian)."""
    lon, lat, drawn = _points(incidents)
    west, south, east, north = bbox
    with np.errstate(invalid="ignore"):
        in_lat = (lat >= south) & (lat <= north)
        in_lon = (lon >= west) & (lon <= east) if west <= east else (lon >= west) | (lon <= east)
    return drawn & in_lat & in_lon
