"""Bring records imported by an earlier release up to today's mapping, without the file.

Two things changed in how UCDP GED and ACLED rows map (:mod:`geo.io.mappings`):

- UCDP's one-sided violence (``type_of_violence`` 3) and ACLED's violence against
  civilians are the event type ``attack on civilians``; they were ``other`` (ACLED's
  "Attack" sub-event ``ground attack``).
- UCDP's best estimate is a number, ``killed_best``; it was only written in the
  description ("UCDP best estimate: N deaths.").

Re-importing the source file does both, and keeps every analyst's correction (an import
merges with the source's earlier version). For a store whose files are gone,
:func:`migrate_records` makes the same changes from what the records hold: only where
the record still has the old mapping's value (a type an analyst chose is left alone),
as one correction per record with its history, by ``who``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from geo.access import Identity
from geo.schema import BEST_COLUMN
from geo.store.base import IncidentStore

ATTACK_ON_CIVILIANS = "attack on civilians"
REASON = ("mapping update: UCDP one-sided violence and ACLED violence against civilians "
          "are 'attack on civilians'; UCDP's best estimate is a number")
"""The reason the history gives for the changes."""
_BEST_IN_TEXT = re.compile(r"^UCDP best estimate: (\d+) deaths?\.")


@dataclass(frozen=True)
class Migration:
    """What :func:`migrate_records` changed (or would change).

    Attributes
    ----------
    retyped : int
        Records given the type ``attack on civilians``.
    best : int
        Records given their best estimate from their description.
    """

    retyped: int
    best: int


def pending_changes(incidents: pd.DataFrame) -> dict[str, dict[str, object]]:
    """The fields to correct per record id, as :meth:`IncidentStore.edit_many` takes them.

    Parameters
    ----------
    incidents : pandas.DataFrame
        Stored records (:data:`geo.schema.INCIDENT_COLUMNS`).

    Returns
    -------
    dict
        Incident id -> {field: value}; records already up to date are absent.
    """
    if incidents.empty:
        return {}
    text = {c: incidents[c].astype(str) for c in (
        "claimed_by", "event_type", "source_event_type", "source_sub_event_type",
        "description")}
    violence = pd.to_numeric(incidents["type_of_violence"], errors="coerce")
    ucdp = text["claimed_by"] == "UCDP GED"
    one_sided = ucdp & (violence == 3).fillna(False) & (text["event_type"] == "other")
    acled_vac = (text["claimed_by"] == "ACLED") & (
        text["source_event_type"].str.lower() == "violence against civilians")
    old_acled = text["source_sub_event_type"].str.lower().map(
        {"attack": "ground attack"}).fillna("other")
    retype = one_sided | (acled_vac & (text["event_type"] == old_acled))
    found = text["description"].str.extract(_BEST_IN_TEXT, expand=False)
    best = ucdp & found.notna() & incidents[BEST_COLUMN].isna()
    out: dict[str, dict[str, object]] = {}
    ids = incidents["id"].astype(str).to_numpy()
    for at in retype.to_numpy().nonzero()[0]:
        out.setdefault(ids[at], {})["event_type"] = ATTACK_ON_CIVILIANS
    for at in best.to_numpy().nonzero()[0]:
        out.setdefault(ids[at], {})[BEST_COLUMN] = int(found.iloc[at])
    return out


def migrate_records(store: IncidentStore, who: Identity, *, dry_run: bool = False
                    ) -> Migration:
    """Give the records of an earlier mapping today's type and best estimate.

    Parameters
    ----------
    store : IncidentStore
    who : Identity
        Recorded in each record's history (needs the analyst role).
    dry_run : bool
        Count only; write nothing.

    Returns
    -------
    Migration
    """
    changes = pending_changes(store.incidents())
    counts = Migration(sum("event_type" in c for c in changes.values()),
                       sum(BEST_COLUMN in c for c in changes.values()))
    if changes and not dry_run:
        store.edit_many(changes, who=who, reason=REASON)
    return counts
