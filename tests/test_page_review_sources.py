"""The review page's "Learned places" section (AppTest): the sources with their counts, a
switch per source for analysts (read-only for viewers), and where sources disagree."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from geo.schema import validate_incidents
from geo.store import open_store
from tests.helpers.identities import ANALYST
from tests.test_page_review import AUTH

APP = str(Path(__file__).resolve().parents[1] / "app.py")


def _rows(rows: list[dict[str, str]]) -> pd.DataFrame:
    base = {"date_start": "2016-07-01", "country": "SY", "event_type": "airstrike",
            "claim_status": "reported", "admin1": "Hama", "geo_precision": "1",
            "geocode_source": "given"}
    return validate_incidents(pd.DataFrame([{**base, **r} for r in rows], dtype=str)
                              .fillna("")).incidents


@pytest.fixture
def db(tmp_path, monkeypatch):
    path = tmp_path / "store.gpkg"
    monkeypatch.setenv("INCIDENT_DB", str(path))
    monkeypatch.setenv("INCIDENT_MAP_OVERRIDES", str(tmp_path / "absent.csv"))
    store = open_store(path)
    store.upsert(_rows([
        {"id": f"u{i}", "place": "Kafr Zetqa village", "latitude": "35.37",
         "longitude": "36.60"} for i in range(3)
    ] + [{"id": "u9", "place": "Tall Qirq", "latitude": "35.10", "longitude": "36.20"}]),
        origin="ucdp", who=ANALYST)
    store.upsert(_rows([
        {"id": "a1", "place": "Kafr Zetqa", "latitude": "35.90", "longitude": "36.90"},
    ]), origin="acled", who=ANALYST)
    return path


def _review(user: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.switch_page("pages/review.py")
    if user:
        at.secrets["auth"] = AUTH
        at.user = {"is_logged_in": True, "email": user, "sub": user}
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_sources_are_listed_with_counts_and_their_disagreements(db):
    at = _review()
    assert "Learned places" in [h.value for h in at.subheader]
    ucdp, acled = at.toggle(key="learned-source-ucdp"), at.toggle(key="learned-source-acled")
    assert ucdp.value and acled.value and not ucdp.disabled
    text = " ".join(m.value for m in at.markdown)
    assert "1 name where sources disagree" in text
    table = next(d for d in at.dataframe if "km apart" in d.value.columns).value
    assert table[["name", "source", "records", "other source", "its records"]].values.tolist() \
        == [["Kafr Zetqa village", "ucdp", 3, "acled", 1]]
    assert 60 < table.at[0, "km apart"] < 70
    # places and records per source, in the row of its switch
    written = [m.value for m in at.markdown if m.value.replace(",", "").isdigit()]
    assert written[:3] == ["1", "1", "1"]  # acled: 1 place, 1 record, 1 disputed name
    assert written[3:6] == ["2", "4", "1"]  # ucdp: 2 places, 4 records, 1 disputed name


def test_an_analyst_switches_a_source_off_and_on(db):
    at = _review()
    at.toggle(key="learned-source-acled").set_value(False).run()
    assert not at.exception, [e.message for e in at.exception]
    sources = open_store(db).learned_sources().set_index("source")
    assert not sources.at["acled", "enabled"] and sources.at["ucdp", "enabled"]
    assert sources.at["acled", "changed_by"]  # who switched it is recorded
    assert not at.toggle(key="learned-source-acled").value
    at.toggle(key="learned-source-acled").set_value(True).run()
    assert not at.exception
    assert open_store(db).learned_sources().set_index("source").at["acled", "enabled"]


def test_a_viewer_sees_the_sources_read_only(db, tmp_path, monkeypatch):
    roles = tmp_path / "roles.toml"
    roles.write_text('analyst = ["ana@example.org"]\n')
    monkeypatch.setenv("INCIDENT_MAP_ROLES", str(roles))
    viewer = _review("vic@example.org")
    toggle = viewer.toggle(key="learned-source-acled")
    assert toggle.disabled and toggle.value
    assert any("**viewer**" in i.value for i in viewer.info)
    assert open_store(db).learned_sources().set_index("source").at["acled", "enabled"]
    analyst = _review("ana@example.org")
    assert not analyst.toggle(key="learned-source-acled").disabled
