"""Small helpers shared by the store, ingest and export tests."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd

from geo.schema import validate_incidents

ROOT = Path(__file__).resolve().parents[2]


def incidents(rows: list[dict[str, str]]) -> pd.DataFrame:
    """Validated incidents from partial rows (defaults for the required fields)."""
    base = {"event_type": "airstrike", "claim_status": "reported"}
    raw = pd.DataFrame([{**base, **r} for r in rows], dtype=object).fillna("")
    result = validate_incidents(raw.astype(str))
    if result.errors:
        raise ValueError(result.errors)
    return result.incidents


@contextmanager
def app_on_postgis(postgis_url: str, monkeypatch, rows: list[dict[str, str]]) -> Iterator[Any]:
    """A PostGIS store of ``rows`` in a schema of its own, the app pointed at it (no seed).

    The schema is dropped afterwards. For page tests of the store-driven mode.
    """
    import psycopg

    from geo.store import open_store
    from tests.helpers.identities import ANALYST

    schema = f"test_{uuid.uuid4().hex[:10]}"
    location = f"{postgis_url}&schema={schema}"
    store = open_store(location)
    store.upsert(incidents(rows), origin="test", who=ANALYST)
    monkeypatch.setenv("INCIDENT_DB", location)
    monkeypatch.setenv("INCIDENT_MAP_SEED", "no")
    try:
        yield store
    finally:
        store.close()
        with psycopg.connect(postgis_url, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def refuse_full_read(monkeypatch) -> None:
    """Make building the shared frame of the whole store (``LiveDataset``) fail the test."""
    import geo.view.live

    def refuse(self, *args, **kwargs):
        raise AssertionError("the store was read whole in store-driven mode")

    monkeypatch.setattr(geo.view.live.LiveDataset, "__init__", refuse)
