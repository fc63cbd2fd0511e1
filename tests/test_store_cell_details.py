"""Store mode's aggregate tooltips (geo/store/pg_cell_details.py through
geo/render/store_clusters.py) give the deaths per claimant and top places frame mode
gives (geo/render/cell_details.py), from the grid and from the rows alike."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from geo.render.aggregate_layer import payload
from geo.render.clusters import CELL_PIXELS, aggregate, map_columns, view_window
from geo.render.store_clusters import aggregates_from_cells
from geo.store.pg_cell_details import place_claimants
from geo.store.pg_grid import refresh_grid
from geo.store.query import QueryFilter
from geo.vocab import CLAIM_STATUSES, EVENT_TYPES
from tests.helpers.store import synced_query
from tests.helpers.store_data import incidents

pytestmark = pytest.mark.postgis
ALEPPO, MANBIJ, BAB = ("36.20", "37.15"), ("36.21", "37.17"), ("36.19", "37.13")
RAQQA = ("35.95", "39.01")


def _rows() -> list[dict[str, str]]:
    def at(where: tuple[str, str], **fields: str) -> dict[str, str]:
        return {"latitude": where[0], "longitude": where[1], "country": "SY",
                "date_start": "2016-03-01", **fields}

    return [
        at(ALEPPO, id="a1", place="Aleppo", killed_min="3", killed_max="9", killed_best="5",
           source_name="UCDP GED"),
        at(ALEPPO, id="a2", place="Aleppo", killed_min="12", killed_max="10",
           killed_best="11", source_name="UCDP GED"),  # high below low: 10-12
        at(ALEPPO, id="a3", place="Halab", killed_min="1", killed_max="1", killed_best="1",
           source_name="UCDP GED"),
        at(MANBIJ, id="m1", place="Manbij", killed_min="2", killed_max="4", killed_best="3",
           source_name="UCDP GED"),
        at(MANBIJ, id="m2", place="Manbij", killed_min="7", source_name="SOHR"),  # at least 7
        at(BAB, id="b1", place="Al Bab", source_name="UCDP GED"),  # no figure
        # a second aggregate, one claimant
        at(RAQQA, id="r1", place="Raqqa", killed_min="4", killed_max="6", killed_best="5",
           source_name="UCDP GED"),
        at(("35.96", "39.03"), id="r2", place="Mishlab", killed_min="1", killed_max="2",
           killed_best="2", source_name="UCDP GED"),
    ]


SPEC = QueryFilter(event_types=EVENT_TYPES, claim_statuses=CLAIM_STATUSES)


@pytest.mark.parametrize("use_grid", [True, False])
def test_store_mode_tooltips_give_what_frame_mode_gives(postgis_location, use_grid):
    with synced_query(postgis_location, incidents(_rows())) as (_, live, query):
        refresh_grid(query)
        zoom = 6
        window = view_window((36.0, 38.0), zoom)
        frame = live.current().incidents
        expected = aggregate(map_columns(frame), np.ones(len(frame), dtype=bool), zoom, window)
        cells = query.cells(SPEC, zoom, window, CELL_PIXELS, use_grid=use_grid)
        found = aggregates_from_cells(cells, zoom, place_claimants(query, SPEC, window))
    assert len(expected.cells) == 2 and len(found.cells) == 2
    assert payload(found)["agg"]["kc"] == payload(expected)["agg"]["kc"]
    assert payload(found)["agg"]["tp"] == payload(expected)["agg"]["tp"]
    assert payload(found)["agg"]["tpn"] == payload(expected)["agg"]["tpn"]
    by = found.figures.set_index(["cell", "claimant"])
    aleppo = int(found.cells["count"].idxmax())  # the Aleppo aggregate holds 6
    assert by.loc[(aleppo, "UCDP GED"), ["incidents", "known", "low", "high", "best",
                                         "best_n"]].tolist() == [5, 4, 16, 26, 20, 4]
    assert by.loc[(aleppo, "SOHR"), ["low", "high", "open"]].tolist() == [7, 7, 1]
    top = found.top[found.top["cell"] == aleppo]
    assert top[["label", "count"]].values.tolist() == [["Aleppo", 3], ["Manbij", 2],
                                                       ["Al Bab", 1]]



def _single_places() -> list[dict[str, str]]:
    def at(where: tuple[str, str], **fields: str) -> dict[str, str]:
        return {"latitude": where[0], "longitude": where[1], "country": "SY", **fields}

    tartus = ("34.89", "35.89")
    return [
        at(tartus, id="t1", place="Tartus", killed_min="40", killed_max="48",
           killed_best="45", deaths_civilians="30", source_name="UCDP GED",
           date_start="2016-05-23", date_end="2016-05-23"),
        at(tartus, id="t2", place="Tartus", killed_min="2", killed_max="3", killed_best="2",
           source_name="UCDP GED", date_start="2016-06-01", date_end="2016-06-02"),
        at(tartus, id="t3", place="Tartus", killed_min="50", source_name="SOHR",
           date_start="2016-05-23", date_end="2016-05-23"),
        at(RAQQA, id="r1", place="Raqqa", killed_min="4", killed_max="6", killed_best="5",
           source_name="UCDP GED", date_start="2016-01-01", date_end="2016-12-31"),
    ]


@pytest.mark.parametrize("use_grid", [True, False])
def test_store_mode_places_give_what_frame_mode_gives(postgis_location, use_grid):
    with synced_query(postgis_location, incidents(_single_places())) as (_, live, query):
        refresh_grid(query)
        zoom = 6
        window = view_window((35.0, 37.5), zoom)
        frame = live.current().incidents
        expected = aggregate(map_columns(frame), np.ones(len(frame), dtype=bool), zoom, window)
        cells = query.cells(SPEC, zoom, window, CELL_PIXELS, use_grid=use_grid)
        found = aggregates_from_cells(cells, zoom, place_claimants(query, SPEC, window))
    chosen = (date(2016, 3, 1), date(2016, 5, 31))
    want, got = payload(expected, dates=chosen)["places"], payload(found, dates=chosen)["places"]
    order_w, order_g = np.argsort(want["lb"]), np.argsort(got["lb"])  # Raqqa, Tartus
    assert [want["lb"][i] for i in order_w] == ["Raqqa", "Tartus"]
    assert got["cn"] == want["cn"] == ["SOHR", "UCDP GED"]
    for key in ("kc", "n", "df", "dt", "eb", "la"):
        assert [got[key][i] for i in order_g] == [want[key][i] for i in order_w], key
    tartus = int(order_g[1])
    # two claimants at Tartus: two entries, never one sum
    assert got["kc"][tartus] == [0, 1, 1, 50, 50, 1, 0, 0, 0, 0,
                                 1, 2, 2, 42, 51, 0, 47, 2, 30, 1]
