"""The Review page's places placed by their source (AppTest; trial of issue 14: "Also
list resolved names" listed nothing on UCDP data, where every record came with UCDP's
coordinates): listed, moved whole by a pin or a candidate, in frame mode (GeoPackage,
PostGIS) and store mode (PostGIS), the source's point kept as the before."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from geo.geocoding.place_points import GIVEN, SET_BY_ANALYST
from tests.helpers.store_data import app_on_postgis, incidents

APP = str(Path(__file__).resolve().parents[1] / "app.py")

_BASE = {"country": "SY", "event_type": "clashes", "claim_status": "reported",
         "geocode_source": "given", "geo_precision": "1"}
_ROWS = [
    {**_BASE, "id": "t1", "date_start": "2016-05-23", "place": "Tartus town",
     "admin1": "Tartus", "latitude": "34.7", "longitude": "35.7"},
    {**_BASE, "id": "t2", "date_start": "2016-05-24", "place": "Tartus town",
     "admin1": "Tartus", "latitude": "34.7", "longitude": "35.7"},
    # the same name at another point (a homonym, or UCDP's other coding): not moved
    {**_BASE, "id": "t3", "date_start": "2016-05-25", "place": "Tartus town",
     "admin1": "Tartus", "latitude": "34.9", "longitude": "35.9"},
    {**_BASE, "id": "b1", "date_start": "2016-05-25", "place": "Baniyas town",
     "admin1": "Tartus", "latitude": "35.18", "longitude": "35.95"},
]
MODES = ["gpkg-frame", pytest.param("postgis-frame", marks=pytest.mark.postgis),
         pytest.param("postgis-store", marks=pytest.mark.postgis)]


@pytest.fixture(params=MODES)
def store(request, tmp_path, monkeypatch):
    monkeypatch.setenv("INCIDENT_MAP_OVERRIDES", str(tmp_path / "absent.csv"))
    monkeypatch.delenv("INCIDENT_MAP_DATA", raising=False)
    if request.param == "gpkg-frame":
        from geo.store import open_store
        from tests.helpers.identities import ANALYST

        path = tmp_path / "store.gpkg"
        monkeypatch.setenv("INCIDENT_DB", str(path))
        monkeypatch.setenv("INCIDENT_MAP_SEED", "no")
        opened = open_store(path)
        opened.upsert(incidents(_ROWS), origin="ucdp", who=ANALYST)
        yield opened
        return
    monkeypatch.setenv("INCIDENT_MAP_QUERY_MODE", request.param.split("-")[1])
    with app_on_postgis(request.getfixturevalue("postgis_url"), monkeypatch, _ROWS) as pg:
        yield pg


def _review() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.switch_page("pages/review.py")
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    at.toggle(key="include-resolved").set_value(True).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def _choose(at: AppTest, name: str, point: str) -> None:
    at.selectbox(key="name").set_value(name).run()
    contexts = next((s for s in at.selectbox if s.key and s.key.startswith("context-")),
                    None)
    if contexts is None:  # one context only
        return
    contexts.select_index(next(i for i, o in enumerate(contexts.options) if point in o)).run()
    assert not at.exception, [e.message for e in at.exception]


def test_places_placed_by_their_source_are_listed_and_moved_whole(store):
    at = _review()
    names = at.selectbox(key="name").options  # listed, most incidents first
    assert names == [f"Tartus town (Tartus) · {GIVEN} · 3 incidents in 2 contexts",
                     f"Baniyas town (Tartus) · {GIVEN} · 1 incident"]
    assert any("3 places whose point came with the records" in c.value for c in at.caption)
    _choose(at, "Tartus town", "34.7000, 35.7000")
    assert any("at 34.70000, 35.70000" in m.value and "t1" in m.value for m in at.markdown)
    assert "Apply to this name" not in [r.label for r in at.radio]  # the place, not the name
    at.number_input[0].set_value(34.889)
    at.number_input[1].set_value(35.886)
    next(b for b in at.button if b.label == "Place the pin here").click().run()
    assert not at.exception, [e.message for e in at.exception]
    said = "\n".join(t.value for t in at.toast).replace("\\", "")
    assert ("Tartus town pinned (2 incidents moved, each keeping its own location "
            "precision)") in said
    for moved in ("t1", "t2"):
        record = store.get(moved)
        assert (record["latitude"], record["longitude"]) == (34.889, 35.886)
        assert record["geocode_source"] == "analyst"
        past = store.history(moved)
        lat = past[past["field"] == "latitude"].iloc[-1]
        assert float(lat["before"]) == 34.7 and float(lat["after"]) == 34.889
        assert "'Tartus town' at 34.70000, 35.70000" in lat["reason"]
        assert lat["who"]
    assert store.get("t3")["latitude"] == 34.9  # the same name at another point stays
    assert store.get("b1")["latitude"] == 35.18
    # listed again at its new point, set by an analyst, the source's point said
    _choose(at, "Tartus town", "34.8890, 35.8860")
    assert any(SET_BY_ANALYST in m.value for m in at.markdown)
    assert any("from the source's point 34.70000, 35.70000" in c.value for c in at.caption)


def test_a_place_moved_since_the_page_was_drawn_is_refused(store):
    at = _review()
    _choose(at, "Baniyas town", "35.1800")
    from tests.helpers.identities import ANALYST

    store.edit("b1", {"latitude": "35.2", "geocode_source": "analyst"}, who=ANALYST,
               reason="a colleague")
    at.number_input[0].set_value(35.19)
    at.number_input[1].set_value(35.96)
    next(b for b in at.button if b.label == "Place the pin here").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert any("changed since this page was drawn" in e.value for e in at.error)
    assert store.get("b1")["latitude"] == 35.2
    assert store.place_corrections() == []


def test_a_place_move_is_a_correction_in_force_with_undo(store):
    at = _review()
    _choose(at, "Tartus town", "34.7000, 35.7000")
    next(t for t in at.text_input if t.key.startswith("place-why-")).input("the town")
    at.number_input[0].set_value(34.889)
    at.number_input[1].set_value(35.886)
    next(b for b in at.button if b.label == "Place the pin here").click().run()
    assert not at.exception, [e.message for e in at.exception]
    (kept,) = store.place_corrections()
    assert kept.note == "the town" and kept.records == 2
    past = store.history("t1")
    assert "the town" in past[past["field"] == "latitude"].iloc[-1]["reason"]
    listed = [m.value for m in at.markdown if "the source's point" in m.value]
    assert len(listed) == 1 and "Tartus town" in listed[0] and "34.88900" in listed[0]
    # a record imported later at the source's point goes to the analyst's too
    from tests.helpers.identities import ANALYST

    store.upsert(incidents([{**_ROWS[0], "id": "t4", "date_start": "2016-06-01"}]),
                 origin="ucdp", who=ANALYST)
    assert store.get("t4")["latitude"] == 34.889
    at.run()
    next(b for b in at.button if b.key == f"undo-{kept.correction_id}").click().run()
    assert not at.exception, [e.message for e in at.exception]
    said = "\n".join(t.value for t in at.toast).replace("\\", "")
    assert "place correction undone (3 incidents back at the source's point" in said
    assert [store.get(i)["latitude"] for i in ("t1", "t2", "t4")] == [34.7] * 3
    assert not store.place_corrections()[0].active
    assert not any("the source's point) →" in m.value for m in at.markdown)


def test_a_place_pinned_keeps_each_records_location_precision(store):
    """Trial 27: a whole-place move made a 'near' record site-precise, silently."""
    from tests.helpers.identities import ANALYST

    store.edit("t2", {"geo_precision": "2"}, who=ANALYST, reason="near the town")
    at = _review()
    _choose(at, "Tartus town", "34.7000, 35.7000")
    assert "Location precision" not in [s.label for s in at.selectbox]
    assert any("each record keeps its own location precision" in c.value for c in at.caption)
    at.number_input[0].set_value(34.889)
    at.number_input[1].set_value(35.886)
    next(b for b in at.button if b.label == "Place the pin here").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert [store.get(i)["latitude"] for i in ("t1", "t2")] == [34.889] * 2
    assert [store.get(i)["geo_precision"] for i in ("t1", "t2")] == [1, 2]
