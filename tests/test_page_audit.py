"""The audit trail (AppTest): place corrections listed with who, when and why."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from geo.store import open_store
from tests.helpers.identities import analyst
from tests.helpers.store_data import incidents

APP = str(Path(__file__).resolve().parents[1] / "app.py")
AUTH = {"redirect_uri": "http://127.0.0.1:8501/oauth2callback", "cookie_secret": "s",
        "client_id": "c", "client_secret": "x",
        "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration"}


def test_the_audit_trail_lists_place_corrections(tmp_path, monkeypatch):
    path = tmp_path / "store.gpkg"
    monkeypatch.setenv("INCIDENT_DB", str(path))
    monkeypatch.setenv("INCIDENT_MAP_SEED", "no")
    monkeypatch.delenv("INCIDENT_MAP_DATA", raising=False)
    roles = tmp_path / "roles.toml"
    roles.write_text('admin = ["lead@example.org"]\n')
    monkeypatch.setenv("INCIDENT_MAP_ROLES", str(roles))
    store = open_store(path)
    store.upsert(incidents([{"id": "t1", "date": "2016-03-01", "place": "Tartus",
                             "country": "SY", "latitude": "34.7", "longitude": "35.7",
                             "geocode_source": "given"}]), origin="ucdp", who=analyst())
    store.correct_place("Tartus", (34.7, 35.7), (34.889, 35.886, 1),
                        who=analyst("alice"), drawn=["t1"], reason="the town")
    at = AppTest.from_file(APP, default_timeout=90)
    at.secrets["auth"] = AUTH
    at.user = {"is_logged_in": True, "email": "lead@example.org", "sub": "lead@example.org"}
    at.run()  # the audit page is there for an admin once signed in
    at.switch_page("pages/audit.py").run()
    assert not at.exception, [e.message for e in at.exception]
    places = next(d.value for d in at.dataframe if "from_latitude" in d.value.columns)
    assert places[["name", "created_by", "note", "active"]].to_dict("records") == [
        {"name": "Tartus", "created_by": "alice", "note": "the town", "active": True}]
    history = next(d.value for d in at.dataframe if "reason" in d.value.columns)
    assert history["reason"].str.contains("the town").any()
    at.multiselect(key="audit-who").set_value(["alice"]).run()
    assert not at.exception, [e.message for e in at.exception]
