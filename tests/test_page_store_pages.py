"""The review, import and extract pages in store-driven mode (INCIDENT_MAP_QUERY_MODE=store)
against the real PostGIS, through AppTest: none of them reads the store whole, and the
review queue is the one frame mode shows."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.helpers.store_data import app_on_postgis, refuse_full_read

pytestmark = pytest.mark.postgis

APP = str(Path(__file__).resolve().parents[1] / "app.py")

_ROWS = [
    {"id": "a", "date_start": "2018-01-05", "place": "Qaryat Xyzzyqwv", "country": "SY",
     "event_type": "airstrike", "claim_status": "alleged"},
    {"id": "b", "date_start": "2018-01-06", "place": "Qaryat Xyzzyqwv", "country": "SY",
     "event_type": "shelling", "claim_status": "alleged"},
    {"id": "c", "date_start": "2018-01-07", "place": "Kafr Qwzzyx", "country": "SY",
     "admin1": "Idlib", "event_type": "shelling", "claim_status": "alleged"},
    {"id": "e", "date_start": "2018-01-09", "place": "Raqqah", "country": "SY",
     "event_type": "shelling", "claim_status": "alleged"},
    {"id": "d", "date_start": "2018-01-08", "place": "Somewhere given", "country": "SY",
     "latitude": "35.1", "longitude": "38.2", "event_type": "clashes",
     "claim_status": "reported"},
]


@pytest.fixture
def pg_store(postgis_url, monkeypatch):
    with app_on_postgis(postgis_url, monkeypatch, _ROWS) as store:
        yield store


@pytest.fixture
def no_full_read(monkeypatch):
    """Fail if anything builds the shared frame of the whole store."""
    refuse_full_read(monkeypatch)


def _open(page: str, mode: str, monkeypatch) -> AppTest:
    monkeypatch.setenv("INCIDENT_MAP_QUERY_MODE", mode)
    at = AppTest.from_file(APP, default_timeout=120)
    at.switch_page(page)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_review_queue_in_store_mode_is_frame_mode_queue(pg_store, monkeypatch):
    frame = _open("pages/review.py", "frame", monkeypatch)
    frame_names = frame.selectbox(key="name").options
    frame_caption = [c.value for c in frame.caption if "wait" in c.value]
    frame.toggle(key="include-resolved").set_value(True).run()
    frame_all = frame.selectbox(key="name").options
    refuse_full_read(monkeypatch)
    store = _open("pages/review.py", "store", monkeypatch)
    assert store.selectbox(key="name").options == frame_names
    assert [c.value for c in store.caption if "wait" in c.value] == frame_caption
    assert "Qaryat Xyzzyqwv" in frame_names[0] and "2 incidents" in frame_names[0]
    store.toggle(key="include-resolved").set_value(True).run()
    assert not store.exception, [e.message for e in store.exception]
    assert store.selectbox(key="name").options == frame_all
    assert len(frame_all) == len(frame_names) + 2 and any("Raqqah" in o for o in frame_all)
    # a place whose coordinates the source gave is listed too, to be moved whole
    assert any("Somewhere given" in o and "point from the source" in o for o in frame_all)


def test_a_pin_in_store_mode_moves_the_records_without_reading_the_store(
        pg_store, no_full_read, monkeypatch):
    at = _open("pages/review.py", "store", monkeypatch)
    assert "Qaryat Xyzzyqwv" in at.selectbox(key="name").value
    at.number_input[0].set_value(35.5)
    at.number_input[1].set_value(38.25)
    next(b for b in at.button if b.label == "Place the pin here").click().run()
    assert not at.exception, [e.message for e in at.exception]
    for incident_id in ("a", "b"):
        record = pg_store.get(incident_id)
        assert record is not None
        assert (record["latitude"], record["longitude"]) == (35.5, 38.25)
    assert pg_store.get("c")["latitude"] is None  # unresolved: not moved
    assert pg_store.get("e")["latitude"] is not None  # resolves now: placed as well
    names = at.selectbox(key="name").options if at.selectbox else []
    assert not any("Qaryat Xyzzyqwv" in n for n in names)


@pytest.mark.parametrize("page", ["pages/import.py", "pages/extract.py"])
def test_import_and_extract_pages_never_read_the_store_whole(pg_store, no_full_read,
                                                             monkeypatch, page):
    at = _open(page, "store", monkeypatch)
    assert at.title


def test_an_import_in_store_mode_flags_duplicates_without_reading_the_store(
        pg_store, no_full_read, monkeypatch):
    at = _open("pages/import.py", "store", monkeypatch)
    content = ("id,date_start,place,country,latitude,longitude,event_type,claim_status,"
               "source_name\n"
               "n1,2018-01-08,Somewhere given,SY,35.1,38.2,clashes,reported,Other outlet\n")
    at.get("file_uploader")[0].set_value(("more.csv", content.encode(), "text/csv")).run()
    assert not at.exception, [e.message for e in at.exception]
    next(b for b in at.button if b.label.startswith("Import the")).click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert pg_store.get("n1") is not None
    assert any("likely duplicate" in w.value for w in at.warning)


def test_a_pin_in_store_mode_arriving_with_a_change_of_name_is_saved(
        pg_store, no_full_read, monkeypatch):
    """Trial of issue 14 (store mode, runs of seconds): the submit came with a change of
    the name shown; read in the page's body, the pin went to the other name or was lost."""
    at = _open("pages/review.py", "store", monkeypatch)
    assert "Qaryat Xyzzyqwv" in at.selectbox(key="name").value
    at.number_input[0].set_value(35.5)
    at.number_input[1].set_value(38.25)
    next(b for b in at.button if b.label == "Place the pin here").click()
    other = next(o for o in at.selectbox(key="name").options if "Kafr Qwzzyx" in o)
    at.selectbox(key="name").set_value(other.split(" (")[0])
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    (made,) = pg_store.corrections()
    assert made.name == "Qaryat Xyzzyqwv" and (made.latitude, made.longitude) == (35.5, 38.25)
    assert (pg_store.get("a")["latitude"], pg_store.get("b")["latitude"]) == (35.5, 35.5)
    assert pg_store.get("c")["latitude"] is None
    assert any("Qaryat Xyzzyqwv pinned" in t.value for t in at.toast)


