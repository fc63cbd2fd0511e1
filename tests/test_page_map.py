"""Page logic of the map page through Streamlit's AppTest (the map itself is tested in Chromium)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from geo.access import Identity, Role

APP = str(Path(__file__).resolve().parents[1] / "app.py")
HEADER = (
    "id,date_start,date_end,date_precision,place,country,latitude,longitude,geo_precision,"
    "event_type,actors,casualties_min,description,source_name,source_url,claimed_by,"
    "claim_status,quote"
)


AUTH = {"redirect_uri": "http://127.0.0.1:8501/oauth2callback", "cookie_secret": "s",
        "client_id": "c", "client_secret": "x",
        "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration"}


def _search(at: AppTest):  # noqa: ANN202 - an AppTest TextInput
    """The sidebar's search field (the timeline's From and To are text fields too)."""
    return next(t for t in at.text_input if t.label == "Search")


def _run(params: dict[str, list[str]] | None = None, user: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for name, values in (params or {}).items():
        at.query_params[name] = values
    if user is not None:
        at.secrets["auth"] = AUTH
        at.user = user
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def _param(at: AppTest, name: str) -> list[str]:
    value = at.query_params.get(name, [])
    return [value] if isinstance(value, str) else list(value)


def _markdown(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def _widget(elements, label: str):
    return next(e for e in elements if e.label == label)


@pytest.fixture(autouse=True)
def fresh_store(tmp_path, monkeypatch):
    """Every test starts on its own store, seeded with the shipped seed incidents, and a
    roles file naming one analyst (everyone else signed in is a viewer)."""
    path = tmp_path / "store.gpkg"
    monkeypatch.setenv("INCIDENT_DB", str(path))
    roles = tmp_path / "roles.toml"
    roles.write_text('analyst = ["ana@example.org"]\n')
    monkeypatch.setenv("INCIDENT_MAP_ROLES", str(roles))
    return path


ANA = {"is_logged_in": True, "email": "ana@example.org", "name": "Ana", "sub": "ana"}
VIC = {"is_logged_in": True, "email": "vic@example.org", "name": "Vic", "sub": "vic"}


@pytest.fixture
def incidents_file(tmp_path, monkeypatch):
    """Point the app at a small incident file written by the test."""

    def write(*rows: str) -> Path:
        path = tmp_path / "incidents.csv"
        path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
        monkeypatch.setenv("INCIDENT_MAP_DATA", str(path))
        return path

    return write


def test_default_view_shows_every_seed_incident_and_a_clean_link():
    at = _run()
    text = _markdown(at)
    assert "Showing 5 of 5 incidents" in text
    assert "1 of them not on the map" in text  # the country-level white phosphorus claim
    assert at.slider[0].value == (date(2014, 9, 1), date(2018, 11, 13))
    assert set(at.query_params) == {"v"}
    assert not at.warning


def test_link_restores_dates_filters_and_selection():
    at = _run(
        {
            "d": ["2017-10-01", "2017-12-31"],
            "type": ["bombing"],
            "sel": ["seed-raqqah-2017-10"],
            "lat": ["35.9"],
            "lon": ["39.0"],
            "z": ["9"],
        }
    )
    assert at.slider[0].value == (date(2017, 10, 1), date(2017, 12, 31))
    assert _widget(at.multiselect, "Event type").value == ["bombing"]
    text = _markdown(at)
    # Raqqah (October 2017) and the undated al-Tanf record hidden only by event type.
    assert "Showing 1 of 5 incidents" in text
    assert "October 2017 \\(month\\)" in text
    assert _param(at, "sel") == ["seed-raqqah-2017-10"]
    assert _param(at, "z") == ["9"]
    assert not at.warning


def test_changing_a_filter_changes_the_link():
    at = _run()
    _widget(at.multiselect, "Claim status").set_value(["confirmed"]).run()
    assert _param(at, "claim") == ["confirmed"]
    assert "Showing 0 of 5 incidents" in _markdown(at)
    at.slider[0].set_value((date(2018, 1, 1), date(2018, 11, 13))).run()
    assert _param(at, "d") == ["2018-01-01", "2018-11-13"]


def test_garbage_link_falls_back_to_defaults_with_notes():
    at = _run(
        {
            "d": ["yesterday", "2017-13-45"],
            "type": ["<script>alert(1)</script>"],
            "lat": ["35"],
            "lon": ["38"],
            "z": ["99"],
            "sel": ["no-such-incident"],
            "v": ["deadbeef"],
            "junk": ["1"],
        }
    )
    notes = "\n".join(w.value for w in at.warning)
    assert "not ISO dates" in notes
    assert "unknown event type" in notes
    assert "out of range" in notes
    assert "not in the data" in notes
    assert "data has changed" in notes
    assert "unknown link parameter" in notes
    assert at.slider[0].value == (date(2014, 9, 1), date(2018, 11, 13))
    assert "Showing 5 of 5 incidents" in _markdown(at)
    at.button(key="dismiss-notes").click().run()
    assert not at.warning


def test_search_finds_a_place_under_another_spelling():
    at = _run()
    _search(at).set_value("Ar-Raqqah").run()
    assert "Showing 1 of 5 incidents" in _markdown(at)
    assert _param(at, "q") == ["Ar-Raqqah"]


def test_bad_rows_are_reported_and_good_rows_shown(incidents_file):
    incidents_file(
        "a,2018-01-05,2018-01-05,day,Somewhere,SY,35.1,38.2,1,airstrike,,3,ok,,,,alleged,",
        "b,2018-02-30,2018-02-30,day,Elsewhere,SY,35.2,38.3,1,airstrike,,,bad date,,,,alleged,",
        "c,2018-03-01,2018-03-01,day,Null Island,SY,0,0,1,shelling,,,placeholder,,,,alleged,",
    )
    at = _run()
    assert "2 rows of incidents" in at.error[0].value
    assert "could not be loaded" in at.error[0].value
    assert "Showing 1 of 1 incidents" in _markdown(at)


def test_text_from_data_is_escaped(incidents_file):
    incidents_file(
        'x,2018-01-05,2018-01-05,day,"<img src=x onerror=alert(1)>",SY,35.1,38.2,1,airstrike,'
        '"<script>alert(2)</script>",,"**bold** [link](javascript:alert(3))",src,,,'
        "alleged,",
    )
    at = _run({"sel": ["x"]})
    details = _markdown(at)
    assert "&lt;img src=x onerror=alert\\(1\\)&gt;" in details
    assert "&lt;script&gt;" in details
    assert "<script>" not in details and "<img" not in details
    assert "](javascript" not in details


def test_no_data_file_gives_a_message_not_a_traceback(tmp_path, monkeypatch):
    monkeypatch.setenv("INCIDENT_MAP_DATA", str(tmp_path / "missing.csv"))
    at = _run()
    assert any("Could not read missing\\.csv" in e.value for e in at.error)
    assert "Showing 0 of 0 incidents" in _markdown(at)


def test_several_incidents_at_one_place_are_all_listed(incidents_file):
    incidents_file(
        "p1,2018-01-05,2018-01-05,day,Kafr Nabl,SY,35.61,36.56,1,airstrike,,3,first,,,,alleged,",
        "p2,2018-02-07,2018-02-07,day,Kafr Nabl,SY,35.61,36.56,1,shelling,,,second,,,,alleged,",
        "p3,2018-03-01,2018-03-01,day,Maarat,SY,35.64,36.67,1,shelling,,,third,,,,alleged,",
    )
    at = _run({"sel": ["p1"]})
    assert "2 incidents at Kafr Nabl" in _markdown(at)
    listed = at.dataframe[0].value
    assert list(listed["id"]) == ["p1", "p2"]  # by date; a row picks one (browser test)
    assert "first" in _markdown(at)


def test_a_correction_is_saved_with_its_history(fresh_store):
    at = _run({"sel": ["seed-shaafah-2018-11"]}, user=ANA)
    inputs = {t.label: t for t in at.text_input}
    assert "Your name" not in inputs  # the history takes the signed-in account
    inputs["Killed, at least"].set_value("12")
    inputs["Why (source, reasoning)"].set_value("ministry letter gives 12 killed")
    next(b for b in at.button if b.label == "Save the correction").click().run()
    assert not at.exception
    from geo.store import open_store

    store = open_store(str(fresh_store))
    assert store.get("seed-shaafah-2018-11")["killed_min"] == 12
    past = store.history("seed-shaafah-2018-11")
    edits = past[past["field"] == "killed_min"]
    assert len(edits) == 1
    row = edits.iloc[0]
    assert (row["who"], row["field"], str(row["after"])) == (
        "Ana <ana@example.org>", "killed_min", "12"
    )
    assert "killed\\: at least 12" in _markdown(at)
    assert not at.warning  # the analyst's own correction is not "a changed link"
    assert _param(at, "sel") == ["seed-shaafah-2018-11"]


def test_a_best_estimate_outside_the_corrected_range_is_refused_by_its_label(fresh_store):
    # trial 22: Killed corrected to 4-6 showed "(best estimate 3)" and totals counted 3
    at = _run({"sel": ["seed-shaafah-2018-11"]}, user=ANA)
    inputs = {t.label: t for t in at.text_input}
    inputs["Killed, at least"].set_value("4")
    inputs["Killed, at most"].set_value("6")
    inputs["Killed, best estimate"].set_value("3")
    next(b for b in at.button if b.label == "Save the correction").click().run()
    assert not at.exception
    assert any("Killed, best estimate 3 is outside the killed range 4–6" in e.value
               for e in at.error)
    from geo.store import open_store

    assert open_store(str(fresh_store)).get("seed-shaafah-2018-11")["killed_best"] is None


def _moved_shaafah() -> AppTest:
    """The page after an analyst moves al-Shaafah's point by latitude and longitude."""
    at = _run({"sel": ["seed-shaafah-2018-11"]}, user=ANA)
    inputs = {t.label: t for t in at.text_input}
    inputs["Latitude (decimal degrees, to move the point)"].set_value("34.62")
    inputs["Longitude (decimal degrees, to move the point)"].set_value("40.90")
    inputs["Why (source, reasoning)"].set_value("satellite imagery")
    next(b for b in at.button if b.label == "Save the correction").click().run()
    return at


