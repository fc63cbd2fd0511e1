"""Tiny incidents, places and a stub geocoder, built in code for the engine tests.

Imported by the test modules (``from _incident_factories import ...``); pytest puts
``tests/`` on ``sys.path`` because the folder has no ``__init__.py``.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

import geopandas as gpd
import pandas as pd

from geo.geocoding.gazetteer import Place
from geo.geocoding.geocoder import Candidate, GeocodeResult
from geo.geocoding.join import build_incident_frame
from geo.geocoding.names import basic_key
from geo.geocoding.overrides import OverrideStore
from geo.schema import INCIDENT_COLUMNS, validate_incidents

BASE_ROW: dict[str, str] = {
    "id": "inc-1",
    "event_type": "airstrike",
    "claim_status": "alleged",
}

SHAAFAH = Place(
    gazetteer_id="local:al-shaafah",
    name="al-Shaafah",
    aliases=("Ash Sha'fah", "Shaafah", "الشعفة"),
    latitude=34.56778,
    longitude=40.93417,
    kind="town",
    country="SY",
    admin1="Deir-ez-Zor",
    precision=1,
)
RAQQAH = Place(
    gazetteer_id="local:raqqah",
    name="Raqqah",
    aliases=("ar-Raqqah", "Raqqa", "الرقة"),
    latitude=35.95,
    longitude=39.01,
    kind="city",
    country="SY",
    admin1="Raqqa",
    precision=1,
)
# Two different places both called "Tanf": the name alone is ambiguous.
TANF_BASE = Place("local:tanf-base", "Tanf base", ("Tanf",), 33.50583, 38.61778,
                  "military base", "SY", "Rural Damascus", 1)
TANF_CROSSING = Place("local:tanf-crossing", "Tanf crossing", ("Tanf",), 33.4332, 38.9374,
                      "border crossing", "SY", "Rural Damascus", 1)
DEIR_REGION = Place("local:deir-region", "Deir ez-Zor governorate", ("Deir ez-Zor",),
                    35.0, 40.5, "region", "SY", "Deir-ez-Zor", 3)
SYRIA = Place("local:syria", "Syria", ("Suriya", "سوريا"), 35.0, 38.5, "country", "SY", "", 4)

PLACES: tuple[Place, ...] = (SHAAFAH, RAQQAH, TANF_BASE, TANF_CROSSING, DEIR_REGION, SYRIA)


class StubGeocoder:
    """Exact-spelling geocoder with the public ``geocode`` seam of geo.geocoding.geocoder.Geocoder.

    One place with the spelling -> resolved, several -> ambiguous, none -> unresolved.
    Independent of the real geocoder's ranking, which is being rewritten.
    """

    gazetteer = None
    overrides = OverrideStore(None)

    def __init__(self, places: Sequence[Place] = PLACES) -> None:
        self.places = list(places)
        self.calls: list[tuple[str, str | None, str | None]] = []

    def geocode(
        self,
        name: str,
        *,
        country: str | None = None,
        admin1: str | None = None,
        context: Sequence[str] = (),
    ) -> GeocodeResult:
        self.calls.append((name, country, admin1))
        key = basic_key(name)
        matches = [
            p for p in self.places
            if key in {basic_key(s) for s in p.spellings}
            and (not country or p.country == country.upper())
        ]
        if not matches:
            return GeocodeResult(name, "unresolved")
        status = "resolved" if len(matches) == 1 else "ambiguous"
        return GeocodeResult(name, status, tuple(Candidate(p, 1 / len(matches)) for p in matches))


def row(**values: object) -> dict[str, str]:
    """One raw incident row (strings), valid unless ``values`` say otherwise."""
    return {**BASE_ROW, **{k: "" if v is None else str(v) for k, v in values.items()}}


def raw_frame(rows: Sequence[dict[str, str]]) -> pd.DataFrame:
    """Rows as the string frame load_incidents hands to validate_incidents."""
    frame = pd.DataFrame(list(rows), dtype=str).fillna("")
    for column in BASE_ROW:  # an empty input still has the header of a file
        if column not in frame:
            frame[column] = pd.Series(dtype=str)
    return frame


def incidents(*rows: dict[str, str]) -> pd.DataFrame:
    """Typed incident records of valid rows (fails the test if any row is invalid)."""
    result = validate_incidents(raw_frame(rows), source="factory")
    assert not result.errors, [str(e) for e in result.errors]
    return result.incidents


def joined(*rows: dict[str, str], places: Sequence[Place] = PLACES) -> gpd.GeoDataFrame:
    """Valid rows geocoded with a StubGeocoder and joined into the incident frame."""
    return build_incident_frame(incidents(*rows), StubGeocoder(places))


def write_csv(path: Path, rows: Sequence[dict[str, str]], columns: Sequence[str] = ()) -> Path:
    """Write rows as a UTF-8 CSV with ``columns`` (default: every incident column)."""
    columns = list(columns) or list(INCIDENT_COLUMNS)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="raise")
        writer.writeheader()
        for r in rows:
            writer.writerow({c: r.get(c, "") for c in columns})
    return path


def write_table(path: Path, header: Sequence[str], rows: Sequence[Sequence[str]]) -> Path:
    """Write a header and rows of cells as a UTF-8 CSV, exactly as given (any columns)."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path
