"""Store-driven queries (geo/store/pg_query.py) against the real PostGIS: the same answers
as the frame path (counts per cell, table page, timeline) on a small fixture."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date

import numpy as np
import pandas as pd
import pytest

from geo.render.clusters import aggregate, map_columns, view_window
from geo.render.store_clusters import aggregates_from_cells
from geo.render.table import date_order, page_rows
from geo.settings import Settings
from geo.store import open_store
from geo.store.pg_query import QUERY_INDEXES, PostGISQuery
from geo.view.filters import apply_view
from geo.view.live import LiveDataset
from geo.view.state import default_view
from geo.view.store_view import (
    query_filter,
    store_domain,
    store_fingerprint,
    timeline_from_store,
    use_store_queries,
)
from geo.view.timeline import timeline_columns, timeline_counts
from tests.helpers.identities import ANALYST, analyst
from tests.helpers.store_data import incidents

pytestmark = pytest.mark.postgis

# Places in Syria (several governorates), a few of them close together.
_PLACES = [(36.2021, 37.1343, "Aleppo"), (36.2101, 37.1502, "Aleppo east"),
           (35.9500, 39.0100, "Raqqa"), (35.3359, 40.1408, "Deir ez-Zor"),
           (33.5138, 36.2765, "Damascus"), (34.7308, 36.7094, "Homs"),
           (35.1318, 36.7578, "Hama"), (35.9306, 36.6339, "Idlib")]
_TYPES = ["airstrike", "shelling", "clashes", "bombing"]
_CLAIMS = ["alleged", "reported", "confirmed", "contested"]


def _rows() -> list[dict[str, str]]:
    rows = []
    for i in range(120):
        lat, lon, name = _PLACES[i % len(_PLACES)]
        row = {"id": f"q{i:03d}", "place": name, "country": "SY",
               "latitude": str(lat), "longitude": str(lon),
               "geo_precision": str(1 + i % 3),
               "event_type": _TYPES[i % 4], "claim_status": _CLAIMS[(i // 3) % 4],
               "date_start": f"2016-{1 + i % 12:02d}-{1 + i % 27:02d}"}
        if i % 5 == 0:
            row["killed_min"], row["killed_max"] = str(i % 9), str(i % 9 + 4)
        if i % 15 == 0:  # "at least N": a low, no high (open at the top)
            del row["killed_max"]
        if i % 7 == 0:
            row["injured_max"] = str(i % 11)
        if i % 10 == 3:
            row["date_start"], row["date_precision"] = f"2016-{1 + i % 12:02d}", "month"
        if i % 17 == 0:
            row["location_uncertainty_km"] = "25"
        rows.append(row)
    rows.append({"id": "undated", "place": "Homs", "country": "SY", "latitude": "34.7308",
                 "longitude": "36.7094"})
    rows.append({"id": "nowhere", "place": "Atlantis", "date_start": "2016-05-05"})
    rows.append({"id": "country", "country": "SY", "latitude": "35.0", "longitude": "38.5",
                 "geo_precision": "4", "date_start": "2016-06-01"})
    rows.append({"id": "named-area", "place": "somewhere", "admin1": "Aleppo",
                 "date_start": "2016-02-02"})
    return rows


@pytest.fixture
def pg(postgis_url):
    import psycopg

    schema = f"test_{uuid.uuid4().hex[:10]}"
    store = open_store(f"{postgis_url}&schema={schema}")
    store.upsert(incidents(_rows()), origin="test", who=ANALYST)
    yield store
    store.close()
    with psycopg.connect(postgis_url, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@pytest.fixture
def both(pg):
    live = LiveDataset(pg)
    query = PostGISQuery(pg, live.areas)
    query.sync_areas()
    return live.current(), query


def _views(data):
    base = default_view(data.domain())
    return {
        "all": base,
        "dates": replace(base, date_from=date(2016, 3, 1), date_to=date(2016, 6, 30)),
        "no undated": replace(base, include_undated=False),
        "types": replace(base, event_types=("airstrike", "bombing"),
                         claim_statuses=("alleged", "confirmed")),
        "precision": replace(base, precisions=(1, 2)),
        "aleppo": replace(base, admin1=("SY02",)),
        "killed": replace(base, killed=(5, None)),
        "injured": replace(base, injured=(None, 3)),
        "polygon": replace(base, polygon=((36.0, 35.0), (38.0, 35.0), (38.0, 37.0),
                                          (36.0, 37.0))),
        "bbox": replace(base, bbox=(36.0, 33.0, 38.0, 36.0)),
    }


def test_migration_adds_the_area_columns_and_indexes(pg, both):
    rows = pg.connection().execute(
        "SELECT indexname FROM pg_indexes WHERE schemaname = %s", (pg.schema,)).fetchall()
    names = {r[0] for r in rows}
    assert set(QUERY_INDEXES) <= names
    assert "incidents_adm1" not in names  # replaced by the covering incidents_adm1_cover
    assert {"incidents_geom_gist", "incidents_dates", "incidents_space_time"} <= names


def test_area_columns_are_those_of_the_frame_and_follow_edits(pg, both):
    data, query = both
    frame = data.incidents.set_index("id")
    stored = dict(pg.connection().execute(
        f'SELECT id, adm1_pcode FROM "{pg.schema}".incidents').fetchall())
    assert stored == frame["adm1_pcode"].to_dict()
    assert stored["named-area"] == frame.loc["named-area", "adm1_pcode"] != ""
    assert query.sync_areas() == 0  # nothing written since
    pg.edit("q000", {"latitude": "33.5138", "longitude": "36.2765"}, who=analyst("a"))
    assert query.sync_areas() == 1
    moved = LiveDataset(pg).current().incidents.set_index("id").loc["q000", "adm1_pcode"]
    assert pg.connection().execute(
        f"SELECT adm1_pcode FROM \"{pg.schema}\".incidents WHERE id = 'q000'"
    ).fetchone()[0] == moved != frame.loc["q000", "adm1_pcode"]


def test_counts_match_the_frame_filters(both):
    data, query = both
    for name, state in _views(data).items():
        result = apply_view(data.incidents, state)
        counts = query.counts(query_filter(state))
        drawn = (data.incidents["off_map"] == "").to_numpy()
        assert counts.total == len(data.incidents), name
        assert counts.shown == result.shown, name
        assert counts.on_map == int((result.mask & drawn).sum()), name
        assert counts.hidden_by == result.hidden_by, name


def _sorted(frame: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    return frame.sort_values(by).reset_index(drop=True)


@pytest.mark.parametrize("zoom", [5, 7, 9, 12, 18])
def test_cells_give_the_aggregates_of_the_frame_path(both, zoom):
    data, query = both
    columns = map_columns(data.incidents)
    for name, state in _views(data).items():
        mask = apply_view(data.incidents, state).mask
        window = view_window((35.0, 38.0), zoom)
        want = aggregate(columns, mask, zoom, window)
        cells = query.cells(query_filter(state), zoom, window, 56, by_place=zoom >= 18)
        got = aggregates_from_cells(cells, zoom)
        assert got.total == want.total, (name, zoom)
        key = ["lat", "lon"]
        w, g = want.places, got.places
        pd.testing.assert_frame_equal(_sorted(g, key), _sorted(w, key), check_dtype=False,
                                      obj=f"places {name} z{zoom}")
        wc = want.cells.assign(types=[tuple(t) for t in want.types],
                               claims=[tuple(c) for c in want.claims])
        gc = got.cells.assign(types=[tuple(t) for t in got.types],
                              claims=[tuple(c) for c in got.claims])
        pd.testing.assert_frame_equal(_sorted(gc, ["count", "south", "west"]),
                                      _sorted(wc, ["count", "south", "west"]),
                                      check_dtype=False, obj=f"cells {name} z{zoom}")


def test_table_page_is_the_frame_order(both):
    data, query = both
    order = date_order(data.incidents)
    for name, state in _views(data).items():
        mask = apply_view(data.incidents, state).mask
        for page in (1, 2, 3):
            want = data.incidents["id"].iloc[page_rows(order, mask, page, 25)].tolist()
            spec = query_filter(state)
            got = query.table_page(spec, page, 25, query.counts(spec).shown)["id"].tolist()
            assert got == want, (name, page)


def test_timeline_counts_match(both):
    data, query = both
    columns = timeline_columns(data.incidents)
    for name, state in _views(data).items():
        mask = apply_view(data.incidents, state, skip={"date"}).mask
        for span in ((date(2016, 1, 1), date(2016, 12, 31)), (date(2016, 3, 1),
                                                                date(2016, 3, 31))):
            want = timeline_counts(columns, mask, span)
            got = timeline_from_store(query, query_filter(state), span)
            pd.testing.assert_frame_equal(_sorted(got, ["start", "precision"]),
                                          _sorted(want, ["start", "precision"]),
                                          obj=f"timeline {name}")


def test_place_list_off_map_and_one_incident(both):
    data, query = both
    state = default_view(data.domain())
    spec = query_filter(state)
    at = query.at_place(spec, 36.2021, 37.1343)
    frame = data.incidents
    here = frame[(frame["latitude"] == 36.2021) & (frame["off_map"] == "")]
    assert sorted(at["id"]) == sorted(here["id"])
    assert at["date_start"].is_monotonic_increasing
    assert sorted(query.off_map(spec)["id"]) == sorted(frame.loc[frame["off_map"] != "", "id"])
    one = query.get("q007")
    assert one["id"].tolist() == ["q007"] and one["place"].iloc[0] == "Idlib"
    assert query.get("absent").empty and query.has("q007") and not query.has("absent")


def test_domain_from_the_store(both):
    data, query = both
    domain = store_domain(query, query.summary())
    frame_domain = data.domain()
    assert (domain.date_min, domain.date_max) == (frame_domain.date_min, frame_domain.date_max)
    assert domain.event_types == frame_domain.event_types
    assert np.allclose(domain.center, frame_domain.center) and domain.zoom == frame_domain.zoom
    assert domain.has_incident("q001") and not domain.has_incident("zzz")
    # The same records give the same fingerprint in both modes (read a batch at a time).
    assert domain.fingerprint == frame_domain.fingerprint == data.fingerprint
    assert store_fingerprint(query, batch=3) == data.fingerprint


def test_domain_of_a_large_store_is_fingerprinted_by_revision(both):
    data, query = both
    summary = query.summary()
    # Above the limit the store is not read whole: the fingerprint follows the revision.
    big = store_domain(query, summary, content_max=summary.count - 1)
    assert big.fingerprint != data.fingerprint and len(big.fingerprint) == 8
    assert store_domain(query, summary, content_max=summary.count - 1).fingerprint == \
        big.fingerprint
    moved = replace(summary, revision=summary.revision + 1)
    assert store_domain(query, moved, content_max=0).fingerprint != big.fingerprint
    assert store_domain(query, summary, content_max=summary.count).fingerprint == \
        data.fingerprint


def test_query_mode_setting():
    frame, store, auto = (Settings(query_mode=m, store_query_above=10)
                          for m in ("frame", "store", "auto"))
    assert not use_store_queries(frame, "postgis", 10**6)
    assert use_store_queries(store, "postgis", 1)
    assert not use_store_queries(store, "gpkg", 10**6)  # the embedded store keeps a frame
    assert use_store_queries(auto, "postgis", 11) and not use_store_queries(auto, "postgis", 10)


def _cells_frame(cells: pd.DataFrame) -> pd.DataFrame:
    return cells.sort_values(["south", "west", "count"]).reset_index(drop=True)


def test_the_cell_grid_gives_the_rows_answer_and_only_when_it_can(pg, both):
    from geo.store.pg_grid import grid_cells, grid_revision, refresh_grid

    data, query = both
    views = _views(data)
    everything = query_filter(views["all"])
    window = view_window((35.0, 38.0), 6)
    assert grid_cells(query, everything, 6, window, 56) is None  # no grid yet
    assert refresh_grid(query) is True
    assert refresh_grid(query) is False  # current: nothing to do
    assert grid_revision(query) == pg.revision()
    for zoom in (5, 6, 7, 8, 9):
        window = view_window((35.0, 38.0), zoom)
        for name, state in views.items():
            spec = query_filter(state, bounds=False)
            rows = query.cells(spec, zoom, window, 56, use_grid=False)
            grid = grid_cells(query, spec, zoom, window, 56)
            if grid is None:
                continue
            pd.testing.assert_frame_equal(_cells_frame(grid), _cells_frame(rows),
                                          check_dtype=False, obj=f"{name} z{zoom}")
    # Every incident passes: the grid answers at country zoom; a filter that hides
    # some, or a window cutting through cells, leaves it to the rows.
    assert grid_cells(query, everything, 6, view_window((35.0, 38.0), 6), 56) is not None
    hiding = query_filter(replace(views["all"], event_types=("airstrike",)))
    assert grid_cells(query, hiding, 6, view_window((35.0, 38.0), 6), 56) is None
    assert grid_cells(query, query_filter(views["dates"]), 6, window, 56) is None
    assert grid_cells(query, everything, 12, view_window((35.0, 38.0), 12), 56) is None
    # Aggregates drawn from the grid are those of the frame path.
    columns = map_columns(data.incidents)
    mask = apply_view(data.incidents, views["all"]).mask
    for zoom in (5, 7):
        window = view_window((35.0, 38.0), zoom)
        want = aggregate(columns, mask, zoom, window)
        got = aggregates_from_cells(query.cells(everything, zoom, window, 56), zoom)
        assert got.total == want.total
        pd.testing.assert_frame_equal(_sorted(got.cells, ["count", "south", "west"]),
                                      _sorted(want.cells, ["count", "south", "west"]),
                                      check_dtype=False)
    # With a current grid, a view hiding nothing is counted without reading the records,
    # and its table page read by the table order alone: the same answers.
    from geo.store.pg_grid import passes_every_record

    assert passes_every_record(query, everything) == (len(data.incidents), int(
        (data.incidents["off_map"] == "").sum()))
    assert passes_every_record(query, query_filter(views["no undated"])) is None
    columns = timeline_columns(data.incidents)
    for name in ("all", "dates", "types"):
        mask = apply_view(data.incidents, views[name], skip={"date"}).mask
        span = (date(2016, 1, 1), date(2016, 12, 31))
        pd.testing.assert_frame_equal(
            _sorted(timeline_from_store(query, query_filter(views[name]), span),
                    ["start", "precision"]),
            _sorted(timeline_counts(columns, mask, span), ["start", "precision"]), obj=name)
    order = date_order(data.incidents)
    for name, state in views.items():
        result = apply_view(data.incidents, state)
        counts = query.counts(query_filter(state))
        assert (counts.total, counts.shown) == (len(data.incidents), result.shown), name
        assert counts.hidden_by == result.hidden_by, name
        want = data.incidents["id"].iloc[page_rows(order, result.mask, 2, 25)].tolist()
        assert query.table_page(query_filter(state), 2, 25, counts.shown)["id"].tolist() \
            == want, name
    # A write makes the grid stale: the rows answer until it is rebuilt.
    pg.edit("q001", {"latitude": "36.2035", "longitude": "37.138"}, who=analyst("a"))
    assert grid_cells(query, everything, 6, view_window((35.0, 38.0), 6), 56) is None
    assert passes_every_record(query, everything) is None
    assert refresh_grid(query) is True
    assert passes_every_record(query, everything) is not None
    window = view_window((35.0, 38.0), 6)
    pd.testing.assert_frame_equal(
        _cells_frame(grid_cells(query, everything, 6, window, 56)),
        _cells_frame(query.cells(everything, 6, window, 56, use_grid=False)),
        check_dtype=False)
    # q001 now shares a grid cell with Aleppo, 360 m away: a window whose edge passes
    # between them cuts that cell, and the rows answer.
    from pyproj import Transformer

    (x1, x2), (y1, y2) = Transformer.from_crs(4326, 3857, always_xy=True).transform(
        [37.1343, 37.138], [36.2021, 36.2035])
    size = 56 * 40_075_016.68557849 / (256 * 2**11)
    assert (x1 // size, y1 // size) == (x2 // size, y2 // size)
    cut = ((x1 + x2) / 2 - 200_000, y1 - 200_000, (x1 + x2) / 2, y2 + 200_000)
    assert grid_cells(query, everything, 8, cut, 56) is None
    assert grid_cells(query, everything, 8, (cut[0], cut[1], x2 + 10, cut[3]), 56) is not None