def test_a_correction_moves_the_point_and_the_geocoder_leaves_it(fresh_store):
    at = _moved_shaafah()
    assert not at.exception and not at.error
    from geo.store import open_store

    stored = open_store(str(fresh_store)).get("seed-shaafah-2018-11")
    assert (stored["latitude"], stored["longitude"]) == (34.62, 40.90)
    assert stored["geocode_source"] == "analyst"
    # trial 22: "Last change: geocode_source", and a history of ids and times only
    assert any(c.value.startswith("Last change\\: the point \\(latitude and longitude\\) by")
               for c in at.caption), [c.value for c in at.caption if "ast ch" in c.value]
    past = next(d.value for d in at.dataframe if "change" in d.value.columns)
    assert list(past.columns[:4]) == ["change", "before", "after", "why"]
    assert "satellite imagery" in set(past["why"])


def test_a_moved_point_asks_for_its_precision_and_the_note_stays(fresh_store):
    at = _run({"sel": ["seed-shaafah-2018-11"]}, user=ANA)

    def save(**typed: str) -> None:
        inputs = {t.label: t for t in at.text_input}
        for label, value in typed.items():
            inputs[label].set_value(value)
        next(b for b in at.button if b.label == "Save the correction").click().run()
        assert not at.exception and not at.error

    next(s for s in at.selectbox if s.label == "Location precision").set_value("3")
    save()
    assert any("Saved 1 change to seed" in s.value for s in at.success)
    save(**{"Latitude (decimal degrees, to move the point)": "34.62",
            "Longitude (decimal degrees, to move the point)": "40.90"})
    # the note outlives the rerun that follows a save (a toast alone was gone in 3 s)
    assert any("The point moved" in w.value and "region / governorate" in w.value
               for w in at.warning)
    at.run()
    assert any("The point moved" in w.value for w in at.warning)
    next(s for s in at.selectbox if s.label == "Location precision").set_value("1")
    save()
    assert not any("The point moved" in w.value for w in at.warning)
    from geo.store import open_store

    stored = open_store(str(fresh_store)).get("seed-shaafah-2018-11")
    assert (stored["geo_precision"], stored["latitude"]) == (1, 34.62)


