"""A search that names a place, on the map page in both modes (AppTest, PostGIS): the
count line says how many are at the place and how many only mention it in their text,
and "Only incidents at the place" leaves those out, in the link too (trial of issue 14:
"Manbij" pulled in incidents far away whose headline said "Manbij countryside")."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.helpers.store_data import app_on_postgis

pytestmark = pytest.mark.postgis

APP = str(Path(__file__).resolve().parents[1] / "app.py")
ROWS = [
    {"id": "at-1", "place": "Raqqa", "country": "SY", "latitude": "35.95",
     "longitude": "39.01", "geo_precision": "1", "date_start": "2016-03-01"},
    {"id": "at-2", "place": "Raqqa", "country": "SY", "latitude": "35.95",
     "longitude": "39.01", "geo_precision": "1", "date_start": "2016-03-02"},
    # in Deir ez-Zor governorate, its text naming Raqqa's countryside
    {"id": "far", "place": "Dayr az Zawr", "country": "SY", "latitude": "35.33",
     "longitude": "40.14", "geo_precision": "1", "date_start": "2016-03-03",
     "description": "Shelling by forces coming from the Raqqa countryside"},
]


def _texts(at: AppTest) -> str:
    return "\n".join([m.value for m in at.markdown] + [c.value for c in at.caption])


@pytest.mark.parametrize("mode", ["store", "frame"])
def test_a_place_search_says_what_matched_by_place_and_by_text(postgis_url, monkeypatch,
                                                               mode):
    with app_on_postgis(postgis_url, monkeypatch, ROWS):
        monkeypatch.setenv("INCIDENT_MAP_QUERY_MODE", mode)
        at = AppTest.from_file(APP, default_timeout=180)
        at.query_params["q"] = ["Raqqa"]
        at.run()
        assert not at.exception, [e.message for e in at.exception]
        text = _texts(at)
        assert "**Showing 3 of 3 incidents**" in text
        assert ("Search 'Raqqa': 2 at the place (or in the area of that name), 1 more only "
                "mention it in their text") in text
        at.checkbox(key="f_place_only").check().run()
        assert not at.exception, [e.message for e in at.exception]
        text = _texts(at)
        assert "**Showing 2 of 3 incidents**" in text
        assert "Search: only incidents at 'Raqqa'" in text
        assert at.query_params["by_place"] in ("1", ["1"])


ARABIC_ROWS = [
    *({"id": f"tadmur-{i}", "place": "تدمر", "country": "SY", "latitude": "34.56",
       "longitude": "38.28", "geo_precision": "1", "date_start": f"2016-03-0{i}"}
      for i in (1, 2)),
    {"id": "homs", "place": "Homs", "country": "SY", "latitude": "34.73",
     "longitude": "36.71", "geo_precision": "1", "date_start": "2016-03-03",
     "description": "Forces coming from تدمر"},
]


@pytest.mark.parametrize("mode", ["store", "frame"])
def test_an_arabic_search_term_keeps_its_direction_in_the_note(postgis_url, monkeypatch, mode):
    # trial 22: "Search '161 :'تدمر at the place": the Arabic run took the figures in
    with app_on_postgis(postgis_url, monkeypatch, ARABIC_ROWS):
        monkeypatch.setenv("INCIDENT_MAP_QUERY_MODE", mode)
        at = AppTest.from_file(APP, default_timeout=180)
        at.query_params["q"] = ["تدمر"]
        at.run()
        assert not at.exception, [e.message for e in at.exception]
        assert ("Search '\u2068تدمر\u2069': 2 at the place (or in the area of that name), "
                "1 more only mention it") in _texts(at)


SOHR_ROWS = [
    {"id": f"sohr-{i}", "place": "Raqqa", "country": "SY", "latitude": "35.95",
     "longitude": "39.01", "geo_precision": "1", "date_start": f"2016-03-0{i}",
     "source_name": "SOHR", "description": "Shelling, SOHR said"} for i in (1, 2, 3)
]


@pytest.mark.parametrize("mode", ["store", "frame"])
def test_a_term_found_only_in_text_is_not_called_a_place(postgis_url, monkeypatch, mode):
    # trial of issue 14: "SOHR" (the geocoder's loose match: Suhr, Switzerland) read
    # "0 at the place ..., 5,659 more only mention it ... Tick 'Only incidents at the place'"
    with app_on_postgis(postgis_url, monkeypatch, SOHR_ROWS):
        monkeypatch.setenv("INCIDENT_MAP_QUERY_MODE", mode)
        at = AppTest.from_file(APP, default_timeout=180)
        at.query_params["q"] = ["SOHR"]
        at.run()
        assert not at.exception, [e.message for e in at.exception]
        text = _texts(at)
        assert "**Showing 3 of 3 incidents**" in text
        assert "Search 'SOHR': matched the text of 3 incidents." in text
        assert "at the place" not in text
