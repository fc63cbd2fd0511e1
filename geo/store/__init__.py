"""Where incidents live: one interface, two back ends chosen by one setting.

May import: geo.settings, geo.vocab, geo.errors, geo.schema, geo.io, geo.geocoding.

``INCIDENT_DB`` (see :mod:`geo.settings`) is either a path, for the embedded GeoPackage
file (default ``data/incidents.gpkg``), or a ``postgresql://`` URL, for PostGIS.

Typical use::

    store = open_store()          # the configured store
    seed_store(store)             # first start: load data/seed_incidents.csv
    frame = store.incidents()     # typed like geo.schema.validate_incidents output
    store.query(date_from="2017-10-01", date_to="2017-10-31", bounds=(35, 32, 42, 37))
    alice = Identity("alice@example.org", Role.ANALYST)
    store.edit("seed-raqqah-2017-10", {"killed_min": 3}, who=alice, reason="new report")
    store.add_correction("Tal Abyad", country="SY", gazetteer_id="geonames:163750", who=alice)
    store.history("seed-raqqah-2017-10")
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from geo.access import system_identity
from geo.geocoding.overrides import OverrideStore
from geo.geocoding.protocol import PlaceResolver
from geo.schema import RowError
from geo.settings import PROJECT_ROOT, load_settings
from geo.store.base import (
    DUPLICATE_COLUMNS,
    HISTORY_COLUMNS,
    Bounds,
    IncidentStore,
    UpsertResult,
)
from geo.store.records import Change, Conflict, DuplicateFlag, EditConflict, InvalidEdit
from geo.store.samples import Samples, find_samples, remove_samples, restore_samples, upsert_seed

__all__ = [
    "DUPLICATE_COLUMNS",
    "HISTORY_COLUMNS",
    "Bounds",
    "Change",
    "Conflict",
    "DuplicateFlag",
    "EditConflict",
    "IncidentStore",
    "InvalidEdit",
    "Samples",
    "UpsertResult",
    "find_samples",
    "is_database_url",
    "move_corrections",
    "open_store",
    "origins_of",
    "remove_samples",
    "restore_samples",
    "seed_store",
]


def is_database_url(location: str) -> bool:
    """Whether ``location`` names a PostgreSQL database rather than a file."""
    return location.startswith(("postgresql://", "postgres://"))


def open_store(location: str | Path | None = None, *, create: bool = True) -> IncidentStore:
    """Open (and create when it does not exist) the incident store.

    An existing file that is not an incident store (empty, another kind of file, a
    GeoPackage without the store's tables) is refused, never overwritten or added to.
    ``store.created`` says whether this call created the store.

    Parameters
    ----------
    location : str or Path, optional
        A ``postgresql://`` URL (``?schema=NAME`` selects a schema) or a ``.gpkg`` path
        (relative paths are taken from the project root). Defaults to
        ``load_settings().database``, i.e. ``INCIDENT_DB``.
    create : bool
        Create a store that does not exist yet (else refuse it).

    Returns
    -------
    IncidentStore

    Raises
    ------
    geo.errors.StoreUnavailable
    """
    where = str(location) if location is not None else load_settings().database
    if is_database_url(where):
        from geo.store.postgis import PostGISStore

        return PostGISStore(where, create=create)
    from geo.store.gpkg import GeoPackageStore

    path = Path(where)
    return GeoPackageStore(path if path.is_absolute() else PROJECT_ROOT / path, create=create)


def origins_of(source_names: list[str], fallback: str) -> list[str]:
    """Origin of each record of the project's own format: its source, else the file."""
    return [name or fallback for name in source_names]


def seed_store(
    store: IncidentStore,
    path: str | Path | None = None,
    geocoder: Callable[[], PlaceResolver] | None = None,
) -> tuple[UpsertResult | None, list[RowError]]:
    """Load the shipped seed incidents into a store this process has just created.

    A store that existed before (even an empty one) is never seeded: seed incidents in a
    team's store, or in a store the analyst meant to open under another name, would be
    taken for data. Whether a new store is seeded at all is the caller's decision (the
    app seeds the default store only, see ``INCIDENT_MAP_SEED`` in :mod:`geo.settings`).

    Parameters
    ----------
    store : IncidentStore
    path : str or Path, optional
        Defaults to ``load_settings().incidents_path`` (``data/seed_incidents.csv``).
    geocoder : callable, optional
        Gives the geocoder that places records with a place but no coordinates before
        they are stored (called only when the store is empty and such records exist).

    Returns
    -------
    tuple
        The import result (None when the store was not new, or not empty) and the
        seed file's row errors.
    """
    if not store.created or store.count():
        return None, []
    return upsert_seed(store, path, geocoder)


def move_corrections(store: IncidentStore, path: str | Path | None = None) -> int:
    """Move the corrections of a CSV file (the old ``data/geocode_overrides.csv``) into
    a store that has none yet; the file is left as it was.

    Parameters
    ----------
    store : IncidentStore
    path : str or Path, optional
        Defaults to ``load_settings().overrides_path`` (``INCIDENT_MAP_OVERRIDES``).

    Returns
    -------
    int
        How many corrections were moved (0 when the file is absent or the store
        already holds corrections).
    """
    source = Path(path) if path is not None else load_settings().overrides_path
    if not source.exists() or store.corrections():
        return 0
    records = OverrideStore(source).all()
    return store.import_corrections(records, who=system_identity(f"corrections {source.name}"))
