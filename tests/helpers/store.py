"""Fixtures for the store tests: both back ends, the PostGIS one on a real local server.

The PostGIS server is started once per session by ``scripts/postgis.sh`` (which installs
Debian's packages when absent); each test gets its own schema, dropped afterwards.
The root conftest loads them for every test.
"""

from __future__ import annotations

import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from geo.store import IncidentStore, open_store
from tests.helpers.identities import ANALYST
from tests.helpers.store_data import ROOT

BACKENDS = ["gpkg", pytest.param("postgis", marks=pytest.mark.postgis)]

__all__ = ["BACKENDS", "postgis_location", "postgis_url", "store", "store_location",
           "synced_query"]


@pytest.fixture(scope="session")
def postgis_url() -> str:
    """URL of the local PostGIS server (started by scripts/postgis.sh)."""
    run = subprocess.run(
        ["bash", str(ROOT / "scripts" / "postgis.sh")],
        capture_output=True, text=True, timeout=600, check=False,
    )
    if run.returncode != 0:
        pytest.fail(f"scripts/postgis.sh failed:\n{run.stderr[-2000:]}")
    return run.stdout.strip().splitlines()[-1]


def _own_schema(url: str) -> Iterator[str]:
    import psycopg

    schema = f"test_{uuid.uuid4().hex[:10]}"
    yield f"{url}&schema={schema}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@pytest.fixture(params=BACKENDS)
def store_location(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Location of an empty store of each back end (a path, or a URL with its own schema)."""
    if request.param == "gpkg":
        yield str(tmp_path / "incidents.gpkg")
        return
    yield from _own_schema(request.getfixturevalue("postgis_url"))


@pytest.fixture
def postgis_location(postgis_url: str) -> Iterator[str]:
    """Location of an empty PostGIS store in a schema of its own, dropped afterwards.

    For tests of store mode only; mark them ``pytest.mark.postgis``.
    """
    yield from _own_schema(postgis_url)


@pytest.fixture
def store(store_location: str) -> Iterator[IncidentStore]:
    """An empty store of each back end."""
    opened = open_store(store_location)
    yield opened
    opened.close()


@contextmanager
def synced_query(location: str, rows: pd.DataFrame) -> Iterator[tuple[IncidentStore, Any, Any]]:
    """A PostGIS store at ``location`` holding ``rows``, as store mode reads it.

    Yields ``(store, live, query)``: the store, its :class:`geo.view.live.LiveDataset` and a
    :class:`geo.store.pg_query.PostGISQuery` with its area and search columns synced. The
    store is closed afterwards (the schema is the caller's fixture's to drop).
    """
    from geo.settings import load_settings
    from geo.store.pg_query import PostGISQuery
    from geo.store.pg_search import sync_search
    from geo.view.live import LiveDataset

    opened = open_store(location)
    try:
        opened.upsert(rows, origin="test", who=ANALYST)
        live = LiveDataset(opened)
        query = PostGISQuery(opened, live.areas)
        query.sync_areas()
        sync_search(query, load_settings())
        yield opened, live, query
    finally:
        opened.close()
