"""Deaths per claimant and top places of the map's aggregates (geo/render/cell_details.py,
through geo/render/clusters.py and the layer's payload): the analyst trial of issue 14
asked the aggregates for a death total and the places they hold."""

from __future__ import annotations

import numpy as np
import pandas as pd

from geo.render.aggregate_layer import payload
from geo.render.cell_details import assign_places, claimant_figures, rank_places, top_places
from geo.render.clusters import aggregate, map_columns, view_window
from tests.helpers.incidents import joined, row

ALEPPO, MANBIJ, BAB = ("36.20", "37.15"), ("36.21", "37.17"), ("36.19", "37.13")


def _at(where: tuple[str, str], **fields: str) -> dict[str, str]:
    return row(latitude=where[0], longitude=where[1], **fields)


def _frame(second_claimant: bool = False):
    return joined(
        _at(ALEPPO, id="a1", place="Aleppo", killed_min="3", killed_max="9",
            killed_best="5", source_name="UCDP GED"),
        _at(ALEPPO, id="a2", place="Aleppo", killed_min="12", killed_max="10",
            killed_best="11", source_name="UCDP GED"),  # inverted: counts 10-12
        _at(ALEPPO, id="a3", place="Halab", killed_min="1", killed_max="1",
            killed_best="1", source_name="UCDP GED"),
        _at(MANBIJ, id="m1", place="Manbij", killed_min="2", killed_max="4",
            killed_best="3", source_name="UCDP GED"),
        _at(MANBIJ, id="m2", place="Manbij", killed_min="7",
            source_name="SOHR" if second_claimant else "UCDP GED"),  # "at least 7"
        _at(BAB, id="b1", place="Al Bab", source_name="UCDP GED"),  # no figure
    )


def _aggregates(frame):
    columns = map_columns(frame)
    everything = np.ones(len(frame), dtype=bool)
    return aggregate(columns, everything, 6, view_window((36.2, 37.15), 6))


def test_one_claimant_gets_one_total_and_the_top_places_are_named():
    agg = _aggregates(_frame())
    assert len(agg.cells) == 1 and int(agg.cells["count"][0]) == 6
    (figures,) = agg.figures.to_dict("records")
    assert figures["claimant"] == "UCDP GED" and figures["incidents"] == 6
    # lows 3+10+1+2+7, highs 9+12+1+4+7 (the open top adds its low to both)
    assert (figures["known"], figures["low"], figures["high"], figures["open"]) == (5, 23, 33, 1)
    assert (figures["best"], figures["best_n"]) == (20, 4)
    top = agg.top
    # a place is named as most of its incidents write it: Aleppo (2) over Halab (1)
    assert top["label"].tolist() == ["Aleppo", "Manbij", "Al Bab"]
    assert top["count"].tolist() == [3, 2, 1] and set(top["places"]) == {3}
    data = payload(agg)["agg"]
    assert data["cn"] == ["UCDP GED"]
    assert data["kc"] == [[0, 6, 5, 23, 33, 1, 20, 4]]
    assert data["tp"] == [["Aleppo", 3, "Manbij", 2, "Al Bab", 1]] and data["tpn"] == [3]


def test_several_claimants_are_never_added_together():
    agg = _aggregates(_frame(second_claimant=True))
    by = agg.figures.set_index("claimant")
    assert by.loc["UCDP GED", ["incidents", "low", "high", "open"]].tolist() == [5, 16, 26, 0]
    assert by.loc["SOHR", ["incidents", "low", "high", "open", "best_n"]].tolist() == [
        1, 7, 7, 1, 0]
    data = payload(agg)["agg"]
    assert data["cn"] == ["SOHR", "UCDP GED"]
    assert data["kc"] == [[0, 1, 1, 7, 7, 1, 0, 0, 1, 5, 4, 16, 26, 0, 20, 4]]


