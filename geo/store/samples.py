"""The sample incidents a new default store is seeded with: finding them, removing them
and putting them back.

A sample incident is a record the seed created (its history's last creation row is the
seed's, ``seed <file name>``) that nobody changed since (no later history row). Records
of the analyst's, and sample records an analyst corrected or a file re-imported, are
never removed. Removing writes one history row per record (field ``(removed)``), drops
the duplicate flags that name it and the places learned from it; the seed file
(``data/seed_incidents.csv``) puts them back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from geo.access import Action, Identity, require, system_identity
from geo.errors import Invalid
from geo.geocoding.join import geocode_incidents
from geo.geocoding.protocol import PlaceResolver
from geo.io.load import load_incidents
from geo.schema import INCIDENT_COLUMNS, RowError
from geo.settings import load_settings
from geo.store.base import CREATED, IncidentStore, UpsertResult, now

REMOVED = "(removed)"
"""``field`` of the history row that records a sample incident's removal."""
REMOVED_REASON = "sample incident removed"


@dataclass(frozen=True)
class Samples:
    """The seed file's incidents in a store.

    Attributes
    ----------
    present : tuple of str
        Ids of sample incidents as the seed wrote them (what removal takes out).
    changed : tuple of str
        Ids of seed records changed since (corrected, re-imported): kept.
    removed : tuple of str
        Ids of sample incidents removed (what :func:`restore_samples` puts back).
    absent : tuple of str
        Ids of the seed file not in the store, removed or never seeded.
    """

    present: tuple[str, ...]
    changed: tuple[str, ...]
    removed: tuple[str, ...]
    absent: tuple[str, ...]


def seed_path(path: str | Path | None = None) -> Path:
    """The seed file (default ``load_settings().incidents_path``)."""
    return Path(path) if path is not None else load_settings().incidents_path


def seed_account(path: str | Path | None = None) -> str:
    """The history's name of the seed that wrote a store's sample incidents."""
    return f"seed {seed_path(path).name}"


def _seed_records(
    source: Path, geocoder: Callable[[], PlaceResolver] | None, only: set[str] | None = None,
) -> tuple[pd.DataFrame, list[str], list[RowError]]:
    """The seed file's records (those of ``only`` ids), placed, with their origins."""
    loaded = load_incidents(source)
    records = loaded.incidents
    if only is not None:
        records = records[records["id"].astype(str).isin(only).to_numpy()].reset_index(drop=True)
    if geocoder is not None and (records["latitude"].isna() & (records["place"] != "")).any():
        records = geocode_incidents(records, geocoder())[list(INCIDENT_COLUMNS)]
    origins = [name or source.name for name in records["source_name"].tolist()]
    return records, origins, loaded.errors


def upsert_seed(
    store: IncidentStore,
    path: str | Path | None = None,
    geocoder: Callable[[], PlaceResolver] | None = None,
) -> tuple[UpsertResult, list[RowError]]:
    """Write the seed file's incidents into ``store`` as the seed (its history's name).

    Records with a place but no coordinates are placed by ``geocoder()`` first (called
    only when there are such records).
    """
    source = seed_path(path)
    records, origins, errors = _seed_records(source, geocoder)
    result = store.upsert(records, origin=origins, who=system_identity(seed_account(source)))
    return result, errors


def find_samples(store: IncidentStore, path: str | Path | None = None) -> Samples:
    """Which of the seed file's incidents ``store`` holds, and whether they are unchanged.

    Reads the seed file's ids and their history only (a few rows), never the store whole.
    """
    source = seed_path(path)
    account = seed_account(source)
    present, changed, removed, absent = [], [], [], []
    for incident_id in load_incidents(source).incidents["id"].astype(str):
        history = store.history(incident_id)
        if store.get(incident_id) is None:
            absent.append(incident_id)
            if len(history) and history["field"].iloc[-1] == REMOVED:
                removed.append(incident_id)
            continue
        created = history.index[history["field"] == CREATED]
        since = history.loc[created[-1]:] if len(created) else history
        if len(since) == 1 and str(since["who"].iloc[0]) == account:
            present.append(incident_id)
        else:
            changed.append(incident_id)
    return Samples(tuple(present), tuple(changed), tuple(removed), tuple(absent))


def remove_samples(store: IncidentStore, who: Identity,
                   path: str | Path | None = None) -> list[str]:
    """Remove the sample incidents nobody changed (:attr:`Samples.present`) in one
    transaction; the analyst's records are never touched.

    Parameters
    ----------
    store : IncidentStore
        An embedded store (GeoPackage); a PostGIS store's derived tables would not follow.
    who : Identity
        Who removes them (may import), named in each record's history.
    path : str or Path, optional
        The seed file (default ``data/seed_incidents.csv``).

    Returns
    -------
    list of str
        Ids removed.

    Raises
    ------
    Forbidden
        ``who`` may not import.
    Invalid
        ``store`` is not an embedded store.
    """
    require(who, Action.IMPORT)
    if store.kind != "geopackage":
        raise Invalid(f"sample incidents are removed from an embedded store only, not "
                      f"{store.kind}")
    ids = list(find_samples(store, path).present)
    if not ids:
        return []
    at = now()
    with store._transaction() as tx:  # noqa: SLF001 - the store's own package
        d = tx.dialect
        taught = tx.taught(ids)  # what they taught, taken from the learned places after
        marks = d.marks(len(ids))
        tx.run(f"DELETE FROM incident_duplicates WHERE id_a IN ({marks}) OR id_b IN ({marks})",
               (*ids, *ids))
        tx.run(f"DELETE FROM {d.incidents} WHERE id IN ({marks})", ids)
        tx.add_history((i, at, who.label, REMOVED, "", "", REMOVED_REASON) for i in ids)
        tx.relearn_records(taught, ids)
        tx.bump_revision()
    return ids


def restore_samples(
    store: IncidentStore, who: Identity, path: str | Path | None = None,
    geocoder: Callable[[], PlaceResolver] | None = None,
) -> list[str]:
    """Put back the sample incidents :func:`remove_samples` removed (only those: never
    over a record that has an id of the seed file, never into a store not seeded).

    Returns
    -------
    list of str
        Ids written back.
    """
    require(who, Action.IMPORT)
    removed = set(find_samples(store, path).removed)
    if not removed:
        return []
    source = seed_path(path)
    records, origins, _ = _seed_records(source, geocoder, removed)
    result = store.upsert(records, origin=origins, who=system_identity(seed_account(source)))
    return list(result.inserted)
