"""Record corrections inside a write transaction: the body of ``edit_many``, shared with
the place corrections (:mod:`geo.store.place_corrections`), which move records in the same
transaction as the correction they write."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from geo.geocoding.learned import LEARN_FIELDS
from geo.store.records import Change, Row, apply_edits, diff
from geo.store.values import check_storable

if TYPE_CHECKING:
    from geo.store.base import WriteTransaction


def edit_in(tx: WriteTransaction, changes: Mapping[str, Mapping[str, object]], who: str,
            reason: str | Callable[[str], str], at: str) -> list[Change]:
    """Correct fields of several records in ``tx``, with a history row per changed field.

    Parameters
    ----------
    tx : WriteTransaction
    changes : mapping
        Incident id -> {field: new value}; ids no longer stored are skipped.
    who : str
        The account recorded in the history.
    reason : str or callable
        The history reason, or the reason of each id.
    at : str
        When (as history rows keep it).

    Returns
    -------
    list of Change

    Raises
    ------
    InvalidEdit
        A record would not validate (the caller's transaction is rolled back).
    """
    if not changes:
        return []
    why = reason if callable(reason) else (lambda _id: reason)
    found = tx.fetch(list(changes))
    updates: list[tuple[Row, Row | None]] = []
    done: list[Change] = []
    edits = [(i, found[i][0], fields) for i, fields in changes.items() if i in found]
    for (incident_id, current, _), row in zip(edits, apply_edits(edits), strict=True):
        stored_base = found[incident_id][1]
        changed = diff(incident_id, current, row)
        if changed:
            base = current if stored_base is None else stored_base
            updates.append((row, None if row == base else base))
            done.extend(changed)
    if updates:
        check_storable([row for row, _ in updates])
        learn = sorted({c.incident_id for c in done if c.field in LEARN_FIELDS})
        before = tx.taught(learn)
        tx.update(updates, at)
        tx.add_history(
            (c.incident_id, at, who, c.field, c.before, c.after, why(c.incident_id))
            for c in done
        )
        if learn:
            tx.relearn_records(before, learn)
        tx.bump_revision()
    return done
