"""What an import does to the store, worked out before it is written.

:func:`plan_import` sorts the incoming rows against the stored ones exactly as
:meth:`geo.store.base.IncidentStore.upsert` writes them (upsert calls it inside its
transaction), so the preview the Import page shows before the analyst commits
(:class:`ImportPreview`, from :meth:`IncidentStore.preview_upsert`) counts what the import
would do: new records, changed ones and which fields, unchanged ones, and the fields an
analyst corrected that the file would change (the correction is kept).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd

from geo.geocoding.place_corrections import PlaceCorrection
from geo.store.records import Change, Conflict, Row, diff, frame_to_rows, merge_import
from geo.store.values import check_storable


@dataclass
class ImportPlan:
    """The rows of one import sorted against the store.

    Attributes
    ----------
    inserted, updated, unchanged : list of str
        Ids new to the store, changed, and left as they were.
    changes : list of Change
        Every field the import changes in records already stored.
    conflicts : list of Conflict
        Fields the file changes but an analyst corrected (the correction is kept).
    held : list of Conflict
        Fields an analyst corrected that the file gives as last imported (unchanged
        records: the correction stays, the file says otherwise than the store).
    new : list of tuple
        ``(row, origin, row)`` to insert.
    rewritten : list of tuple
        ``(merged row, row as imported or None)`` to overwrite (every stored record
        whose imported row differs, changed or not: its last imported row is kept).
    """

    inserted: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    held: list[Conflict] = field(default_factory=list)
    new: list[tuple[Row, str, Row]] = field(default_factory=list)
    rewritten: list[tuple[Row, Row | None]] = field(default_factory=list)


def incoming(incidents: pd.DataFrame, origin: str | Sequence[str]
             ) -> tuple[list[Row], list[str], list[str]]:
    """An import's rows, the origin of each and their ids, checked.

    Raises
    ------
    geo.errors.Invalid
        The store would refuse a row (:func:`geo.store.values.check_storable`).
    ValueError
        Not one origin per row, or an id twice.
    """
    rows = frame_to_rows(incidents)
    check_storable(rows)
    origins = [origin] * len(rows) if isinstance(origin, str) else list(origin)
    if len(origins) != len(rows):
        raise ValueError("origin needs one value per incident")
    ids = [str(r[0]) for r in rows]
    if len(set(ids)) != len(ids):
        raise ValueError("incident ids in one import must be unique")
    return rows, origins, ids


def plan_import(rows: Sequence[Row], origins: Sequence[str],
                existing: Mapping[str, tuple[Row, Row | None]]) -> ImportPlan:
    """Sort incoming rows against the stored ones.

    Parameters
    ----------
    rows : sequence of Row
        Incoming records (:func:`geo.store.records.frame_to_rows`), ids unique.
    origins : sequence of str
        Dataset of each row.
    existing : mapping
        Id -> (stored row, row as last imported or None) of the ids already stored.

    Returns
    -------
    ImportPlan
    """
    plan = ImportPlan()
    for row, origin in zip(rows, origins, strict=True):
        incident_id = str(row[0])
        if incident_id not in existing:
            plan.new.append((row, origin, row))
            plan.inserted.append(incident_id)
            continue
        current, stored_base = existing[incident_id]
        base = current if stored_base is None else stored_base
        if base == row:
            plan.unchanged.append(incident_id)
            if current != row:  # an analyst's correction the file does not change
                plan.held.extend(Conflict(incident_id, c.field, c.after, c.before)
                                 for c in diff(incident_id, row, current))
            continue
        merged, changes, conflicts = merge_import(incident_id, row, current, base)
        plan.rewritten.append((merged, None if merged == row else row))
        plan.conflicts.extend(conflicts)
        if changes:
            plan.updated.append(incident_id)
            plan.changes.extend(changes)
        else:
            plan.unchanged.append(incident_id)
    return plan


@dataclass(frozen=True)
class ImportPreview:
    """What importing a file would do, counted before anything is written.

    Attributes
    ----------
    new, changed, unchanged : int
        Records the import would add, change, and leave as they are.
    fields : dict
        Field -> how many records the import would change it in, most first.
    kept : dict
        Field -> how many records keep an analyst's correction the file would change.
    examples : dict
        Field -> up to three ids of records whose field would change.
    kept_records : int
        Records keeping an analyst's correction of one field or more.
    placed : dict
        Name -> how many records it adds or changes a place correction in force would
        move to the analyst's point (:mod:`geo.store.place_corrections`).
    held : list of tuple
        Each place correction in force that keeps records of the file at its corrected
        point (the file gives them the source's point), with how many, most first.
    corrected_records : int
        Records keeping an analyst's correction of a field or held by a place correction
        (counted once).
    """

    new: int
    changed: int
    unchanged: int
    fields: dict[str, int]
    kept: dict[str, int]
    examples: dict[str, list[str]]
    kept_records: int = 0
    placed: dict[str, int] = field(default_factory=dict)
    held: list[tuple[PlaceCorrection, int]] = field(default_factory=list)
    corrected_records: int = 0

    @property
    def changes_nothing(self) -> bool:
        """True when the import would neither add nor change a record."""
        return self.new == 0 and self.changed == 0

    @classmethod
    def of(cls, plan: ImportPlan) -> ImportPreview:
        """The counts of a plan."""
        per_record = {(c.incident_id, c.field) for c in plan.changes}
        fields = Counter(f for _, f in per_record)
        corrected = [*plan.conflicts, *plan.held]
        kept = Counter(f for _, f in {(c.incident_id, c.field) for c in corrected})
        examples: dict[str, list[str]] = {}
        for c in plan.changes:
            ids = examples.setdefault(c.field, [])
            if len(ids) < 3 and c.incident_id not in ids:
                ids.append(c.incident_id)
        return cls(new=len(plan.inserted), changed=len(plan.updated),
                   unchanged=len(plan.unchanged), fields=dict(fields.most_common()),
                   kept=dict(kept.most_common()), examples=examples,
                   kept_records=len({c.incident_id for c in corrected}),
                   corrected_records=len({c.incident_id for c in corrected}))
