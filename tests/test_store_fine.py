"""The fine cube (geo/store/pg_fine.py) against the real PostGIS: on randomized small
stores, its answers for region views with no date cut (zooms 7-9, windows cutting the
data or not) equal the rows' answers, before and after writes, and a write updates it
to what a rebuild gives."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import numpy as np
import pandas as pd
import pytest

from geo.render.aggregate_layer import payload
from geo.render.clusters import view_window
from geo.render.store_clusters import aggregates_from_cells
from geo.store.pg_fine import FINE_ZOOM, fine_cells
from geo.store.pg_grid import refresh_grid
from geo.store.pg_query import PostGISQuery
from geo.store.query import QueryFilter
from geo.vocab import CLAIM_STATUSES, EVENT_TYPES
from tests.helpers.identities import ANALYST, analyst
from tests.helpers.store_data import incidents
from tests.test_store_cube import _CENTRES, _TYPES, _comparable, _random_rows, store  # noqa: F401

pytestmark = pytest.mark.postgis

_EVERY_DATE = (date(2015, 1, 1), date(2019, 12, 31))
"""A date range around every record the random rows hold (no date cut)."""


def _random_specs(rng: np.random.Generator, n: int) -> list[QueryFilter]:
    specs = [QueryFilter(event_types=EVENT_TYPES, claim_statuses=CLAIM_STATUSES)]
    for _ in range(n):
        types = tuple(t for t in EVENT_TYPES if rng.random() < 0.7) or (_TYPES[0],)
        claims = tuple(c for c in CLAIM_STATUSES if rng.random() < 0.75) or CLAIM_STATUSES
        precisions = tuple(p for p in (1, 2, 3, 4) if rng.random() < 0.8)
        dated = rng.random() < 0.6
        specs.append(QueryFilter(
            date_from=_EVERY_DATE[0] if dated else None,
            date_to=_EVERY_DATE[1] if dated else None,
            include_undated=bool(rng.random() < 0.6), event_types=types,
            claim_statuses=claims, precisions=precisions))
    # Map bounds around every drawn incident: the same as "drawn".
    specs.append(replace(specs[-1], bbox=(-120.0, -40.0, 45.0, 40.0)))
    return specs


def _windows() -> list[tuple[int, tuple[float, float, float, float] | None]]:
    """Zooms and windows: the whole map, a region view, and small windows whose edges
    cut through the clusters of the random rows."""
    out: list[tuple[int, tuple[float, float, float, float] | None]] = [
        (8, None), (7, view_window((35.0, 38.5), 7)), (8, view_window((35.2, 37.2), 8))]
    for lat, lon in _CENTRES[:4]:
        out.append((FINE_ZOOM, view_window((lat + 0.1, lon - 0.1), FINE_ZOOM, (300, 200))))
        out.append((8, view_window((lat, lon), 8, (160, 120))))
    out.append((5, view_window((36.0, 38.0), 5, (100, 80))))
    return out


def _check(query: PostGISQuery, specs: list[QueryFilter]) -> int:
    """Compare the fine cube's answers with the rows'; how many it answered."""
    answered = 0
    for k, spec in enumerate(specs):
        for zoom, window in _windows():
            fine = fine_cells(query, spec, zoom, window, 56)
            assert fine is not None, (k, zoom, window)
            answered += 1
            rows = _comparable(query.cells(spec, zoom, window, 56, use_grid=False))
            fine = _comparable(fine)
            assert ((fine["places"] == 1) == (rows["places"] == 1)).all()
            assert (fine["places"] >= rows["places"]).all()
            assert (fine["places"] <= fine["count"]).all()
            pd.testing.assert_frame_equal(fine.drop(columns="places"),
                                          rows.drop(columns="places"), check_dtype=False,
                                          obj=f"spec {k} zoom {zoom} window {window}")
    return answered


@pytest.mark.parametrize("seed", [3, 4])
def test_fine_answers_equal_the_rows_on_region_views(store, seed):  # noqa: F811
    rng = np.random.default_rng(seed)
    store.upsert(incidents(_random_rows(rng, 400)), origin="test", who=ANALYST)
    query = PostGISQuery(store, None)  # type: ignore[arg-type]
    specs = _random_specs(rng, 8)
    assert fine_cells(query, specs[1], 8, None, 56) is None  # not built yet
    assert refresh_grid(query) is True
    # Some windows cut the data (their edge cells are read from the rows).
    cut = [w for z, w in _windows() if w is not None and len(
        query.cells(specs[0], z, w, 56, use_grid=False)) and z == FINE_ZOOM]
    assert cut
    assert _check(query, specs) == len(specs) * len(_windows())
    # The map says the places are upper bounds.
    drawn = aggregates_from_cells(fine_cells(query, specs[1], 8, None, 56), 8)
    assert drawn.places_at_most and payload(drawn)["agg"]["npu"] is True
    # query.cells answers a region view hiding a type from it, as the rows do.
    one_off = replace(specs[0], event_types=EVENT_TYPES[1:])
    window = view_window((35.2, 37.2), 8)
    got = query.cells(one_off, 8, window, 56)
    assert got.attrs.get("places_upper_bound") is True
    pd.testing.assert_frame_equal(
        _comparable(got).drop(columns="places"),
        _comparable(query.cells(one_off, 8, window, 56, use_grid=False)).drop(
            columns="places"), check_dtype=False)
    # What it does not hold goes to the rows: a date cut, a closer zoom, other filters.
    assert fine_cells(query, replace(specs[1], date_from=date(2016, 3, 17),
                                     date_to=date(2016, 5, 9)), 8, None, 56) is None
    assert fine_cells(query, specs[1], FINE_ZOOM + 1, None, 56) is None
    assert fine_cells(query, specs[1], 8, None, 40) is None
    assert fine_cells(query, replace(specs[1], admin1=("SY02",)), 8, None, 56) is None
    assert fine_cells(query, replace(specs[1], killed=(3, None)), 8, None, 56) is None


def _fine_rows(opened) -> pd.DataFrame:
    cur = opened.connection().execute(f'SELECT * FROM "{opened.schema}".query_fine')
    names = [d.name for d in cur.description]
    frame = pd.DataFrame(cur.fetchall(), columns=names, dtype=object)
    return frame.sort_values(names[:6]).reset_index(drop=True)


def test_a_write_updates_the_fine_cube_as_a_rebuild_would(store):  # noqa: F811
    rng = np.random.default_rng(11)
    store.upsert(incidents(_random_rows(rng, 300)), origin="test", who=ANALYST)
    query = PostGISQuery(store, None)  # type: ignore[arg-type]
    assert refresh_grid(query) is True
    oid = f'"{store.schema}".query_fine'
    built = store.connection().execute("SELECT %s::regclass::oid", (oid,)).fetchone()[0]
    who = analyst("a")
    store.edit("r0003", {"latitude": "33.9", "longitude": "36.9"}, who=who)
    store.edit("r0010", {"event_type": _TYPES[1], "claim_status": CLAIM_STATUSES[0]}, who=who)
    store.edit("r0011", {"date_start": "", "date_end": "", "date_precision": ""}, who=who)
    store.upsert(incidents(_random_rows(rng, 40, prefix="n") + _random_rows(rng, 5)),
                 origin="test2", who=ANALYST)
    specs = _random_specs(rng, 4)
    assert fine_cells(query, specs[1], 8, None, 56) is None  # older than the store
    assert refresh_grid(query) is True
    assert store.connection().execute(
        "SELECT %s::regclass::oid", (oid,)).fetchone()[0] == built  # updated in place
    incremental = _fine_rows(store)
    assert _check(query, specs) == len(specs) * len(_windows())
    store.connection().execute(
        f"DELETE FROM \"{store.schema}\".store_meta WHERE key = 'query_grid'")
    assert refresh_grid(query) is True
    pd.testing.assert_frame_equal(incremental, _fine_rows(store), check_dtype=False)