def test_a_bad_coordinate_in_a_correction_is_refused():
    at = _run({"sel": ["seed-shaafah-2018-11"]}, user=ANA)
    inputs = {t.label: t for t in at.text_input}
    inputs["Latitude (decimal degrees, to move the point)"].set_value("134.6")
    inputs["Longitude (decimal degrees, to move the point)"].set_value("40.90")
    next(b for b in at.button if b.label == "Save the correction").click().run()
    assert any("Not saved" in e.value and "Latitude" in e.value for e in at.error)


def test_an_invalid_correction_is_refused_with_the_reason():
    at = _run({"sel": ["seed-raqqah-2017-10"]})
    inputs = {t.label: t for t in at.text_input}
    inputs["First day (YYYY-MM-DD)"].set_value("2017-11-15")
    next(b for b in at.button if b.label == "Save the correction").click().run()
    assert any("Not saved" in e.value for e in at.error)


def test_the_view_survives_a_change_of_the_data(fresh_store):
    at = _run({"type": ["airstrike", "bombing"], "q": ["coalition"]})
    assert "Showing 2 of 5 incidents" in _markdown(at)
    from geo.store import open_store

    # A colleague corrects a record meanwhile.
    open_store(str(fresh_store)).edit(
        "seed-raqqah-2017-10", {"claimed_by": "Sputnik"},
        who=Identity("colleague", Role.ANALYST),
    )
    at.run()
    assert _widget(at.multiselect, "Event type").value == ["airstrike", "bombing"]
    assert _search(at).value == "coalition"
    assert "Showing 2 of 5 incidents" in _markdown(at)
    assert not at.warning


