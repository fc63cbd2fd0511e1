"""The review page at scale (AppTest): names grouped with their contexts, candidates from
learned places with their provenance, and bulk acceptance by rule into the store."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from geo.schema import validate_incidents
from geo.store import open_store
from tests.helpers.identities import ANALYST

APP = str(Path(__file__).resolve().parents[1] / "app.py")


def _rows(rows: list[dict[str, str]]) -> pd.DataFrame:
    base = {"date_start": "2016-07-01", "country": "SY", "event_type": "airstrike",
            "claim_status": "reported"}
    return validate_incidents(pd.DataFrame([{**base, **r} for r in rows], dtype=str)
                              .fillna("")).incidents


@pytest.fixture(params=["250000", "1"], ids=["full-learned-index", "learned-per-batch"])
def db(request, tmp_path, monkeypatch):
    # both ways of geocoding the queue (one index of every learned place up to
    # INCIDENT_MAP_LEARNED_INDEX_MAX incidents, per batch of names above) answer the same
    monkeypatch.setenv("INCIDENT_MAP_LEARNED_INDEX_MAX", request.param)
    path = tmp_path / "store.gpkg"
    monkeypatch.setenv("INCIDENT_DB", str(path))
    monkeypatch.setenv("INCIDENT_MAP_OVERRIDES", str(tmp_path / "absent.csv"))
    # a calibration measured low for single-record learned places: they wait for review
    calibration = tmp_path / "calibration.json"
    low = {"probability": 0.6, "right": 15, "answers": 25}
    calibration.write_text(json.dumps({"about": "test", "classes": {
        "learned|single|agrees": low, "learned|single|unchecked": low}}))
    monkeypatch.setenv("INCIDENT_MAP_CALIBRATION", str(calibration))
    store = open_store(path)
    store.upsert(_rows([
        {"id": "u1", "place": "Kafr Zetqa village", "admin1": "Hama", "latitude": "35.37",
         "longitude": "36.60", "geo_precision": "1", "geocode_source": "given"},
    ]), origin="ucdp", who=ANALYST)
    store.upsert(_rows([
        {"id": "r1", "place": "Kafr Zetqa", "admin1": "Hama"},
        {"id": "r2", "place": "Kafr Zetqa", "admin1": "Hama"},
        {"id": "r3", "place": "Kafr Zetqa", "admin1": ""},
        {"id": "r4", "place": "Qaryat Xyzzyqwv", "admin1": "Hama"},
    ]), origin="report", who=ANALYST)
    return path


def _review() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.switch_page("pages/review.py")
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_names_are_grouped_and_learned_candidates_show_their_source(db):
    at = _review()
    options = at.selectbox(key="name").options
    kafr = next(o for o in options if o.startswith("Kafr Zetqa"))
    assert "3 incidents in 2 contexts" in kafr
    at.selectbox(key="name").select("Kafr Zetqa").run()
    context = next(s for s in at.selectbox if s.label == "Context")
    hama = next(i for i, label in enumerate(context.options) if "Hama" in label)
    context.select_index(hama).run()
    table = next(d for d in at.dataframe if "source" in d.value.columns).value
    assert table.loc[0, "source"] == "learned from ucdp: 1"


def test_a_rule_accepts_every_name_whose_learned_place_agrees(db):
    at = _review()
    at.selectbox(key="rule").select("learned-agrees").run()
    proposals = next(d for d in at.dataframe if "place" in d.value.columns).value
    assert proposals[["name", "admin1", "incidents"]].values.tolist() == [["Kafr Zetqa",
                                                                           "Hama", 2]]
    at.button(key="accept-rule").click().run()
    assert not at.exception
    (made,) = open_store(db).corrections()
    assert made.name == "Kafr Zetqa" and made.admin1 == "Hama" and made.is_pin
    assert (made.latitude, made.longitude) == (35.37, 36.6)
    assert "learned from ucdp" in made.note
    # the accepted context left the queue; the one without a governorate stays
    at.run()
    kafr = next(o for o in at.selectbox(key="name").options if o.startswith("Kafr Zetqa"))
    assert "1 incident" in kafr and "contexts" not in kafr


def test_an_accept_arriving_with_a_change_of_rule_accepts_what_was_shown(db):
    """The click is handled by its callback with the proposals the analyst saw, whatever
    the run it arrives with draws (here another rule)."""
    at = _review()
    at.selectbox(key="rule").select("learned-agrees").run()
    at.button(key="accept-rule").click()
    at.selectbox(key="rule").select("single-in-area")
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    (made,) = open_store(db).corrections()
    assert made.name == "Kafr Zetqa" and made.admin1 == "Hama"
    assert any("1 name accepted" in t.value for t in at.toast)


def test_an_accept_leaves_alone_a_name_corrected_since_the_page_was_drawn(db):
    at = _review()
    at.selectbox(key="rule").select("learned-agrees").run()
    open_store(db).add_correction("Kafr Zetqa", who=ANALYST, country="SY", admin1="Hama",
                                  latitude=35.0, longitude=36.0)  # a colleague, meanwhile
    at.button(key="accept-rule").click().run()
    assert not at.exception, [e.message for e in at.exception]
    (made,) = [o for o in open_store(db).corrections() if o.active]
    assert (made.latitude, made.longitude) == (35.0, 36.0)
    assert any("Nothing changed" in t.value and "Kafr Zetqa" in t.value for t in at.toast)
