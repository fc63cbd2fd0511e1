"""An app server in store-driven mode over a fresh PostGIS schema, for browser tests."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from geo.store import open_store
from tests.helpers.identities import ANALYST
from tests.helpers.store_data import incidents


@contextmanager
def store_mode_app(start_app: Callable[[dict[str, str]], Any], postgis_url: str,
                   rows: list[dict[str, str]], **env: str) -> Iterator[Any]:
    """Serve ``rows`` from a new schema of ``postgis_url`` in store mode; drop it afterwards.

    Parameters
    ----------
    start_app
        The ``start_app`` fixture of ``tests/e2e/conftest.py``.
    postgis_url
        The test database's URL (the ``postgis_url`` fixture).
    rows
        Incident rows as the import reads them.
    **env
        Further environment of the app server (``INCIDENT_MAP_TILES="none"``, say).

    Yields
    ------
    AppServer
        The running server.
    """
    import psycopg

    schema = f"test_{uuid.uuid4().hex[:10]}"
    location = f"{postgis_url}&schema={schema}"
    store = open_store(location)
    store.upsert(incidents(rows), origin="test", who=ANALYST)
    store.close()
    try:
        yield start_app({"INCIDENT_DB": location, "INCIDENT_MAP_QUERY_MODE": "store",
                         "INCIDENT_MAP_SEED": "no", **env})
    finally:
        with psycopg.connect(postgis_url, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
