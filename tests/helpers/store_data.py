"""Small helpers shared by the store, ingest and export tests."""

from __future__ import annotations

from pathlib import Path

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
