"""The name of a one-place aggregate in store mode (geo/store/pg_labels.py): the name
most of the view's incidents at the place give, ties to the first, as frame mode
(geo/render/clusters.py) names it, from the rows, the grid and the cubes."""

from __future__ import annotations

import uuid
from dataclasses import replace

import pandas as pd
import pytest

from geo.render.clusters import aggregate, map_columns, view_window
from geo.render.store_clusters import aggregates_from_cells
from geo.store import open_store
from geo.store.pg_grid import refresh_grid
from geo.store.pg_query import PostGISQuery
from geo.view.filters import apply_view
from geo.view.live import LiveDataset
from geo.view.state import default_view
from geo.view.store_view import query_filter
from tests.helpers.identities import ANALYST, analyst
from tests.helpers.store_data import incidents

pytestmark = pytest.mark.postgis

# (lat, lon, names in the order written): one name most, a tie, one name only
_PLACES = [
    (36.2021, 37.1343, ["Aleppo city", "Halab", "Halab", "Aleppo city", "Halab"]),
    (35.9500, 39.0100, ["Raqqa", "Ar-Raqqah", "Ar-Raqqah", "Raqqa"]),
    (33.5138, 36.2765, ["Damascus", "Damascus"]),
]
_TYPES = ["airstrike", "shelling"]


def _rows() -> list[dict[str, str]]:
    rows = []
    for p, (lat, lon, names) in enumerate(_PLACES):
        for i, name in enumerate(names):
            rows.append({"id": f"p{p}-{i}", "place": name, "country": "SY",
                         "latitude": str(lat), "longitude": str(lon), "geo_precision": "1",
                         "event_type": _TYPES[i % 2], "claim_status": "reported",
                         "date_start": f"2016-0{1 + i}-10"})
    return rows


@pytest.fixture
def both(postgis_url):  # type: ignore[no-untyped-def]
    import psycopg

    schema = f"test_{uuid.uuid4().hex[:10]}"
    store = open_store(f"{postgis_url}&schema={schema}")
    store.upsert(incidents(_rows()), origin="test", who=ANALYST)
    live = LiveDataset(store)
    query = PostGISQuery(store, live.areas)
    query.sync_areas()
    yield store, live, query
    store.close()
    with psycopg.connect(postgis_url, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def _labels(frame: pd.DataFrame) -> dict[tuple[float, float], str]:
    return {(round(float(a), 4), round(float(b), 4)): str(label)
            for a, b, label in zip(frame["lat"], frame["lon"], frame["label"], strict=True)}


def _both_labels(live, query, state, zoom: int, use_grid: bool):  # type: ignore[no-untyped-def]
    data = live.current()
    # close in, Aleppo's place alone; further out, Raqqa's and Damascus's too
    window = view_window((36.2021, 37.1343) if zoom >= 12 else (35.0, 38.0), zoom)
    mask = apply_view(data.incidents, state).mask
    frame = aggregate(map_columns(data.incidents), mask, zoom, window)
    cells = query.cells(query_filter(state), zoom, window, 56, by_place=zoom >= 18,
                        use_grid=use_grid)
    return _labels(aggregates_from_cells(cells, zoom).places), _labels(frame.places)


@pytest.mark.parametrize("zoom", [6, 9, 12, 18])
def test_store_mode_names_a_place_as_frame_mode_does(both, zoom):  # type: ignore[no-untyped-def]
    store, live, query = both
    state = default_view(live.current().domain())
    got, want = _both_labels(live, query, state, zoom, use_grid=False)
    assert got == want
    assert want[(36.2021, 37.1343)] == "Halab"  # 3 of 5, though the first says "Aleppo city"
    assert want.get((35.95, 39.01), "Raqqa") == "Raqqa"  # 2 and 2: the first written
    assert zoom >= 12 or (35.95, 39.01) in want
    # from the grid and the cubes (refreshed): the same names
    assert refresh_grid(query) is True
    assert _both_labels(live, query, state, zoom, use_grid=True) == (want, want)
    # a filter leaving one name most at a place (the cube answers at country zoom)
    shelling = replace(state, event_types=("shelling",))
    got, want = _both_labels(live, query, shelling, zoom, use_grid=True)
    assert got == want and want[(36.2021, 37.1343)] == "Halab"
    airstrike = replace(state, event_types=("airstrike",))
    got, want = _both_labels(live, query, airstrike, zoom, use_grid=True)
    assert got == want and want.get((35.95, 39.01), "Raqqa") == "Raqqa"
    # a correction renaming two records: the place's name follows
    for fid in ("p0-0", "p0-3"):
        store.edit(fid, {"place": "Halab al-Jadida"}, who=analyst("a"))
    query.sync_areas()
    refresh_grid(query)
    got, want = _both_labels(live, query, state, zoom, use_grid=True)
    assert got == want and want[(36.2021, 37.1343)] == "Halab"
    store.edit("p0-1", {"place": "Halab al-Jadida"}, who=analyst("a"))
    refresh_grid(query)
    got, want = _both_labels(live, query, state, zoom, use_grid=True)
    assert got == want and want[(36.2021, 37.1343)] == "Halab al-Jadida"


def test_the_places_are_found_through_the_rounded_place_index(both):  # type: ignore[no-untyped-def]
    store, _, _ = both
    definition = store.connection().execute(
        "SELECT indexdef FROM pg_indexes WHERE schemaname = %s AND indexname = "
        "'incidents_place_point'", (store.schema,)).fetchone()
    assert definition is not None and "round" in definition[0]  # the coordinates', rounded
