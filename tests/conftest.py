"""What every test gets: data paths in a temporary folder, and the store fixtures.

No test reads or writes the checkout's ``data/`` files (the store, analysts' corrections,
remembered column mappings): each test's settings point at its own temporary folder.
Tests that need a setting of their own set it with ``monkeypatch.setenv`` as usual.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

pytest_plugins = ["tests.helpers.store"]

#: Settings that name files the app writes, and the file each test gets instead.
ISOLATED_PATHS = {
    "INCIDENT_DB": "incidents.gpkg",
    "INCIDENT_MAP_OVERRIDES": "geocode_overrides.csv",
    "INCIDENT_MAP_MAPPINGS": "column_mappings.json",
}


@pytest.fixture(autouse=True)
def isolated_data_paths(tmp_path_factory: pytest.TempPathFactory,
                        monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Point every written data path at a fresh temporary folder for this test."""
    folder = tmp_path_factory.mktemp("data")
    for variable, name in ISOLATED_PATHS.items():
        monkeypatch.setenv(variable, str(folder / name))
    monkeypatch.delenv("INCIDENT_MAP_DATA", raising=False)
    # The app seeds only the default store; tests' stores are seeded like it.
    monkeypatch.setenv("INCIDENT_MAP_SEED", "yes")
    yield folder
