"""Ranges open at the top ("at least 16 killed": a low figure and no high one) are counted
per figure (``<figure>_open``) and said so ("at least N", "L–H or more"), never totalled as
exact: in the frame's totals, the index totals, both stores and the PostGIS totals alike,
on the Totals tab (AppTest); the real UCDP slice gives none, an ACLED export gives them."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from geo.ingest import prepare_import
from geo.io.mappings import MappingMemory
from geo.render.totals_charts import best_text, figure_text
from geo.store.pg_grid import refresh_grid
from geo.view.filters import apply_view
from geo.view.live import LiveDataset
from geo.view.state import default_view
from geo.view.store_series import store_compare, store_time_series
from geo.view.store_totals import store_area_stats, store_totals, store_totals_parts
from geo.view.store_view import query_filter
from geo.view.totals import (
    FIGURE_COLUMNS,
    area_stats,
    compare_periods,
    figure_table,
    open_top,
    range_text,
    time_series,
    totals,
)
from geo.view.totals_index import totals_columns, totals_of
from tests.helpers.identities import ANALYST
from tests.helpers.incidents import write_table
from tests.helpers.store import synced_query
from tests.helpers.store_data import app_on_postgis, incidents

APP = str(Path(__file__).resolve().parents[1] / "app.py")
UCDP_SLICE = Path(__file__).resolve().parents[2] / "shared" / "data" / "ucdp_ged_syria_2016.csv"


def _rows() -> list[dict[str, str]]:
    """Two claimants; some incidents give only a low figure, one only a high, one none."""
    site = {"country": "SY", "latitude": "36.2", "longitude": "37.15", "place": "Aleppo",
            "event_type": "airstrike", "source_name": "SOHR", "claim_status": "reported"}
    return [
        {**site, "id": "least16", "date_start": "2016-08-02", "killed_min": "16"},
        {**site, "id": "range", "date_start": "2016-08-03", "killed_min": "12",
         "killed_max": "20", "injured_min": "4"},
        {**site, "id": "exact", "date_start": "2016-08-20", "killed_min": "3",
         "killed_max": "3", "injured_min": "1", "injured_max": "2"},
        {**site, "id": "upto", "date_start": "2016-09-01", "killed_max": "5"},  # "up to 5"
        {**site, "id": "none", "date_start": "2016-09-02"},
        {**site, "id": "other", "date_start": "2016-08-05", "source_name": "SNHR",
         "latitude": "35.95", "longitude": "39.01", "place": "Raqqa", "killed_min": "7"},
    ]


def test_the_words_of_an_open_range():
    assert range_text(16, 16) == "16" and range_text(12, 20) == "12–20"
    assert range_text(16, 16, 1) == "at least 16"
    assert range_text(1200, 2000, 3) == "1,200–2,000 or more"
    assert figure_text(16, 16, 2, 1) == "at least 16 · 2 n/k"
    assert figure_text(None, None, 3, 0) == "n/k"
    assert best_text(30, 0, 2, 28, 36, 1) == "best estimate 30 (low–high 28–36 or more)"


def test_an_open_top_is_counted_not_totalled_as_exact():
    frame = incidents(_rows())
    assert frame.loc[open_top(frame, "killed_min", "killed_max").to_numpy(), "id"].tolist() \
        == ["least16", "other"]
    table = figure_table(frame, ["source_name"]).set_index("source_name")
    sohr = table.loc["SOHR"]
    # 16 (at least) + 12-20 + 3 + "up to 5" (its high read as its low too) ; "none" unknown
    assert (sohr["killed_min"], sohr["killed_max"]) == (36, 44)
    assert (sohr["killed_unknown"], sohr["killed_open"]) == (1, 1)
    assert (sohr["injured_min"], sohr["injured_max"], sohr["injured_open"]) == (5, 6, 1)
    assert table.loc["SNHR", "killed_open"] == 1
    assert "casualties_open" in table and "civilian_deaths_open" not in table
    whole = totals(frame)
    assert whole.figure("killed_min") is None  # two claimants: never added together
    assert whole.figure("killed_open") == 2  # a count of incidents: added
    alone = totals(frame[frame["id"] == "least16"])
    assert (alone.figure("killed_min"), alone.figure("killed_max"),
            alone.figure("killed_open")) == (16, 16, 1)
    assert figure_text(16, 16, 0, alone.figure("killed_open")) == "at least 16"


def test_the_index_totals_count_open_tops_as_the_frame_does():
    frame = incidents(_rows())
    frame["claimant"] = frame["source_name"]
    columns = totals_columns(frame)
    rng = np.random.default_rng(3)
    for _ in range(8):
        mask = rng.random(len(frame)) < 0.6
        want = totals(frame[mask])
        got = totals_of(columns, mask)
        assert got.to_dict() == want.to_dict()


def test_both_stores_keep_the_open_top(store):
    store.upsert(incidents(_rows()), origin="test", who=ANALYST)
    frame = LiveDataset(store).current().incidents
    got = totals(frame).by_claimant.set_index("claimant")
    assert got.loc["SOHR", "killed_open"] == 1 and got.loc["SNHR", "killed_open"] == 1
    assert (got.loc["SOHR", "killed_min"], got.loc["SOHR", "killed_max"]) == (36, 44)


@pytest.fixture
def pg(postgis_location):
    with synced_query(postgis_location, incidents(_rows())) as opened:
        yield opened


def _plain(table: pd.DataFrame) -> list[list[object]]:
    table = table.reset_index(drop=True)
    return table.astype(object).where(table.notna(), None).values.tolist()


@pytest.mark.postgis
def test_store_totals_equal_the_frame_totals_with_open_tops(pg):
    store, live, query = pg
    frame = live.current().incidents
    base = default_view(live.current().domain())
    august = replace(base, date_from=date(2016, 8, 1), date_to=date(2016, 8, 31))
    for state in (base, august):
        spec = query_filter(state)
        want = totals(frame[apply_view(frame, state).mask])
        assert want.incidents == (6 if state is base else 4)
        assert store_totals(query, spec).to_dict() == want.to_dict()
        assert store_totals_parts(query, spec).parts["all"].to_dict() == want.to_dict()
    refresh_grid(query)  # the per-day counts and facets carry the open counts too
    want = totals(frame)
    assert store_totals_parts(query, query_filter(base)).parts["all"].to_dict() \
        == want.to_dict()
    assert want.to_dict()["killed_open"] == 2
    spec = query_filter(base)
    got = store_time_series(query, spec, "month", "event_type")
    assert _plain(got) == _plain(time_series(frame, "month", "event_type"))
    periods = ((date(2016, 8, 1), date(2016, 8, 31)), (date(2016, 9, 1), date(2016, 9, 30)))
    assert _plain(store_compare(query, spec, periods)) == \
        _plain(compare_periods(frame, periods))
    names = dict(live.areas.options(1))
    assert _plain(store_area_stats(query, spec, 1, names, "SOHR")) == \
        _plain(area_stats(frame, 1, "SOHR"))
    # an edit that closes the open top: the derived tables follow
    store.edit("least16", {"killed_max": 18}, who=ANALYST)
    refresh_grid(query)
    after = store_totals_parts(query, spec).parts["all"]
    assert after.to_dict()["killed_open"] == 1
    assert after.to_dict() == totals(LiveDataset(store).current().incidents).to_dict()


ACLED_HEADER = ["event_id_cnty", "event_date", "year", "time_precision", "event_type",
                "sub_event_type", "actor1", "country", "admin1", "location", "latitude",
                "longitude", "geo_precision", "source", "notes", "fatalities"]


def test_acled_fatalities_are_a_floor_and_read_as_at_least(tmp_path):
    rows = [
        ["SYR1", "2017-10-15", "2017", "1", "Explosions/Remote violence", "Air/drone strike",
         "Military Forces of the United States", "Syria", "Ar-Raqqa", "Ar-Raqqa", "35.95",
         "39.01", "1", "SOHR", "Airstrike on a market.", "12"],
        ["SYR2", "2017-10-18", "2017", "1", "Battles", "Armed clash", "SDF", "Syria",
         "Ar-Raqqa", "Tabqa", "35.83", "38.55", "2", "SOHR", "", "4"],
        ["SYR3", "2017-10-20", "2017", "1", "Battles", "Armed clash", "SDF", "Syria",
         "Ar-Raqqa", "Tabqa", "35.83", "38.55", "2", "SOHR", "", ""],
    ]
    report = prepare_import(write_table(tmp_path / "acled.csv", ACLED_HEADER, rows),
                            memory=MappingMemory(tmp_path / "m.json"), geocode=False)
    assert report.mapping == "acled" and not report.errors
    result = totals(report.incidents)
    assert result.claimants and len(result.claimants) == 1
    assert (result.figure("killed_min"), result.figure("killed_max")) == (16, 16)
    assert result.figure("killed_open") == 2 and result.figure("killed_unknown") == 1
    assert figure_text(result.figure("killed_min"), result.figure("killed_max"),
                       result.figure("killed_unknown"), result.figure("killed_open")) \
        == "at least 16 · 1 n/k"


@pytest.mark.skipif(not UCDP_SLICE.exists(), reason="../shared/data (the real UCDP slice) absent")
def test_the_real_ucdp_slice_gives_no_open_top(tmp_path):
    report = prepare_import(UCDP_SLICE, memory=MappingMemory(tmp_path / "m.json"),
                            geocode=False)
    assert report.mapping == "ucdp" and len(report.incidents) > 6000
    result = totals(report.incidents)
    for column in FIGURE_COLUMNS:
        if column.endswith("_open"):
            assert result.figure(column) == 0, column  # UCDP gives low and high
    assert result.figure("killed_unknown") == 0
    killed = figure_text(result.figure("killed_min"), result.figure("killed_max"),
                         result.figure("killed_unknown"), result.figure("killed_open"))
    assert "at least" not in killed and "or more" not in killed


KILLED = "Killed, according to SOHR"


def _tab(at: AppTest) -> tuple[dict[str, str], list[str]]:
    return {m.label: m.value for m in at.metric}, [c.value for c in at.caption]


def _app(mode: str, monkeypatch, params: dict[str, list[str]]) -> AppTest:
    monkeypatch.setenv("INCIDENT_MAP_QUERY_MODE", mode)
    at = AppTest.from_file(APP, default_timeout=120)
    for name, values in params.items():
        at.query_params[name] = values
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


@pytest.mark.postgis
def test_the_totals_tab_says_at_least_in_both_modes(postgis_url, monkeypatch):
    sohr = [r for r in _rows() if r["source_name"] == "SOHR"]
    with app_on_postgis(postgis_url, monkeypatch, sohr):
        seen = {}
        for mode in ("frame", "store"):
            # the one incident "at least 16 killed"
            one, captions = _tab(_app(mode, monkeypatch, {"d": ["2016-08-02", "2016-08-02"]}))
            assert one[KILLED] == "at least 16", mode
            assert sum("'at least N' and 'L–H or more'" in c for c in captions) == 1, mode
            # with the 12-20, the 3, "up to 5" and one without a figure
            every, captions = _tab(_app(mode, monkeypatch, {}))
            assert every["Incidents"] == "5"
            assert every[KILLED] == "36–44 or more · 1 n/k", mode
            # killed closed (12-20 and 3), injured open ("4" alone and 1-2): said in the table
            part = _app(mode, monkeypatch, {"d": ["2016-08-03", "2016-08-31"]})
            assert _tab(part)[0][KILLED] == "15–23", mode
            table = part.dataframe[0].value
            assert table["Injured"].tolist() == ["5–6 or more"], mode
            assert any("'at least N'" in c for c in _tab(part)[1]), mode
            # a closed set: no words of an open top, no caption
            closed, captions = _tab(_app(mode, monkeypatch, {"d": ["2016-08-20", "2016-08-31"]}))
            assert closed[KILLED] == "3", mode
            assert not any("at least" in c or "or more" in c for c in captions), mode
            seen[mode] = (one, every, closed)
        assert seen["frame"] == seen["store"]
