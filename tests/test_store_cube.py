"""The cube (geo/store/pg_cube.py) and the incremental refresh of the grid
(geo/store/pg_grid.py) against the real PostGIS: on randomized small stores, the cube's
answers for filtered views equal the rows' answers, and a write updates the grid, the
per-day counts and the cube to what a rebuild gives."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date

import numpy as np
import pandas as pd
import pytest

from geo.render.aggregate_layer import payload
from geo.render.clusters import view_window
from geo.render.store_clusters import aggregates_from_cells
from geo.store import open_store
from geo.store.pg_cube import CUBE_ZOOM, cube_cells, cube_counts
from geo.store.pg_grid import refresh_grid
from geo.store.pg_query import PostGISQuery
from geo.store.query import QueryFilter
from geo.view.store_view import timeline_from_store
from geo.vocab import CLAIM_STATUSES, EVENT_TYPES
from tests.helpers.identities import ANALYST, analyst
from tests.helpers.store_data import incidents

pytestmark = pytest.mark.postgis

_TYPES = list(EVENT_TYPES[:5])
_CENTRES = [(36.20, 37.13), (35.95, 39.01), (33.51, 36.28), (34.73, 36.71), (35.33, 40.14),
            (32.70, 36.10), (36.80, 40.60), (-12.05, -77.04)]  # and one west and south


def _random_rows(rng: np.random.Generator, n: int, prefix: str = "r") -> list[dict[str, str]]:
    rows = []
    for i in range(n):
        lat, lon = _CENTRES[int(rng.integers(len(_CENTRES)))]
        row = {"id": f"{prefix}{i:04d}", "place": f"place {i % 23}", "country": "SY",
               "event_type": _TYPES[int(rng.integers(len(_TYPES)))],
               "claim_status": CLAIM_STATUSES[int(rng.integers(len(CLAIM_STATUSES)))]}
        if rng.random() < 0.93:  # some without coordinates
            # a few places shared exactly, most scattered
            jitter = 0 if rng.random() < 0.3 else 0.4
            row["latitude"] = f"{lat + rng.normal(0, jitter):.4f}"
            row["longitude"] = f"{lon + rng.normal(0, jitter):.4f}"
            row["geo_precision"] = str(int(rng.choice([1, 2, 3, 4], p=[0.6, 0.2, 0.15, 0.05])))
        if rng.random() < 0.95:
            day = date(2016, 1, 1).toordinal() + int(rng.integers(0, 540))
            start = date.fromordinal(day)
            row["date_start"] = start.isoformat()
            if rng.random() < 0.2:
                row["date_end"] = date.fromordinal(day + int(rng.integers(1, 60))).isoformat()
        if rng.random() < 0.5:
            low = int(rng.integers(0, 20))
            row["killed_min"], row["killed_max"] = str(low), str(low + int(rng.integers(0, 5)))
            if low % 6 == 0:  # "at least N": a low, no high (open at the top)
                del row["killed_max"]
        if rng.random() < 0.2:
            row["injured_max"] = str(int(rng.integers(0, 30)))
        rows.append(row)
    return rows


@pytest.fixture
def store(postgis_url):
    import psycopg

    schema = f"test_{uuid.uuid4().hex[:10]}"
    opened = open_store(f"{postgis_url}&schema={schema}")
    yield opened
    opened.close()
    with psycopg.connect(postgis_url, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def _random_specs(rng: np.random.Generator, n: int) -> list[QueryFilter]:
    specs = [QueryFilter(event_types=EVENT_TYPES, claim_statuses=CLAIM_STATUSES)]
    for _ in range(n):
        types = tuple(t for t in EVENT_TYPES if rng.random() < 0.7) or (_TYPES[0],)
        claims = tuple(c for c in CLAIM_STATUSES if rng.random() < 0.75) or CLAIM_STATUSES
        precisions = tuple(p for p in (1, 2, 3, 4) if rng.random() < 0.8)
        first = date(2015, 12, 1).toordinal() + int(rng.integers(0, 600))
        dated = rng.random() < 0.7
        specs.append(QueryFilter(
            date_from=date.fromordinal(first) if dated else None,
            date_to=date.fromordinal(first + int(rng.integers(0, 300))) if dated else None,
            include_undated=bool(rng.random() < 0.6), event_types=types,
            claim_statuses=claims, precisions=precisions))
    # Whole months, and a range whose edges split months.
    specs.append(replace(specs[0], date_from=date(2016, 3, 1), date_to=date(2016, 5, 31)))
    specs.append(replace(specs[0], date_from=date(2016, 3, 17), date_to=date(2016, 5, 9),
                         event_types=tuple(_TYPES[:3])))
    # Map bounds around every drawn incident: the cube answers ("drawn").
    specs.append(replace(specs[-1], bbox=(-120.0, -40.0, 45.0, 40.0)))
    return specs


def _comparable(cells: pd.DataFrame) -> pd.DataFrame:
    return cells.sort_values(["cx", "cy"]).reset_index(drop=True)


def _rows_answers(query: PostGISQuery, specs: list[QueryFilter], zooms, span):
    out = {}
    for k, spec in enumerate(specs):
        out[k, "counts"] = query.counts(spec)
        out[k, "table"] = query.table_page(spec, 2, 25, out[k, "counts"].shown)["id"].tolist()
        out[k, "timeline"] = timeline_from_store(query, spec, span)
        for zoom in zooms:
            window = view_window((35.0, 38.5), zoom)
            out[k, zoom] = query.cells(spec, zoom, window, 56, use_grid=False)
    return out


@pytest.mark.parametrize("seed", [1, 2])
def test_cube_answers_equal_the_rows_on_filtered_views(store, seed):
    rng = np.random.default_rng(seed)
    store.upsert(incidents(_random_rows(rng, 400)), origin="test", who=ANALYST)
    query = PostGISQuery(store, None)  # type: ignore[arg-type]
    query.sync_areas()
    specs = _random_specs(rng, 12)
    zooms = (4, 5, CUBE_ZOOM)
    span = (date(2016, 1, 1), date(2017, 6, 30))
    # Before the refresh the cube is not current: every answer comes from the rows.
    assert cube_counts(query, specs[1]) is None
    want = _rows_answers(query, specs, zooms, span)
    assert refresh_grid(query) is True
    answered = 0
    for k, spec in enumerate(specs):
        got = cube_counts(query, spec)
        assert got == want[k, "counts"], spec
        # The table page, read along the index when the view keeps most records.
        assert query.table_page(spec, 2, 25, got.shown)["id"].tolist() == want[k, "table"]
        pd.testing.assert_frame_equal(
            timeline_from_store(query, spec, span).sort_values(["start", "precision"])
            .reset_index(drop=True),
            want[k, "timeline"].sort_values(["start", "precision"]).reset_index(drop=True))
        for zoom in zooms:
            cube = cube_cells(query, spec, zoom, view_window((35.0, 38.5), zoom), 56)
            if cube is None:
                continue
            answered += 1
            rows = _comparable(want[k, zoom])
            cube = _comparable(cube)
            # Distinct places: exact when one, an upper bound (never fewer) otherwise.
            assert ((cube["places"] == 1) == (rows["places"] == 1)).all()
            assert (cube["places"] >= rows["places"]).all()
            assert (cube["places"] <= cube["count"]).all()
            pd.testing.assert_frame_equal(cube.drop(columns="places"),
                                          rows.drop(columns="places"), check_dtype=False,
                                          obj=f"spec {k} zoom {zoom}")
    assert answered >= len(specs) * 2  # the cube answered most views
    # The map says the cube's place counts are upper bounds; the rows' are exact.
    drawn = aggregates_from_cells(cube_cells(query, specs[1], 5, None, 56), 5)
    assert drawn.places_at_most and payload(drawn)["agg"]["npu"] is True
    exact = aggregates_from_cells(query.cells(specs[1], 5, None, 56, use_grid=False), 5)
    assert not exact.places_at_most and "npu" not in payload(exact)["agg"]
    # Zooms closer than the cube's, and filters it does not hold, go to the rows.
    assert cube_cells(query, specs[1], CUBE_ZOOM + 1, None, 56) is None
    assert cube_cells(query, replace(specs[1], admin1=("SY02",)), 5, None, 56) is None
    assert cube_counts(query, replace(specs[1], killed=(3, None))) is None
    assert cube_counts(query, replace(specs[1], bbox=(36.0, 33.0, 38.0, 36.0))) is None


def _snapshot(store) -> dict[str, pd.DataFrame]:
    conn = store.connection()
    out = {}
    for table in ("query_grid", "query_dates", "query_cube"):
        cur = conn.execute(f'SELECT * FROM "{store.schema}".{table}')
        names = [d.name for d in cur.description]
        frame = pd.DataFrame(cur.fetchall(), columns=names, dtype=object)
        out[table] = frame.sort_values(names[:8]).reset_index(drop=True)
    return out


def _oids(store) -> list[int]:
    return [int(store.connection().execute(
        "SELECT %s::regclass::oid", (f'"{store.schema}".{t}',)).fetchone()[0])
        for t in ("query_grid", "query_dates", "query_cube")]


def test_a_write_updates_the_cube_incrementally_as_a_rebuild_would(store):
    rng = np.random.default_rng(7)
    store.upsert(incidents(_random_rows(rng, 300)), origin="test", who=ANALYST)
    query = PostGISQuery(store, None)  # type: ignore[arg-type]
    assert refresh_grid(query) is True
    built = _oids(store)
    who = analyst("a")
    # A change of a column the figures do not read marks nothing.
    store.edit("r0004", {"description": "read again"}, who=who)
    assert store.connection().execute(
        f'SELECT count(*) FROM "{store.schema}".query_dirty').fetchone()[0] == 0
    # An edit that moves a record, one that changes its dates and type, and an import
    # of new records and of updates to old ones.
    store.edit("r0003", {"latitude": "33.9", "longitude": "36.9"}, who=who)
    store.edit("r0010", {"date_start": "2017-02-14", "date_end": "2017-02-14",
                                "date_precision": "day", "event_type": _TYPES[1]}, who=who)
    store.edit("r0011", {"date_start": "", "date_end": "", "date_precision": "",
                                "claim_status": CLAIM_STATUSES[0]}, who=who)
    more = _random_rows(rng, 40, prefix="n") + _random_rows(rng, 5)
    store.upsert(incidents(more), origin="test2", who=ANALYST)
    dirty = store.connection().execute(
        f'SELECT count(*) FROM "{store.schema}".query_dirty').fetchone()[0]
    assert dirty > 0  # the writes recorded what they touched
    assert refresh_grid(query) is True
    assert _oids(store) == built  # updated in place, not rebuilt
    assert store.connection().execute(
        f'SELECT count(*) FROM "{store.schema}".query_dirty').fetchone()[0] == 0
    incremental = _snapshot(store)
    spec = QueryFilter(event_types=EVENT_TYPES[:3], claim_statuses=CLAIM_STATUSES,
                       date_from=date(2016, 2, 10), date_to=date(2017, 3, 3))
    counts = query.counts(spec)
    cells = cube_cells(query, spec, 5, None, 56)
    # A rebuild from the records gives the same tables and answers.
    store.connection().execute(
        f"DELETE FROM \"{store.schema}\".store_meta WHERE key = 'query_grid'")
    assert refresh_grid(query) is True
    assert _oids(store) != built
    rebuilt = _snapshot(store)
    for table, frame in rebuilt.items():
        pd.testing.assert_frame_equal(incremental[table], frame, check_dtype=False, obj=table)
    assert query.counts(spec) == counts
    assert cells is not None
    pd.testing.assert_frame_equal(_comparable(cube_cells(query, spec, 5, None, 56)),
                                  _comparable(cells))
    pd.testing.assert_frame_equal(
        _comparable(cells).drop(columns="places"),
        _comparable(query.cells(spec, 5, None, 56, use_grid=False)).drop(columns="places"),
        check_dtype=False)
