"""Store-driven queries: what a view shows, asked of the database instead of a frame.

A :class:`QueryFilter` holds the filters of a map view that SQL can evaluate (dates,
event types, claim statuses, location precision, admin areas, casualty ranges, UCDP's
type of violence, a drawn area, map bounds). :func:`where_clauses` turns it into one
SQL condition per filter, with the same meaning as :func:`geo.view.filters.apply_view`
has over the frame (an incident interval overlapping the dates, undated incidents
passing the date filter, a casualty range meeting the selected one ...).

Free-text search, actor, source and the source's own types match normalised text the
store keeps beside each record (:mod:`geo.store.pg_search`, synced before a view).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import shapely
from psycopg import sql
from shapely.geometry import Polygon as ShapelyPolygon

from geo.store.pg_bounds import BOUNDS_DRAWN_SQL, mercator_range
from geo.store.pg_search import Hits, SearchTerm, text_clauses
from geo.vocab import COORD_DECIMALS, PRECISION_RADIUS_KM

Range = tuple[int | None, int | None]
"""Inclusive count range; None on a side is open (as :data:`geo.view.params.Range`)."""

#: Casualty range filters: (QueryFilter field, filter name, low column, high column).
RANGES: tuple[tuple[str, str, str, str], ...] = (
    ("killed", "killed", "killed_min", "killed_max"),
    ("injured", "injured", "injured_min", "injured_max"),
    ("civilian_deaths", "civilian deaths", "deaths_civilians", "deaths_civilians"),
)

DRAWN_SQL = "(geom IS NOT NULL AND coalesce(geo_precision, 1) < 4)"
"""An incident drawn on the map: it has coordinates and is located better than a country."""

PLACE_LAT_SQL = f"(round(latitude * {10**COORD_DECIMALS}) / {10**COORD_DECIMALS})"
PLACE_LON_SQL = f"(round(longitude * {10**COORD_DECIMALS}) / {10**COORD_DECIMALS})"
"""The place key of a drawn incident: its coordinates rounded as the frame (NumPy) rounds
them, ``rint(x * 10**d) / 10**d``."""

UNCERTAINTY_SQL = (
    "round(1000 * coalesce(location_uncertainty_km::double precision, area_radius_km, "
    "CASE coalesce(geo_precision, 1) "
    + " ".join(f"WHEN {p} THEN {km}" for p, km in PRECISION_RADIUS_KM.items())
    + " ELSE 0 END))"
)
"""Radius (m) a point may be off by: the source's, else its area's, else its precision's."""

FIGURE_SQL = (
    "coalesce(greatest(CASE WHEN coalesce(killed_max, killed_min, injured_max, injured_min) "
    "IS NULL THEN NULL ELSE coalesce(killed_max, killed_min, 0) + "
    "coalesce(injured_max, injured_min, 0) END, coalesce(casualties_max, casualties_min)), 0)"
)
"""Best single casualty figure, for marker size (as :func:`geo.render.layers.casualty_figure`)."""


@dataclass(frozen=True)
class QueryFilter:
    """The filters of a view that the store evaluates.

    Attributes
    ----------
    date_from, date_to : date or None
        Inclusive day range; None (either) for every date. Undated incidents pass it.
    include_undated : bool
        False hides incidents without a date.
    event_types, claim_statuses : tuple of str
        Allowed values.
    precisions : tuple of int
        Allowed location precisions (incidents without one always pass).
    admin1, admin2 : tuple of str
        Governorate and district P-codes (empty: no area filter).
    killed, injured, civilian_deaths : Range
        Casualty ranges; ``(None, None)`` is no filter.
    violence : tuple of int
        UCDP type-of-violence codes (empty: no filter).
    polygon : tuple of (lon, lat), optional
        A drawn area; only incidents drawn inside it pass.
    bbox : tuple of float, optional
        ``(west, south, east, north)``; west > east crosses the antimeridian.
    search : tuple of SearchTerm
        A parsed free-text search (every term must match; empty: none).
    actors, sources, source_types : tuple of str
        Texts an incident's actors, source or claimant, or the source's own event
        types must contain one of (empty: no filter).
    hits : tuple of Hits
        Text filters above already resolved to the records they let through
        (:func:`geo.store.pg_hits.resolve_text`); the same meaning, asked by ``fid``.
    """

    date_from: date | None = None
    date_to: date | None = None
    include_undated: bool = True
    event_types: tuple[str, ...] = ()
    claim_statuses: tuple[str, ...] = ()
    precisions: tuple[int, ...] = (1, 2, 3, 4)
    admin1: tuple[str, ...] = ()
    admin2: tuple[str, ...] = ()
    killed: Range = (None, None)
    injured: Range = (None, None)
    civilian_deaths: Range = (None, None)
    violence: tuple[int, ...] = ()
    polygon: tuple[tuple[float, float], ...] = ()
    bbox: tuple[float, float, float, float] | None = None
    search: tuple[SearchTerm, ...] = ()
    actors: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    source_types: tuple[str, ...] = ()
    hits: tuple[Hits, ...] = ()

    @property
    def matches_text(self) -> bool:
        """Whether a text filter (search, actor, source, source type) is set."""
        return bool(self.search or self.actors or self.sources or self.source_types)


