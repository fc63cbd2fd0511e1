"""An unsure extracted place accepted into the store stays unsure through every load, on
both store back ends, until an analyst confirms it on the Review page (AppTest).

Trial 21: a bare "Ghariya" (several villages bear the name) accepted without renaming was
stored without its point, then geocoded again on load and placed confidently at its one
namesake in the gazetteer, in another governorate, and never listed for review.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from geo.geocoding.geocoder import default_geocoder
from geo.geocoding.join import relocations
from geo.geocoding.stored import UNCONFIRMED_SOURCE, UNSURE
from geo.store import open_store
from geo.view.dataset import load_store_dataset

APP = str(Path(__file__).resolve().parents[1] / "app.py")
# Invented sentences; the gazetteer holds one village named Ghariya (in As-Suwayda), far
# from the other site of the report: the extractor marks it unsure.
REPORT = ("An airstrike hit Saraqeb in Idlib province on 4 June, killing 5 people, activists "
          "said. Government shelling hit Ghariya on 5 June, killing 4 people, a monitor said.")
SOURCE = "Keep Wire"


def _app(page: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.switch_page(page)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def _accept_the_report() -> AppTest:
    at = _app("pages/extract.py")
    at.text_area(key="extract_text").input(REPORT)
    at.text_input(key="extract_source").input(SOURCE)
    at.date_input(key="extract_published").set_value(date(2015, 6, 16))
    next(b for b in at.button if b.label == "Extract candidates").click()
    at.run()
    frame = at.session_state["extract_frame"].set_index("place")
    assert frame.at["Ghariya", "geocode_status"] == UNSURE
    assert frame.at["Ghariya", "latitude"] != ""  # the extractor's doubtful point
    next(b for b in at.button if b.label == "Accept into the store").click()
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert "Stored without a point" in at.success[0].value
    return at


def _ghariya(location: str) -> pd.Series:
    with open_store(location) as store:
        records = store.incidents()
    return records[(records["source_name"] == SOURCE)
                   & (records["place"] == "Ghariya")].iloc[0]


def test_an_unsure_place_stays_unsure_through_a_fresh_load_until_confirmed(
        store_location, monkeypatch):
    monkeypatch.setenv("INCIDENT_DB", store_location)
    monkeypatch.setenv("INCIDENT_MAP_SEED", "no")
    _accept_the_report()
    stored = _ghariya(store_location)
    assert pd.isna(stored["latitude"]) and stored["geo_precision"] == 2
    assert stored["geocode_source"] == UNCONFIRMED_SOURCE and stored["admin1"] == ""

    # a fresh load, as the display pages make it (stored points) and with the geocoder
    coder = default_geocoder()
    with open_store(store_location) as store:
        for data in (load_store_dataset(store), load_store_dataset(store, coder)):
            row = data.incidents.set_index("place").loc["Ghariya"]
            assert pd.isna(row["latitude"]) and row["off_map"] == UNSURE
            assert row["geocode_status"] == UNSURE
        # "Apply geocoding" after any correction does not place it either
        records = store.incidents()
        assert str(stored["id"]) not in relocations(records, coder)

    # the Review page lists it as unsure, with the gazetteer's candidates
    review = _app("pages/review.py")
    names = review.selectbox(key="name")
    option = next(o for o in names.options if o.startswith("Ghariya"))
    assert UNSURE in option
    names.set_value("Ghariya").run()
    assert not review.exception, [e.message for e in review.exception]
    candidates = next(d.value for d in review.dataframe if "gazetteer_id" not in d.value
                      and "rank" in d.value)
    assert "As-Suwayda" in set(candidates["admin1"])

    # an analyst confirms a candidate: the record is placed, by that correction
    next(b for b in review.button if b.label == "Use this place").click().run()
    assert not review.exception, [e.message for e in review.exception]
    placed = _ghariya(store_location)
    assert pd.notna(placed["latitude"])
    assert str(placed["geocode_source"]).startswith("override:")


@pytest.mark.postgis
def test_the_store_modes_review_queue_lists_it_as_unsure(postgis_url, monkeypatch):
    import uuid

    import psycopg

    schema = f"test_{uuid.uuid4().hex[:10]}"
    location = f"{postgis_url}&schema={schema}"
    monkeypatch.setenv("INCIDENT_DB", location)
    monkeypatch.setenv("INCIDENT_MAP_SEED", "no")
    try:
        _accept_the_report()
        monkeypatch.setenv("INCIDENT_MAP_QUERY_MODE", "store")
        review = _app("pages/review.py")
        option = next(o for o in review.selectbox(key="name").options
                      if o.startswith("Ghariya"))
        assert UNSURE in option
    finally:
        with psycopg.connect(postgis_url, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def test_naming_the_place_in_the_records_form_lets_the_geocoder_place_it(tmp_path,
                                                                          monkeypatch):
    location = str(tmp_path / "store.gpkg")
    monkeypatch.setenv("INCIDENT_DB", location)
    monkeypatch.setenv("INCIDENT_MAP_SEED", "no")
    _accept_the_report()
    incident_id = str(_ghariya(location)["id"])
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["sel"] = [incident_id]
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    inputs = {t.label: t for t in at.text_input}
    inputs["Place as written"].set_value("Saraqeb")
    inputs["Why (source, reasoning)"].set_value("the report's other site, checked")
    next(b for b in at.button if b.label == "Save the correction").click().run()
    assert not at.exception and not at.error
    with open_store(location) as store:
        record = store.get(incident_id)
    assert record is not None and record["place"] == "Saraqeb"
    assert pd.notna(record["latitude"]) and record["geocode_source"].startswith("geonames:")