def test_a_reimport_in_store_mode_says_beforehand_that_nothing_would_change(
        pg_store, no_full_read, monkeypatch):
    at = _open("pages/import.py", "store", monkeypatch)
    content = ("id,date_start,place,country,latitude,longitude,event_type,claim_status\n"
               "n2,2018-02-08,Somewhere else,SY,35.3,38.4,clashes,reported\n"
               "n3,2018-02-09,Somewhere else,SY,35.3,38.4,clashes,reported\n")
    upload = ("more.csv", content.encode(), "text/csv")
    at.get("file_uploader")[0].set_value(upload).run()
    at.button(key="import-go").click().run()
    assert pg_store.get("n2") is not None
    at.get("file_uploader")[0].set_value(upload).run()
    metrics = {m.label: m.value for m in at.metric}
    assert (metrics["New"], metrics["Changed"], metrics["Unchanged"]) == ("0", "0", "2")
    assert any("Nothing would change: the 2 valid rows of this file are in the store"
               in i.value.replace("\\", "") for i in at.info)
    changed = ("more.csv", content.replace("35.3,38.4,clashes,reported\nn3",
                                           "35.3,38.4,shelling,reported\nn3").encode(), "text/csv")
    at.button(key="import-other").click().run()
    at.get("file_uploader")[0].set_value(changed).run()
    metrics = {m.label: m.value for m in at.metric}
    assert (metrics["New"], metrics["Changed"], metrics["Unchanged"]) == ("0", "1", "1")
    fields = next(d.value for d in at.dataframe if "for example" in d.value.columns)
    assert fields.to_dict("records") == [{"field": "event_type (Event type)", "records": 1,
                                          "for example": "n2"}]
