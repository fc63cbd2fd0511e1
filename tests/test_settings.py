"""Settings from the environment (geo/settings.py)."""

from __future__ import annotations

import os

import pytest

from geo.settings import (
    DATA_DIR,
    DEFAULT_ATTRIBUTION,
    DEFAULT_TILES,
    PROJECT_ROOT,
    Settings,
    load_settings,
)

VARIABLES = ("INCIDENT_MAP_TILES", "INCIDENT_MAP_ATTRIBUTION", "INCIDENT_MAP_DATA",
             "INCIDENT_MAP_PLACES", "INCIDENT_MAP_GAZETTEER", "INCIDENT_MAP_OVERRIDES",
             "INCIDENT_DB")


@pytest.fixture
def clean_env(monkeypatch):
    for name in (*VARIABLES, *(v for v in os.environ if v.startswith("INCIDENT_"))):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_defaults_without_environment(clean_env):
    settings = load_settings()
    assert settings == Settings()
    assert settings.tiles == DEFAULT_TILES and settings.attribution == DEFAULT_ATTRIBUTION
    assert settings.incidents_path == DATA_DIR / "seed_incidents.csv"
    assert settings.places_path == DATA_DIR / "places.csv"
    assert settings.database == str(DATA_DIR / "incidents.gpkg")
    assert DATA_DIR == PROJECT_ROOT / "data"


def test_environment_overrides_every_setting(clean_env, tmp_path):
    clean_env.setenv("INCIDENT_MAP_TILES", "https://tiles.internal/{z}/{x}/{y}.png")
    clean_env.setenv("INCIDENT_MAP_ATTRIBUTION", "Internal")
    clean_env.setenv("INCIDENT_MAP_DATA", str(tmp_path / "incidents.geojson"))
    clean_env.setenv("INCIDENT_MAP_PLACES", str(tmp_path / "places.csv"))
    clean_env.setenv("INCIDENT_MAP_GAZETTEER", str(tmp_path / "index.parquet"))
    clean_env.setenv("INCIDENT_MAP_OVERRIDES", str(tmp_path / "overrides.csv"))
    clean_env.setenv("INCIDENT_DB", "postgresql://localhost/incidents")
    settings = load_settings()
    assert settings.tiles == "https://tiles.internal/{z}/{x}/{y}.png"
    assert settings.attribution == "Internal"
    assert settings.incidents_path == tmp_path / "incidents.geojson"
    assert settings.places_path == tmp_path / "places.csv"
    assert settings.gazetteer_index_path == tmp_path / "index.parquet"
    assert settings.overrides_path == tmp_path / "overrides.csv"
    assert settings.database == "postgresql://localhost/incidents"


def test_relative_paths_are_resolved_against_the_project(clean_env):
    clean_env.setenv("INCIDENT_MAP_DATA", "data/other.csv")
    assert load_settings().incidents_path == PROJECT_ROOT / "data" / "other.csv"


def test_tiles_none(clean_env):
    clean_env.setenv("INCIDENT_MAP_TILES", "none")
    settings = load_settings()
    assert settings.tiles == "none"
    assert settings.attribution == DEFAULT_ATTRIBUTION


def test_empty_variables_mean_the_default(clean_env):
    for name in VARIABLES:
        clean_env.setenv(name, "")
    assert load_settings() == Settings()


def test_settings_are_read_at_each_call(clean_env):
    clean_env.setenv("INCIDENT_MAP_TILES", "none")
    assert load_settings().tiles == "none"
    clean_env.delenv("INCIDENT_MAP_TILES")
    assert load_settings().tiles == DEFAULT_TILES


def test_query_mode_and_its_threshold(clean_env):
    from geo.settings import load_settings as load

    assert (load().query_mode, load().store_query_above) == ("auto", 250_000)
    clean_env.setenv("INCIDENT_MAP_QUERY_MODE", " Store ")
    clean_env.setenv("INCIDENT_MAP_STORE_QUERY_ABOVE", "1000")
    assert (load().query_mode, load().store_query_above) == ("store", 1000)
    clean_env.setenv("INCIDENT_MAP_QUERY_MODE", "sql")
    with pytest.raises(ValueError, match="INCIDENT_MAP_QUERY_MODE must be one of frame"):
        load()