def test_a_link_in_the_notes_is_shown_as_text():
    at = _run({"sel": ["[Re-login here](http://evil.example/l)"],
               "type": ["![x](http://evil.example/x.png)"]})
    notes = "\n".join(w.value for w in at.warning)
    assert "](http" not in notes
    assert "evil\\.example" in notes  # shown, escaped


def test_a_viewer_sees_no_correction_form_and_cannot_write(fresh_store):
    at = _run({"sel": ["seed-shaafah-2018-11"]}, user=VIC)
    assert "Save the correction" not in [b.label for b in at.button]
    assert any("vic@example" in i.value and "**viewer**" in i.value for i in at.info)
    assert "vic@example" in _markdown(at)  # the sidebar names the account
    assert "Sign out" in [b.label for b in at.button]


def test_visitors_must_sign_in_when_sign_in_is_configured():
    at = _run(user={"is_logged_in": False})
    assert [b.label for b in at.button] == ["Sign in"]
    assert "Showing" not in _markdown(at)


def test_the_embedded_mode_runs_as_the_local_user():
    at = _run()
    assert any("Single-user mode" in c.value for c in at.caption)
    assert "Sign in" not in [b.label for b in at.button]


def test_reset_view_brings_back_the_default_filters():
    at = _run()
    everything = list(_widget(at.multiselect, "Event type").value)
    assert len(everything) > 1
    _widget(at.multiselect, "Event type").set_value(everything[:1]).run()
    _widget(at.text_input, "Search").set_value("airstrike").run()
    assert _param(at, "q") == ["airstrike"]
    _widget(at.button, "Reset view").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert list(_widget(at.multiselect, "Event type").value) == everything
    assert _widget(at.text_input, "Search").value == ""
    assert _param(at, "q") == [] and _param(at, "type") == []


def test_the_count_line_groups_thousands() -> None:
    from geo.store.pg_query import Counts
    from pages.shared.common import count_line

    counts = Counts(total=16566, shown=6170, on_map=6068, hidden_by={"date": 10396})
    line = count_line(counts.total, counts, counts.on_map)
    assert line.startswith("**Showing 6,170 of 16,566 incidents**")
    assert "filtered out by date 10,396" in line
    assert "102 of them not on the map" in line


