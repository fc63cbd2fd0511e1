"""Totals say how much comes from incidents vaguer than the view, and can leave them out;
the frame path and the PostGIS path agree."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date

import numpy as np
import pandas as pd
import pytest

from geo.settings import load_settings
from geo.store import open_store
from geo.store.pg_query import PostGISQuery
from geo.store.pg_search import sync_search
from geo.view.filters import apply_view
from geo.view.live import LiveDataset
from geo.view.state import default_view
from geo.view.store_totals import store_coarse_counts, store_totals, store_totals_parts
from geo.view.store_view import query_filter
from geo.view.totals import Totals, coarse_note, totals
from geo.view.totals_index import totals_columns, totals_of
from tests.helpers.identities import ANALYST
from tests.helpers.store_data import incidents

MARCH_TO_MAY = (date(2016, 3, 1), date(2016, 5, 31))


def _rows() -> list[dict[str, str]]:
    site = {"country": "SY", "latitude": "36.2", "longitude": "37.15", "place": "Aleppo",
            "source_name": "UCDP GED", "event_type": "clashes"}
    return [
        {**site, "id": "day", "date_start": "2016-03-05", "killed_min": "3", "killed_max": "5"},
        {**site, "id": "week", "date_start": "2016-04-01", "date_end": "2016-04-07",
         "killed_min": "10", "killed_max": "10"},
        # a country's annual total: a year long, at country level
        {**site, "id": "year", "date_start": "2016-01-01", "date_end": "2016-12-31",
         "place": "Syria", "latitude": "35.0", "longitude": "38.5", "geo_precision": "4",
         "killed_min": "800", "killed_max": "900"},
        # dated within the window but placed only at governorate level
        {**site, "id": "region", "date_start": "2016-05-02", "geo_precision": "3",
         "killed_min": "20", "killed_max": "40"},
        # a four-month range: longer than a month's window, shorter than the three months'
        {**site, "id": "range", "date_start": "2016-03-01", "date_end": "2016-06-30",
         "killed_min": "50", "killed_max": "60"},
        {**site, "id": "undated", "date_start": "", "killed_min": "1"},
    ]


def _frame() -> pd.DataFrame:
    frame = incidents(_rows())
    frame["claimant"] = "UCDP GED"
    return frame


def test_vague_incidents_are_those_dated_longer_than_the_window_or_placed_coarsely():
    frame = _frame()
    columns = totals_columns(frame)
    ids = frame["id"].to_numpy()
    by_date, by_place = columns.coarse(MARCH_TO_MAY)
    assert sorted(ids[by_date]) == ["range", "year"]
    assert sorted(ids[by_place]) == ["region", "year"]
    by_date, _ = columns.coarse((date(2016, 4, 1), date(2016, 4, 30)))
    assert sorted(ids[by_date]) == ["range", "year"]
    by_date, _ = columns.coarse((date(2016, 4, 1), date(2016, 4, 3)))
    assert sorted(ids[by_date]) == ["range", "week", "year"]
    by_date, by_place = columns.coarse(None)  # no dates selected: nothing is vague by date
    assert not by_date.any() and sorted(ids[by_place]) == ["region", "year"]
    assert columns.coarse(MARCH_TO_MAY)[1] is by_place  # built once per dataset


def test_the_note_gives_counts_and_the_share_of_the_killed():
    frame = _frame()
    columns = totals_columns(frame)
    everything = np.ones(len(frame), dtype=bool)
    by_date, by_place = columns.coarse(MARCH_TO_MAY)
    whole = totals_of(columns, everything)
    vague = totals_of(columns, by_date | by_place)
    note = coarse_note(whole, vague, int(by_date.sum()), int(by_place.sum()), MARCH_TO_MAY)
    assert note.startswith("3 of the 6 incidents (50%) are vaguer than this view")
    assert "2 dated over a longer span than the 92 days selected" in note
    assert "2 placed only at region or country level" in note
    # 800-900 + 20-40 + 50-60 of 884-1016 (with the undated "at least 1": open at the top)
    assert "Killed according to UCDP GED: 870–1,000 of 884–1,016 or more (98%)" in note
    fine = totals_of(columns, ~(by_date | by_place))
    assert fine.incidents == 3 and fine.figure("killed_max") == 16
    assert coarse_note(fine, totals_of(columns, np.zeros(len(frame), dtype=bool)), 0, 0,
                       MARCH_TO_MAY) == ""


def test_incidents_vague_both_ways_are_said_once():
    """Trial 26: "6 dated over a longer span …; 345 placed only at region …" read as 351
    though the 6 were among the 345."""
    frame = _frame()
    columns = totals_columns(frame)
    by_date, by_place = columns.coarse(MARCH_TO_MAY)  # "year" is vague both ways
    note = coarse_note(totals_of(columns, np.ones(len(frame), dtype=bool)),
                       totals_of(columns, by_date | by_place), int(by_date.sum()),
                       int(by_place.sum()), MARCH_TO_MAY)
    assert ("3 of the 6 incidents (50%) are vaguer than this view: 2 placed only at region "
            "or country level; 2 dated over a longer span than the 92 days selected (a year, "
            "a month or a range). 1 is both (counted once in the 3).") in note


def test_shares_of_the_low_and_high_figures_are_named_not_a_range():
    # trial of issue 14: "(17%–16%)" read as an inverted range
    site = {"country": "SY", "latitude": "36.2", "longitude": "37.15", "place": "Aleppo",
            "source_name": "UCDP GED", "event_type": "clashes"}
    frame = incidents([
        {**site, "id": "day", "date_start": "2016-03-05", "killed_min": "100",
         "killed_max": "300"},
        {**site, "id": "year", "date_start": "2016-01-01", "date_end": "2016-12-31",
         "killed_min": "100", "killed_max": "100"},
    ])
    frame["claimant"] = "UCDP GED"
    columns = totals_columns(frame)
    by_date, by_place = columns.coarse(MARCH_TO_MAY)
    note = coarse_note(totals_of(columns, np.ones(len(frame), dtype=bool)),
                       totals_of(columns, by_date | by_place), int(by_date.sum()),
                       int(by_place.sum()), MARCH_TO_MAY)
    assert "100 of 200–400 (50% of the low figure, 25% of the high) come from them" in note


@pytest.fixture
def store_and_frame(postgis_url):
    import psycopg

    schema = f"test_{uuid.uuid4().hex[:10]}"
    store = open_store(f"{postgis_url}&schema={schema}")
    store.upsert(incidents(_rows()), origin="test", who=ANALYST)
    live = LiveDataset(store)
    query = PostGISQuery(store, live.areas)
    query.sync_areas()
    sync_search(query, load_settings())
    yield live, query
    store.close()
    with psycopg.connect(postgis_url, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def _same(got: Totals, want: Totals) -> None:
    assert got.to_dict() == want.to_dict()


@pytest.mark.postgis
def test_the_store_and_the_frame_agree_on_vague_incidents(store_and_frame):
    live, query = store_and_frame
    data = live.current()
    base = default_view(data.domain())
    columns = totals_columns(data.incidents)
    for window in (MARCH_TO_MAY, (date(2016, 4, 1), date(2016, 4, 3)), None):
        state = base if window is None else replace(base, date_from=window[0],
                                                     date_to=window[1])
        mask = apply_view(data.incidents, state).mask
        spec = query_filter(state)
        by_date, by_place = columns.coarse(window)
        vague = by_date | by_place
        assert store_coarse_counts(query, spec) == (int((mask & by_date).sum()),
                                                    int((mask & by_place).sum())), window
        _same(store_totals(query, spec), totals(data.incidents[mask]))
        _same(store_totals(query, spec, "coarse"), totals_of(columns, mask & vague))
        _same(store_totals(query, spec, "fine"), totals_of(columns, mask & ~vague))
        assert (mask & vague).any(), window
        # the page's one scan: every part and the counts at once, the same figures
        bundle = store_totals_parts(query, spec)
        assert bundle.coarse_counts == (int((mask & by_date).sum()),
                                        int((mask & by_place).sum())), window
        _same(bundle.parts["all"], totals(data.incidents[mask]))
        _same(bundle.parts["coarse"], totals_of(columns, mask & vague))
        _same(bundle.parts["fine"], totals_of(columns, mask & ~vague))
    with pytest.raises(ValueError, match="part must be one of"):
        store_totals(query, query_filter(base), "some")