def test_claimant_figures_group_by_aggregate_and_claimant():
    local = np.array([0, 0, 1, 1])
    found = claimant_figures(local, np.array([0, 1, 0, 0]), np.array(["B", "A"], dtype=object),
                             np.array([1.0, 2.0, np.nan, 4.0]),
                             np.array([3.0, 2.0, np.nan, 5.0]),
                             np.array([False, False, False, True]),
                             np.array([2.0, np.nan, np.nan, np.nan]), 2)
    assert found[["cell", "claimant", "incidents", "known", "low", "high", "open", "best",
                  "best_n"]].values.tolist() == [
        [0, "A", 1, 1, 2.0, 2.0, 0, 0.0, 0], [0, "B", 1, 1, 1.0, 3.0, 0, 2.0, 1],
        [1, "B", 2, 1, 4.0, 5.0, 1, 0.0, 0]]


def test_top_places_keep_the_first_held_among_equals_and_count_the_others():
    found = top_places(np.array([0, 0, 0, 0, 0, 1]), np.array([7, 8, 9, 9, 6, 5]),
                       np.array(["G", "H", "I", "I", "F", "E"], dtype=object), 2, top=2)
    assert found[["cell", "label", "count", "places"]].values.tolist() == [
        [0, "I", 2, 4], [0, "F", 1, 4], [1, "E", 1, 1]]
    assert found["place"].tolist() == [9, 6, 5]
    ranked = rank_places(pd.DataFrame({"cell": [1, 1, 1, 0], "label": ["a", "b", "c", "d"],
                                       "count": [1, 3, 1, 2]}), top=2)
    assert ranked.values.tolist() == [[0, "d", 2, 1], [1, "b", 3, 3], [1, "a", 1, 3]]
    assert rank_places(pd.DataFrame({"cell": [], "label": [], "count": []})).empty


def test_places_are_assigned_to_the_aggregate_of_their_screen_cell():
    group = assign_places(np.array([1, 2, 5]), np.array([1, 1, 5]),
                          np.array([1, 2, 3]), np.array([1, 1, 1]), np.array([0, 0, -1]))
    assert group.tolist() == [0, 0, -1]


def test_ranking_equals_a_sort_by_cell_count_and_first_held():
    # many ties and cells of every size, against sorting every row
    from geo.render.cell_details import _rank

    rng = np.random.default_rng(5)
    for n, n_cells, top in ((1, 1, 3), (300, 7, 3), (2_000, 400, 2), (5_000, 3, 4)):
        cell = rng.integers(0, n_cells, n)
        count = rng.integers(0, 4, n)
        kept, per_cell = _rank(cell, count, top)
        rows = pd.DataFrame({"cell": cell, "count": count, "at": np.arange(n)})
        want = (rows.sort_values(["cell", "count", "at"], ascending=[True, False, True])
                .groupby("cell").head(top)["at"].to_numpy())
        np.testing.assert_array_equal(kept, want)
        np.testing.assert_array_equal(per_cell, np.bincount(cell, minlength=n_cells))


def test_top_places_name_each_with_its_label_code_as_a_python_object():
    # Labels given as a code per incident (as frame mode passes them): the chosen ones
    # come out as objects, the same values as an object array of every code would give.
    codes = np.array([3, 4, 4, 1, 2], dtype=np.int32)
    found = top_places(np.array([0, 0, 0, 1, 1]), np.array([7, 8, 8, 9, 6]), codes, 2, top=1)
    assert found["label"].dtype == object
    assert found["label"].tolist() == [4, 2]  # cell 1: its lowest place code first
    assert all(type(v) is int for v in found["label"])


def test_claimant_figures_without_best_estimates_give_none_and_count_none():
    figures = claimant_figures(np.array([0, 0, 1]), np.array([0, 0, 0]),
                               np.array(["UCDP"], dtype=object),
                               np.array([1.0, np.nan, 4.0]), np.array([3.0, np.nan, 4.0]),
                               np.array([False, False, True]), np.full(3, np.nan), 2)
    assert figures["best"].tolist() == [0.0, 0.0] and figures["best_n"].tolist() == [0, 0]
    assert figures["low"].tolist() == [1.0, 4.0] and figures["known"].tolist() == [1, 1]
    assert figures["open"].tolist() == [0, 1]
