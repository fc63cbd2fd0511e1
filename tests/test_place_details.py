"""A single place's tooltip figures (geo/render/place_details.py, through
geo/render/clusters.py and the layer's payload): trial 24 found "Aleppo town — 452
incidents" and nothing else; it gives its deaths per claimant, civilian deaths and dates."""

from __future__ import annotations

import json
from datetime import date

import numpy as np

from geo.render.aggregate_layer import payload
from geo.render.clusters import aggregate, map_columns, view_window
from tests.helpers.incidents import joined, row

TARTUS, RAQQA = ("34.89", "35.89"), ("35.95", "39.01")


def _at(where: tuple[str, str], **fields: str) -> dict[str, str]:
    return row(latitude=where[0], longitude=where[1], **fields)


FRAME = joined(
    _at(TARTUS, id="t1", place="Tartus", killed_min="40", killed_max="48", killed_best="45",
        deaths_civilians="30", source_name="UCDP GED", date_start="2016-05-23",
        date_end="2016-05-23"),
    _at(TARTUS, id="t2", place="Tartus", killed_min="2", killed_max="3", killed_best="2",
        source_name="UCDP GED", date_start="2016-06-01", date_end="2016-06-02"),
    _at(TARTUS, id="t3", place="Tartus", killed_min="50", source_name="SOHR",  # at least 50
        date_start="2016-05-23", date_end="2016-05-23"),
    _at(RAQQA, id="r1", place="Raqqa", killed_min="4", killed_max="6", killed_best="5",
        source_name="UCDP GED", date_start="2016-01-01", date_end="2016-12-31"),
)


def _aggregates():
    everything = np.ones(len(FRAME), dtype=bool)
    return aggregate(map_columns(FRAME), everything, 6, view_window((35.0, 37.5), 6))


def test_a_place_gives_its_deaths_per_claimant_never_added():
    agg = _aggregates()
    assert len(agg.cells) == 0 and len(agg.places) == 2  # two single places
    tartus = int(np.flatnonzero(agg.places["label"] == "Tartus")[0])
    by = agg.place_figures.set_index(["cell", "claimant"])
    ucdp = by.loc[(tartus, "UCDP GED")]
    assert [ucdp[c] for c in ("incidents", "known", "low", "high", "open", "best", "best_n",
                              "civ", "civ_n")] == [2, 2, 42, 51, 0, 47, 2, 30, 1]
    sohr = by.loc[(tartus, "SOHR")]
    assert [sohr[c] for c in ("incidents", "low", "high", "open", "best_n", "civ_n")] == [
        1, 50, 50, 1, 0, 0]
    places = payload(agg)["places"]
    assert places["cn"] == ["SOHR", "UCDP GED"]
    # one entry per claimant: 50 (SOHR) and 42-51 (UCDP) stay apart, no 92-101 anywhere
    assert places["kc"][tartus] == [0, 1, 1, 50, 50, 1, 0, 0, 0, 0,
                                    1, 2, 2, 42, 51, 0, 47, 2, 30, 1]
    assert 92 not in places["kc"][tartus] and 101 not in places["kc"][tartus]
    json.dumps(payload(agg), allow_nan=False)


def test_a_place_gives_its_dates_within_the_dates_chosen():
    agg = _aggregates()
    tartus = int(np.flatnonzero(agg.places["label"] == "Tartus")[0])
    raqqa = 1 - tartus
    epoch = date(1970, 1, 1)
    places = payload(agg)["places"]
    assert places["lb"][tartus] == "Tartus"
    assert (places["df"][tartus], places["dt"][tartus]) == (
        (date(2016, 5, 23) - epoch).days, (date(2016, 6, 2) - epoch).days)
    chosen = (date(2016, 3, 1), date(2016, 3, 31))  # Raqqa's year overlaps March
    within = payload(agg, dates=chosen)["places"]
    lo, hi = ((d - epoch).days for d in chosen)
    assert (within["df"][raqqa], within["dt"][raqqa]) == (lo, hi)
    assert within["eb"][raqqa] == (date(2016, 1, 1) - epoch).days
    assert within["la"][raqqa] == (date(2016, 12, 31) - epoch).days
