"""The grid refresh's lock is per schema: stores sharing a database do not queue."""

from __future__ import annotations

import uuid

import psycopg
import pytest

from geo.errors import StoreUnavailable
from geo.store import open_store
from geo.store.pg_grid import grid_revision, refresh_grid
from geo.store.pg_query import PostGISQuery
from geo.view.live import LiveDataset
from tests.helpers.identities import ANALYST
from tests.helpers.store_data import incidents


def _rows(prefix: str) -> list[dict[str, str]]:
    return [{"id": f"{prefix}{i}", "place": "Aleppo", "country": "SY",
             "latitude": str(36.2 + i / 100), "longitude": "37.15",
             "date_start": f"2016-03-{1 + i:02d}", "event_type": "shelling"}
            for i in range(5)]


@pytest.fixture
def two_stores(postgis_url):
    schemas = [f"test_{uuid.uuid4().hex[:10]}" for _ in range(2)]
    stores = [open_store(f"{postgis_url}&schema={s}") for s in schemas]
    for store, prefix in zip(stores, "ab", strict=True):
        store.upsert(incidents(_rows(prefix)), origin="test", who=ANALYST)
    yield stores
    for store in stores:
        store.close()
    with psycopg.connect(postgis_url, autocommit=True) as conn:
        for schema in schemas:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def test_a_refresh_does_not_wait_for_another_schemas_refresh(two_stores, postgis_url):
    first, second = two_stores
    query = PostGISQuery(second, LiveDataset(second).areas)
    with psycopg.connect(postgis_url, autocommit=True) as other:
        # another session refreshing the first store's grid holds its lock
        other.execute("SELECT pg_advisory_lock(hashtext(%s))",
                      (f"incident-map:grid:{first.schema}",))
        # waiting for it would fail here rather than hang the test
        query.store.connection().execute("SET lock_timeout = '10s'")
        assert refresh_grid(query)
        assert grid_revision(query) == second.revision()
        # the same schema's lock is honoured: its refresh waits (and times out here)
        other.execute("SELECT pg_advisory_lock(hashtext(%s))",
                      (f"incident-map:grid:{second.schema}",))
        second.upsert(incidents(_rows("c")), origin="test", who=ANALYST)
        query.store.connection().execute("SET lock_timeout = '200ms'")
        with pytest.raises(StoreUnavailable, match="lock timeout"):
            refresh_grid(query)
        query.store.connection().execute("RESET lock_timeout")