#: Order of the filters (as :data:`geo.view.filters.FILTER_NAMES`: the counts line
#: lists what each hides in this order).
ORDER: tuple[str, ...] = (
    "date", "undated", "event type", "claim status", "location precision", "search",
    "governorate", "district", "actor", "source", "killed", "injured", "civilian deaths",
    "type of violence", "source type", "drawn area", "map bounds",
)


Clause = tuple[sql.Composable, list[object]]
"""An SQL condition and its parameters."""


def where_clauses(spec: QueryFilter) -> dict[str, Clause]:
    """One SQL condition per active filter, named as :data:`geo.view.filters.FILTER_NAMES`.

    Parameters
    ----------
    spec : QueryFilter

    Returns
    -------
    dict
        Filter name -> ``(condition, parameters)``; conditions never evaluate to NULL.
    """
    out: dict[str, Clause] = {}
    if spec.date_from is not None and spec.date_to is not None:
        out["date"] = (sql.SQL(
            "(date_start IS NULL OR (date_start <= %s::date AND date_end >= %s::date))"),
            [spec.date_to, spec.date_from])
    if not spec.include_undated:
        out["undated"] = (sql.SQL("date_start IS NOT NULL"), [])
    out["event type"] = (sql.SQL("event_type = ANY(%s)"), [list(spec.event_types)])
    out["claim status"] = (sql.SQL("claim_status = ANY(%s)"), [list(spec.claim_statuses)])
    out["location precision"] = (
        sql.SQL("(geo_precision IS NULL OR geo_precision = ANY(%s))"),
        [[int(p) for p in spec.precisions]])
    if spec.admin1:
        out["governorate"] = _area("adm1_pcode", spec.admin1)
    if spec.admin2:
        out["district"] = _area("adm2_pcode", spec.admin2)
    for attr, name, low, high in RANGES:
        wanted: Range = getattr(spec, attr)
        if wanted != (None, None):
            out[name] = _range(low, high, wanted)
    if spec.violence:
        out["type of violence"] = (sql.SQL("coalesce(type_of_violence = ANY(%s), false)"),
                                   [[int(v) for v in spec.violence]])
    if spec.polygon:
        shape = shapely.make_valid(ShapelyPolygon(spec.polygon))
        out["drawn area"] = (sql.SQL(
            DRAWN_SQL + " AND ST_Intersects(geom, ST_GeomFromText(%s, 4326))"),
            [shape.wkt])
    if spec.bbox is not None:
        west, south, east, north = spec.bbox
        if west <= east:
            # The Mercator range (widened, holding every point inside) lets the covering
            # index of the drawn points answer (geo.store.pg_bounds); the coordinates decide.
            out["map bounds"] = (sql.SQL(
                BOUNDS_DRAWN_SQL + " AND mx BETWEEN %s AND %s AND my BETWEEN %s AND %s AND "
                "latitude BETWEEN %s AND %s AND longitude BETWEEN %s AND %s"),
                [*mercator_range(west, south, east, north), south, north, west, east])
        else:  # across the antimeridian
            out["map bounds"] = (sql.SQL(
                DRAWN_SQL + " AND latitude BETWEEN %s AND %s AND "
                "(longitude >= %s OR longitude <= %s)"), [south, north, west, east])
    out.update(text_clauses(spec.search, spec.actors, spec.sources, spec.source_types,
                             spec.hits))
    return {name: out[name] for name in sorted(out, key=ORDER.index)}


def _area(column: str, codes: tuple[str, ...]) -> Clause:
    """A record's area (none: '') among ``codes``. Without '' among them, written so the
    column's B-tree index serves it (NULL is no area, and the condition never NULL)."""
    name = sql.Identifier(column)
    if "" in codes:
        return sql.SQL("coalesce({}, '') = ANY(%s)").format(name), [list(codes)]
    return sql.SQL("({0} = ANY(%s) AND {0} IS NOT NULL)").format(name), [list(codes)]


def _range(low: str, high: str, wanted: Range) -> Clause:
    """A record's figure range meeting ``wanted``. Never NULL: without a figure the
    first test is false (and so the conjunction); with one, the low and the high are both
    set. Not wrapped in ``coalesce(..., false)``, so an index on the high
    (:mod:`geo.store.pg_covering`) serves the ``>=`` test."""
    lo = sql.SQL("coalesce({}, {})").format(sql.Identifier(low), sql.Identifier(high))
    hi = sql.SQL("coalesce({}, {})").format(sql.Identifier(high), sql.Identifier(low))
    parts: list[sql.Composable] = [sql.SQL("{} IS NOT NULL").format(lo)]
    params: list[object] = []
    if wanted[0] is not None:
        parts.append(sql.SQL("{} >= %s").format(hi))
        params.append(int(wanted[0]))
    if wanted[1] is not None:
        parts.append(sql.SQL("{} <= %s").format(lo))
        params.append(int(wanted[1]))
    return sql.SQL("(") + sql.SQL(" AND ").join(parts) + sql.SQL(")"), params


def combine(clauses: dict[str, Clause], skip: tuple[str, ...] = ()) -> Clause:
    """The conjunction of ``clauses`` but those named in ``skip`` (TRUE when none)."""
    kept = [c for name, c in clauses.items() if name not in skip]
    if not kept:
        return sql.SQL("TRUE"), []
    condition = sql.SQL(" AND ").join(sql.SQL("(") + c + sql.SQL(")") for c, _ in kept)
    return condition, [p for _, params in kept for p in params]
