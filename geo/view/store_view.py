"""A map view answered by the store (store-driven mode) instead of a shared frame.

:func:`query_filter` turns a :class:`~geo.view.state.ViewState` into the
:class:`~geo.store.query.QueryFilter` the database evaluates (every filter of the
frame path, the search parsed into terms as the frame path parses it).
:func:`store_domain` builds the view's domain from a few aggregate queries, and
:func:`timeline_from_store` gives the timeline the shape
:func:`geo.view.timeline.timeline_counts` gives it.

Which mode the map page uses is :func:`use_store_queries` (``INCIDENT_MAP_QUERY_MODE``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import date

import numpy as np
import pandas as pd

from geo.geocoding.areas import AdminAreas
from geo.geocoding.join import build_incident_frame, row_hashes
from geo.schema import INCIDENT_COLUMNS, SOURCE_COLUMNS
from geo.settings import Settings
from geo.store.pg_export import BATCH, filled_columns, record_batches
from geo.store.pg_query import PostGISQuery, Summary
from geo.store.pg_search import SearchTerm
from geo.store.query import QueryFilter
from geo.view.dataset import WORLD_VIEW
from geo.view.extent import fit_view
from geo.view.filters import FilterContext
from geo.view.search import by_place_only, parse_query
from geo.view.state import ViewDomain, ViewState
from geo.view.timeline import PRECISION_ROWS, bin_edges


def use_store_queries(settings: Settings, kind: str, count: int | None) -> bool:
    """Whether the map page asks the store instead of loading a frame.

    Parameters
    ----------
    settings : Settings
        ``query_mode`` (``frame``, ``store``, ``auto``) and ``store_query_above``.
    kind : str
        The store's back end (only ``postgis`` answers store-driven queries).
    count : int or None
        Incidents in the store (for ``auto``); None when unknown.

    Returns
    -------
    bool
    """
    if kind != "postgis" or settings.query_mode == "frame":
        return False
    if settings.query_mode == "store":
        return True
    return count is not None and count > settings.store_query_above


def query_filter(state: ViewState, *, bounds: bool = True,
                 context: FilterContext | None = None) -> QueryFilter:
    """The filters of ``state`` as the store evaluates them.

    Parameters
    ----------
    state : ViewState
    bounds : bool
        False leaves out the map bounds (the map shows every incident around them).
    context : FilterContext, optional
        Admin areas and place spellings search terms may name (as the frame path's).
    """
    terms: tuple[SearchTerm, ...] = ()
    if state.query.strip():
        parsed = parse_query(state.query, context.areas if context else None,
                             context.place_spellings if context else None)
        if state.place_only:
            parsed = by_place_only(parsed)
        terms = tuple(SearchTerm(t.key, tuple(sorted(t.text_keys)),
                                 tuple(sorted(t.place_keys)), t.areas, t.by_text)
                      for t in parsed)
    return QueryFilter(
        date_from=state.date_from, date_to=state.date_to,
        include_undated=state.include_undated, event_types=state.event_types,
        claim_statuses=state.claim_statuses, precisions=state.precisions,
        admin1=state.admin1, admin2=state.admin2, killed=state.killed,
        injured=state.injured, civilian_deaths=state.civilian_deaths,
        violence=state.violence, polygon=state.polygon,
        bbox=state.bbox if bounds else None, search=terms, actors=state.actors,
        sources=state.sources, source_types=state.source_types,
    )


def store_domain(query: PostGISQuery, summary: Summary,
                 content_max: int = Settings.content_fingerprint_max) -> ViewDomain:
    """What a view of the store may hold, from :meth:`PostGISQuery.summary`.

    Up to ``content_max`` records, the fingerprint is the one frame mode gives the same
    records (see :func:`store_fingerprint`): a link made in either mode opens in the other
    without a note, and says when the data changed since. Above it, reading every record
    after each write would cost more than a link is worth (about 36 s at 1,000,000): the
    fingerprint is made from the store's location and revision, so store-mode links still
    say when the data changed, but a frame-mode link of the same store says so too.
    """
    center, zoom = fit_view(summary.bounds) if summary.bounds is not None else WORLD_VIEW
    if summary.count <= content_max:
        digest = store_fingerprint(query)
    else:
        digest = hashlib.blake2b(f"{query.store.location}|{summary.revision}".encode(),
                                 digest_size=4).hexdigest()
    areas = query.areas
    return ViewDomain(
        date_min=summary.date_min, date_max=summary.date_max, center=center, zoom=zoom,
        fingerprint=digest, has_incident=query.has, event_types=summary.event_types,
        resolve_area=lambda name, level: areas.resolve(name, level) if areas else None,
    )


def dates_without(query: PostGISQuery, ids: Sequence[str]
                  ) -> tuple[date | None, date | None]:
    """Span of the dates of the store's records but ``ids`` (the sample incidents).

    Parameters
    ----------
    query : PostGISQuery
    ids : sequence of str

    Returns
    -------
    tuple of date or None
        (first start, last end); None when no other record is dated.
    """
    from psycopg import sql

    row = query.read(sql.SQL(
        "SELECT min(date_start)::text, max(date_end)::text FROM {} WHERE NOT (id = ANY(%s))"
    ).format(query.store.table("incidents")), (list(ids),))[0]
    return tuple(None if v is None else date.fromisoformat(v) for v in row)  # type: ignore[return-value]


def store_fingerprint(query: PostGISQuery, batch: int = BATCH) -> str:
    """The data fingerprint of the store's records, equal to frame mode's
    (:attr:`geo.view.dataset.Dataset.fingerprint` of the frame built from the store).

    The records are read a batch at a time, ordered by id, and each batch is built into
    the frame's values (:func:`geo.geocoding.join.build_incident_frame`, as frame mode
    builds them) and hashed: the app never holds the store whole, but reads it once per
    store revision.
    """
    store = query.store
    filled = filled_columns(store, SOURCE_COLUMNS)
    columns = [c for c in INCIDENT_COLUMNS if c not in SOURCE_COLUMNS or c in filled]
    corrections = store.corrections()
    digest = hashlib.sha256()
    for rows in record_batches(store, batch):
        frame = build_incident_frame(rows, None, query.areas, None, corrections)
        digest.update(np.ascontiguousarray(row_hashes(frame, columns)).tobytes())
    return digest.hexdigest()[:8]


def timeline_from_store(query: PostGISQuery, spec: QueryFilter,
                        span: tuple[date, date]) -> pd.DataFrame:
    """The timeline counts of the view (every filter but the dates) over ``span``.

    Returns
    -------
    pandas.DataFrame
        As :func:`geo.view.timeline.timeline_counts`: ``start``, ``end``, ``precision``,
        ``count``, non-empty cells only.
    """
    edges = bin_edges(span)
    rows = query.timeline(spec, [e.date() for e in edges])
    n_bins = len(edges) - 1
    width = n_bins + 1
    labels = list(PRECISION_ROWS.values())
    row = rows["precision"].map({k: i for i, k in enumerate(PRECISION_ROWS)}).fillna(
        len(PRECISION_ROWS) - 1).to_numpy(dtype=np.int64)
    size = len(PRECISION_ROWS) * width
    weights = rows["count"].to_numpy(dtype=np.int64)
    diff = np.bincount(row * width + rows["first"].to_numpy(), weights, minlength=size) - \
        np.bincount(row * width + rows["last"].to_numpy() + 1, weights, minlength=size)
    counts = diff.reshape(len(PRECISION_ROWS), width).cumsum(axis=1)[:, :n_bins]
    row_idx, bin_idx = np.nonzero(counts)
    at = edges.to_numpy().astype("datetime64[ns]")
    return pd.DataFrame({
        "start": at[bin_idx], "end": at[bin_idx + 1],
        "precision": np.array(labels, dtype=object)[row_idx],
        "count": counts[row_idx, bin_idx].astype(np.int64),
    })


def spec_key(spec: QueryFilter) -> str:
    """A stable text key of ``spec`` (cache keys of the view's answers)."""
    return repr(spec)


def store_rows(rows: pd.DataFrame, areas: AdminAreas | None, settings: Settings
               ) -> pd.DataFrame:
    """Records read from the store, with the columns the frame path derives for display
    (``off_map``, ``claimant``, ``uncertainty_km``, the admin areas ...).

    Only the few rows a view shows go through this (a table page, a place's list, the
    selected incident), never the store.
    """
    if rows.empty:
        return pd.DataFrame(build_incident_frame(rows, None, areas, settings)).iloc[:0]
    frame = build_incident_frame(rows.reset_index(drop=True), None, areas, settings)
    return pd.DataFrame(frame.drop(columns="geometry"))
