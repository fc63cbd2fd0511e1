"""The place-name review page: the queue, a pin or a candidate choice, undo (AppTest)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from geo.geocoding.overrides import OverrideStore

APP = str(Path(__file__).resolve().parents[1] / "app.py")
HEADER = "id,date_start,place,country,event_type,claim_status"


@pytest.fixture
def setup(tmp_path, monkeypatch):
    data = tmp_path / "incidents.csv"
    data.write_text(
        "\n".join(
            [
                HEADER,
                "a,2018-01-05,Qaryat Xyzzyqwv,SY,airstrike,alleged",
                "b,2018-01-06,Qaryat Xyzzyqwv,SY,shelling,alleged",
                "c,2018-01-07,Raqqah,SY,shelling,alleged",
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    overrides = tmp_path / "overrides.csv"
    monkeypatch.setenv("INCIDENT_MAP_DATA", str(data))
    monkeypatch.setenv("INCIDENT_MAP_OVERRIDES", str(overrides))
    return overrides


def _review() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    at.switch_page("pages/review.py")
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_unresolved_name_is_queued_pinned_and_undone(setup):
    at = _review()
    assert "Qaryat Xyzzyqwv" in at.selectbox(key="name").options[0]
    assert "2 incidents" in at.selectbox(key="name").options[0]
    form_submit = next(b for b in at.button if b.label == "Place the pin here")
    at.number_input[0].set_value(35.5)
    at.number_input[1].set_value(38.25)
    form_submit.click().run()
    assert not at.exception
    store = OverrideStore(setup)
    (override,) = store.active()
    assert override.name == "Qaryat Xyzzyqwv"
    assert (override.latitude, override.longitude) == (35.5, 38.25)
    assert override.country == "SY"
    # The name left the queue: every name now resolves.
    assert any("Every place name in the data is resolved" in s.value for s in at.success)
    # The map draws both incidents at once.
    at.switch_page("pages/map.py").run()
    assert "Showing 3 of 3 incidents" in "\n".join(m.value for m in at.markdown)
    assert not any("not on the map" in m.value for m in at.markdown)
    # Undo puts the name back in review.
    at.switch_page("pages/review.py").run()
    at.button(key=f"undo-{override.override_id}").click().run()
    assert OverrideStore(setup).active() == []
    assert "Qaryat Xyzzyqwv" in at.selectbox(key="name").options[0]


def test_ambiguous_name_resolved_by_picking_a_candidate(setup, tmp_path, monkeypatch):
    places = tmp_path / "places.csv"
    places.write_text(
        "id,name,aliases,latitude,longitude,kind,country,admin1,precision,note\n"
        "local:samra-1,Khirbet Samra,,32.20,36.10,village,SY,Daraa,1,\n"
        "local:samra-2,Khirbet Samra,,35.80,36.90,village,SY,Idlib,1,\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("INCIDENT_MAP_PLACES", str(places))
    monkeypatch.setenv("INCIDENT_MAP_GAZETTEER", str(tmp_path / "no-index.parquet"))
    data = tmp_path / "incidents.csv"
    data.write_text(f"{HEADER}\nk,2018-02-01,Khirbet Samra,SY,shelling,alleged\n", "utf-8")
    at = _review()
    option = at.selectbox(key="name").options[0]
    assert "Khirbet Samra" in option and "ambiguous" in option
    candidates = next(s for s in at.selectbox if s.label == "Candidate")
    second = next(i for i, label in enumerate(candidates.options) if "Idlib" in label)
    candidates.select_index(second).run()
    next(b for b in at.button if b.label == "Use this place").click().run()
    (override,) = OverrideStore(setup).active()
    assert override.gazetteer_id == "local:samra-2"
    at.switch_page("pages/map.py").run()
    assert "Showing 1 of 1 incidents" in "\n".join(m.value for m in at.markdown)
    assert not any("not on the map" in m.value for m in at.markdown)


def test_a_resolved_name_can_be_corrected_too(setup):
    at = _review()
    at.toggle(key="include-resolved").set_value(True).run()
    options = at.selectbox(key="name").options
    raqqah = next(i for i, label in enumerate(options) if label.startswith("Raqqah"))
    assert "resolved" in options[raqqah]
    at.selectbox(key="name").select_index(raqqah).run()
    assert not at.exception
    next(b for b in at.button if b.label == "Use this place").click().run()
    (override,) = OverrideStore(setup).active()
    assert override.name == "Raqqah"


def test_a_map_click_pins_only_the_name_shown_when_it_was_made(setup, tmp_path):
    data = tmp_path / "incidents.csv"
    data.write_text(
        f"{HEADER}\na,2018-01-05,Qaryat Xyzzyqwv,SY,airstrike,alleged\n"
        "b,2018-01-06,Mazraat Qwvxyz,SY,shelling,alleged\n",
        encoding="utf-8",
    )
    at = _review()
    first = at.selectbox(key="name").options[0].split(" (")[0]
    at.session_state["review_map"] = {"last_clicked": {"lat": 33.3, "lng": 38.6}}
    at.run()
    assert at.number_input[0].value == 33.3
    at.selectbox(key="name").select_index(1).run()
    assert at.number_input[0].value is None  # the other name has no pin
    at.selectbox(key="name").select_index(0).run()
    assert at.selectbox(key="name").options[0].startswith(first)
    assert at.number_input[0].value == 33.3
