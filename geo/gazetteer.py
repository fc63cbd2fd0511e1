"""Places the geocoder can resolve: the project's own place file and its name index."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from geo.names import basic_key

#: Location precision codes, after ACLED's geo_precision (plus 4 for country level).
PRECISION_LABELS: dict[int, str] = {
    1: "site or town",
    2: "near / district",
    3: "region / governorate",
    4: "country",
}

PLACE_COLUMNS = (
    "id",
    "name",
    "aliases",
    "latitude",
    "longitude",
    "kind",
    "country",
    "admin1",
    "precision",
    "note",
)


@dataclass(frozen=True)
class Place:
    """One gazetteer entry.

    Attributes
    ----------
    gazetteer_id : str
        ``geonames:<id>`` or ``local:<slug>``.
    name : str
        Preferred name.
    aliases : tuple of str
        Other spellings, in any script.
    latitude, longitude : float
        WGS84 coordinates.
    kind : str
        Feature kind (city, town, camp, border crossing, country ...).
    country : str
        ISO 3166-1 alpha-2 code.
    admin1 : str
        First-level administrative area, as the source names it.
    precision : int
        Location precision a geocode to this place carries (see PRECISION_LABELS).
    population : int
        Population where known, else 0.
    """

    gazetteer_id: str
    name: str
    aliases: tuple[str, ...]
    latitude: float
    longitude: float
    kind: str
    country: str
    admin1: str
    precision: int
    population: int = 0

    @property
    def spellings(self) -> tuple[str, ...]:
        """The preferred name followed by every alias."""
        return (self.name, *self.aliases)


def load_place_file(path: Path) -> list[Place]:
    """Load the project's own place file (CSV with PLACE_COLUMNS).

    Parameters
    ----------
    path : Path
        CSV file; ``aliases`` are separated by ``|``.

    Returns
    -------
    list of Place
    """
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in PLACE_COLUMNS if c != "note" and c not in frame.columns]
    if missing:
        raise ValueError(f"{path}: missing columns {', '.join(missing)}")
    places = []
    for row in frame.itertuples(index=False):
        aliases = tuple(a.strip() for a in row.aliases.split("|") if a.strip())
        places.append(
            Place(
                gazetteer_id=row.id,
                name=row.name,
                aliases=aliases,
                latitude=float(row.latitude),
                longitude=float(row.longitude),
                kind=row.kind,
                country=row.country,
                admin1=row.admin1,
                precision=int(row.precision),
            )
        )
    return places


def build_name_index(places: list[Place]) -> dict[str, list[Place]]:
    """Map each normalised spelling to the places that carry it.

    Parameters
    ----------
    places : list of Place

    Returns
    -------
    dict
        ``basic_key(spelling) -> [Place, ...]``.
    """
    index: dict[str, list[Place]] = {}
    for place in places:
        for key in {basic_key(s) for s in place.spellings}:
            if key:
                index.setdefault(key, []).append(place)
    return index