def test_after_a_point_move_the_note_shows_outside_the_form_and_why_is_emptied(fresh_store):
    # trial 21: the form's expander came back closed after a move (the note hidden in
    # it) and the "Why" box kept the last reason
    at = _moved_shaafah()
    assert not at.exception and not at.error
    form = next(e for e in at.expander if e.label == "Correct this record")
    assert form.proto.expanded
    said = [n.value for n in [*at.success, *at.warning] if n.value.startswith("Saved ")]
    inside = [n.value for n in [*form.success, *form.warning]]
    assert said and not set(said) & set(inside)  # above the form, not inside it
    assert {t.label: t for t in at.text_input}["Why (source, reasoning)"].value == ""


def test_a_correction_is_saved_when_the_run_of_its_submit_does_not_draw_the_form(fresh_store):
    """Trial 21 (store mode, load 17-20): a save lost without a word, the form kept its
    values. Another interaction arriving with the submit (here "Clear selection") makes
    the run of the submit skip the form; the save happens anyway, and says so."""
    at = _run({"sel": ["seed-shaafah-2018-11"]}, user=ANA)
    inputs = {t.label: t for t in at.text_input}
    inputs["Killed, at least"].set_value("13")
    inputs["Why (source, reasoning)"].set_value("second list")
    next(b for b in at.button if b.label == "Save the correction").click()
    next(b for b in at.button if b.label == "Clear selection").click()
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert not any(b.label == "Save the correction" for b in at.button)  # form not drawn
    from geo.store import open_store

    store = open_store(str(fresh_store))
    assert store.get("seed-shaafah-2018-11")["killed_min"] == 13
    assert any("Saved 1 change to seed\\-shaafah" in t.value for t in at.toast)
    past = store.history("seed-shaafah-2018-11")
    assert list(past.loc[past["field"] == "killed_min", "reason"]) == ["second list"]


def test_a_correction_refused_says_why_and_keeps_the_typed_values(fresh_store):
    at = _run({"sel": ["seed-shaafah-2018-11"]}, user=ANA)
    inputs = {t.label: t for t in at.text_input}
    inputs["Latitude (decimal degrees, to move the point)"].set_value("134.6")
    next(b for b in at.button if b.label == "Save the correction").click().run()
    assert any("Not saved" in e.value for e in at.error)
    inputs = {t.label: t for t in at.text_input}
    assert inputs["Latitude (decimal degrees, to move the point)"].value == "134.6"


def test_a_correction_over_a_value_changed_since_the_form_was_drawn_is_refused(fresh_store):
    at = _run({"sel": ["seed-shaafah-2018-11"]}, user=ANA)
    from geo.store import open_store

    store = open_store(str(fresh_store))
    store.edit("seed-shaafah-2018-11", {"actors": "Colleague's actors"},
               who=Identity("colleague", Role.ANALYST), reason="a colleague's correction")
    inputs = {t.label: t for t in at.text_input}
    inputs["Actors"].set_value("Mine")
    next(b for b in at.button if b.label == "Save the correction").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert any("the record changed after this form was drawn" in e.value
               for e in at.error)
    assert store.get("seed-shaafah-2018-11")["actors"] == "Colleague's actors"
    assert any("Not saved" in t.value for t in at.toast)


def test_a_moved_point_is_brought_into_the_maps_view_with_its_marker():
    """Trial 26: after moving a point 40 km the map stayed at the old one, the selected
    marker out of sight, until the link was opened again."""
    import json

    at = _run({"sel": ["seed-shaafah-2018-11"]}, user=ANA)
    old_lat, old_lon = at.session_state["map_view"][0]
    at.session_state["map_bounds"] = (old_lon - 0.05, old_lat - 0.05,
                                      old_lon + 0.05, old_lat + 0.05)
    inputs = {t.label: t for t in at.text_input}
    inputs["Latitude (decimal degrees, to move the point)"].set_value("34.62")
    inputs["Longitude (decimal degrees, to move the point)"].set_value("40.90")
    next(b for b in at.button if b.label == "Save the correction").click().run()
    assert not at.exception and not at.error
    assert at.session_state["map_request"][0] == (34.62, 40.9)
    (component,) = at.get("component_instance")
    text = json.loads(component.proto.json_args)["feature_group"]
    layer = json.JSONDecoder().raw_decode(text[text.index('{"agg":'):])[0]
    assert (layer["sel"]["lat"], layer["sel"]["lon"]) == (34.62, 40.9)
