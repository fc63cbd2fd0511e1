"""Small things an analyst sees on the map page, the same in both modes (AppTest,
PostGIS): a search with nothing to look for is named literally, in the link's notes
and under the search box; the downloads sit below the table (trial of issue 14)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.helpers.store_data import app_on_postgis

pytestmark = pytest.mark.postgis

APP = str(Path(__file__).resolve().parents[1] / "app.py")
ROWS = [{"id": f"r{i}", "place": "Raqqa", "country": "SY", "latitude": "35.95",
         "longitude": "39.01", "geo_precision": "1", "date_start": f"2016-03-0{i + 1}"}
        for i in range(3)]


def _walk(node):
    yield node
    for child in getattr(node, "children", {}).values():
        yield from _walk(child)


@pytest.mark.parametrize("mode", ["store", "frame"])
def test_what_was_not_searched_and_where_the_downloads_are(postgis_url, monkeypatch, mode):
    with app_on_postgis(postgis_url, monkeypatch, ROWS):
        monkeypatch.setenv("INCIDENT_MAP_QUERY_MODE", mode)
        at = AppTest.from_file(APP, default_timeout=180)
        at.query_params["q"] = ["%_';--"]
        at.run()
        assert not at.exception, [e.message for e in at.exception]
        assert any(c.value == "Search\\: “%\\_';\\-\\-” has no letter or digit to look for\\: "
                   "nothing was searched\\." for c in at.caption), [c.value for c in at.caption]
        literal = "Not searched\\: “%\\_';\\-\\-” \\(no letter or digit to look for\\)\\."
        assert any(c.value == literal for c in at.caption), [
            c.value for c in at.caption]
        assert any("**Showing 3 of 3 incidents**" in m.value for m in at.markdown)
        order = list(_walk(at.main))
        table = next(i for i, n in enumerate(order) if getattr(n, "type", "") == "subheader"
                     and str(getattr(n, "value", "")).startswith("Incidents in view"))
        export = next(i for i, n in enumerate(order) if getattr(n, "key", None) ==
                      "export-format")
        assert table < export  # the downloads below the table, in both modes


@pytest.mark.parametrize("mode", ["store", "frame"])
def test_a_chosen_type_with_nothing_in_view_says_what_there_is(postgis_url, monkeypatch,
                                                               mode):
    # trial of issue 14: beside UCDP (clashes / other only), "airstrike" was offered
    # because one sample incident has it, and gave 0 with no hint
    rows = [{**r, "event_type": "clashes"} for r in ROWS] + [
        {"id": "old", "place": "Raqqa", "country": "SY", "latitude": "35.95",
         "longitude": "39.01", "geo_precision": "1", "date_start": "2014-09-01",
         "event_type": "airstrike"}]
    with app_on_postgis(postgis_url, monkeypatch, rows):
        monkeypatch.setenv("INCIDENT_MAP_QUERY_MODE", mode)
        at = AppTest.from_file(APP, default_timeout=180)
        at.query_params["type"] = ["airstrike"]
        at.query_params["d"] = ["2016-03-01", "2016-03-03"]
        at.run()
        assert not at.exception, [e.message for e in at.exception]
        assert any("**Showing 0 of 4 incidents**" in m.value for m in at.markdown)
        note = next(c.value for c in at.caption if c.value.startswith("No incident in view"))
        assert "event type airstrike\\: with every type, these filters show 3\\." in note
        assert "Type of violence \\(UCDP\\) and Actor may say more" in note
        at.multiselect(key="f_types").set_value(["airstrike", "clashes"]).run()
        assert not any(c.value.startswith("No incident in view") for c in at.caption)
