"""The map page in store mode on a store whose derived columns are far behind: it says
so and names the command (no traceback, no wait), and answers once the command ran."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from geo.geocoding.areas import default_areas
from geo.settings import load_settings
from geo.store.derived import backlog, sync_derived
from geo.store.pg_query import PostGISQuery
from tests.helpers.store_data import app_on_postgis, refuse_full_read

pytestmark = pytest.mark.postgis

APP = str(Path(__file__).resolve().parents[1] / "app.py")


def _rows() -> list[dict[str, str]]:
    return [{"id": f"b{i:02d}", "place": f"Place {i % 4}", "country": "SY",
             "latitude": f"{35.0 + i * 0.01:.4f}", "longitude": "38.0",
             "date_start": f"2016-03-{1 + i:02d}"} for i in range(12)]


def _run() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_a_store_far_behind_names_the_sync_command_then_answers_once_it_ran(
        postgis_url, monkeypatch):
    refuse_full_read(monkeypatch)
    monkeypatch.setenv("INCIDENT_MAP_QUERY_MODE", "store")
    monkeypatch.setenv("INCIDENT_MAP_SYNC_INLINE_MAX", "5")
    with app_on_postgis(postgis_url, monkeypatch, _rows()) as store:
        at = _run()
        (warning,) = at.warning
        assert "not ready for the map" in warning.value
        assert "python -m geo.store sync --location" in warning.value
        assert not at.get("component_instance")  # no map drawn meanwhile
        query = PostGISQuery(store, default_areas())
        assert backlog(query, load_settings()).waiting == 12  # the page computed nothing
        assert sync_derived(query, load_settings()) == 12
        at = _run()
        assert not at.warning
        assert at.get("component_instance")  # the map


def test_a_few_records_waiting_are_computed_by_the_page(postgis_url, monkeypatch):
    refuse_full_read(monkeypatch)
    monkeypatch.setenv("INCIDENT_MAP_QUERY_MODE", "store")
    monkeypatch.setenv("INCIDENT_MAP_SYNC_INLINE_MAX", "50")
    with app_on_postgis(postgis_url, monkeypatch, _rows()) as store:
        at = _run()
        assert not at.warning
        assert at.get("component_instance")
        query = PostGISQuery(store, default_areas())
        assert backlog(query, load_settings()).waiting == 0
