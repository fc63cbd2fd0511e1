"""The one interface of the incident stores, and the write logic both back ends share."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime

import pandas as pd

from geo.access import Action, Identity, require
from geo.errors import NotFound
from geo.geocoding.learned import LEARN_FIELDS
from geo.geocoding.learned_keys import LearnedKeyTable
from geo.geocoding.learned_table import LearnedTable
from geo.store import duplicates, learned_keys, revisions
from geo.store import learned as learned_sql
from geo.store.corrections import CorrectionTransaction, StoreCorrections
from geo.store.edits import edit_in
from geo.store.place_corrections import (
    StorePlaceCorrections,
    held_counts,
    place_imported,
    placed_counts,
)
from geo.store.plan import ImportPreview, incoming, plan_import
from geo.store.records import (
    COLUMN_INDEX,
    IMPORTED,
    Change,
    Conflict,
    DuplicateFlag,
    EditConflict,
    Row,
    apply_edit,
    diff,
    find_duplicates,
    import_counts,
    rows_to_frame,
    text,
)
from geo.store.values import (  # noqa: F401 - re-exported for the back ends
    Bounds,
    base_from_json,
    base_json,
    check_storable,
    iso_day,
    same_as_seen,
    split_bounds,
    with_flags,
)

HISTORY_COLUMNS: tuple[str, ...] = ("incident_id", "at", "who", "field", "before", "after",
                                     "reason")
DUPLICATE_COLUMNS: tuple[str, ...] = ("id_a", "id_b", "reason", "flagged_at", "status")
CANDIDATE_COLUMNS: tuple[str, ...] = ("id", "origin", "latitude", "longitude", "date_start",
                                      "date_end", "event_type", "place", "country")
CREATED = "(record)"
"""``field`` of the history row that records a record's creation."""


@dataclass
class UpsertResult:
    """What an import did to the store.

    Attributes
    ----------
    inserted, updated, unchanged : list of str
        Ids of the records new to the store, changed, and left as they were.
    changes : list of Change
        Every field changed in records that already existed.
    conflicts : list of Conflict
        Fields an updated source changed but an analyst had corrected (kept).
    duplicates : list of DuplicateFlag
        Likely duplicates across origins that involve the imported records.
    placed : list of str
        Ids of the records a place correction in force moved to the analyst's point.
    """

    inserted: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    duplicates: list[DuplicateFlag] = field(default_factory=list)
    placed: list[str] = field(default_factory=list)


class WriteTransaction(CorrectionTransaction, ABC):
    """The primitives a back end offers inside one locked write transaction."""

    @abstractmethod
    def fetch(self, ids: Sequence[str]) -> dict[str, tuple[Row, Row | None]]:
        """Stored row and last imported row of each id that exists."""

    @abstractmethod
    def insert(self, rows: Iterable[tuple[Row, str, Row]], at: str) -> None:
        """Insert (row, origin, imported row) triples (the imported row is the row itself)."""

    @abstractmethod
    def update(self, rows: Sequence[tuple[Row, Row | None]], at: str) -> None:
        """Overwrite records by id, each with the row as last imported (None: the row itself).

        The imported row is kept only where it differs from the stored one."""

    @abstractmethod
    def add_history(self, entries: Iterable[tuple[str, str, str, str, str, str, str]]) -> None:
        """Append history rows in :data:`HISTORY_COLUMNS` order."""

    @abstractmethod
    def add_duplicates(self, flags: Sequence[DuplicateFlag], at: str) -> None:
        """Record flags, keeping those already recorded (and their status)."""

    @abstractmethod
    def touch(self, ids: Iterable[str]) -> None:
        """Mark records as changed in this transaction (e.g. their duplicate flags)."""

    @abstractmethod
    def bump_revision(self) -> None:
        """Mark the store as changed (see :meth:`IncidentStore.revision`)."""

    @abstractmethod
    def run(self, statement: str, params: Sequence[object] = ()) -> list[tuple[object, ...]]:
        """Run one SQL statement of :mod:`geo.store.learned` in this transaction."""

    def relearn(self, origins: Collection[str] | None) -> None:
        """Recompute the learned places of these datasets (all when None)."""
        learned_sql.relearn(self.run, self.dialect, origins)

    def learn_new(self, after_fid: int, origins: Collection[str]) -> None:
        """Add what records inserted after ``after_fid`` teach (see :mod:`geo.store.learned`)."""
        learned_sql.learn_new(self.run, self.dialect, after_fid, origins)

    def taught(self, ids: Sequence[str]) -> Counter[learned_sql.PlaceKey]:
        """What the stored records with these ids teach (:func:`learned_sql.taught`)."""
        return learned_sql.taught(self.run, self.dialect, ids) if ids else Counter()

    def relearn_records(self, before: Counter[learned_sql.PlaceKey], ids: Sequence[str]) -> None:
        """Apply to the learned places what rewriting these records changed."""
        learned_sql.relearn_records(self.run, self.dialect, before, ids)

    def last_fid(self) -> int:
        """The largest incident ``fid`` so far."""
        return learned_sql.last_fid(self.run, self.dialect)

    @property
    @abstractmethod
    def dialect(self) -> learned_sql.Dialect:
        """How this back end names the tables of :mod:`geo.store.learned`."""


def feed(rows: Iterable[tuple[Row, str, Row]]) -> Iterator[tuple[Row, str, Row]]:
    """Pass rows on to the back end one at a time (a seam for crash tests)."""
    yield from rows


def now() -> str:
    """The current time in UTC, ISO 8601 to the millisecond, as history rows keep it."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class IncidentStore(StoreCorrections, StorePlaceCorrections, ABC):
    """Where incidents live: one interface over the embedded file and PostGIS.

    Every write runs in one transaction under a store-wide write lock: it happens
    whole or not at all, and concurrent writers (processes, app instances) queue.
    """

    kind: str = ""
    location: str = ""
    created: bool = False
    """Whether opening this store created it (see :func:`geo.store.open_store`)."""

    # -- writes -------------------------------------------------------------------------

    def upsert(
        self,
        incidents: pd.DataFrame,
        *,
        origin: str | Sequence[str] = "",
        who: Identity,
        action: Action = Action.IMPORT,
        source: str = "", rejected: int = 0,
    ) -> UpsertResult:
        """Insert new records and update changed ones, in one transaction.

        Parameters
        ----------
        incidents : pandas.DataFrame
            Validated incidents (output of :func:`geo.schema.validate_incidents`); ids unique.
        origin : str or sequence of str
            Dataset of each record (``acled``, ``ucdp``, a source name): duplicates are
            flagged only between different origins.
        who : Identity
            Who imports; recorded in the history of the records this changes.
        action : Action
            ``IMPORT`` or ``ACCEPT_EXTRACTED`` (both need the analyst role).
        source, rejected : str, int
            The file imported and its rows validation rejected: when given, a history
            row (``field`` :data:`IMPORTED`) records the import, counts and all.

        Returns
        -------
        UpsertResult
            Its likely duplicates are flagged after the commit, without the write lock.

        Raises
        ------
        Forbidden
            ``who`` may not do ``action``.
        """
        if action not in (Action.IMPORT, Action.ACCEPT_EXTRACTED):
            raise ValueError(f"upsert cannot {action.value}")
        require(who, action)
        rows, origins, ids = incoming(incidents, origin)
        at = now()
        with self._transaction() as tx:
            plan = plan_import(rows, origins, tx.fetch(ids))
            result = UpsertResult(plan.inserted, plan.updated, plan.unchanged, plan.changes,
                                  plan.conflicts)
            new, changed = plan.new, plan.rewritten
            after = tx.last_fid() if new else 0
            rewritten = [str(m[0]) for m, _ in changed]
            before = tx.taught(rewritten)
            if new:
                tx.insert(feed(new), at)
                tx.add_history(
                    (str(r[0]), at, who.label, CREATED, "", "created", "") for r, _, _ in new
                )
            if changed:
                tx.update(changed, at)
                tx.add_history(
                    (c.incident_id, at, who.label, c.field, c.before, c.after,
                     "source updated")
                    for c in result.changes
                )
            touched = set(result.inserted) | set(result.updated)
            if touched:
                # rewritten records change only what they taught; new records only add
                if rewritten:
                    tx.relearn_records(before, rewritten)
                if new:
                    tx.learn_new(after, {o for _, o, _ in new})
            if new or changed:  # records a place correction in force places
                result.placed = place_imported(tx, [r for r, _, _ in new],
                                               [m for m, _ in changed], who.label, at)
            if source:  # the import itself, beside the records it wrote
                tx.add_history([("", at, who.label, IMPORTED, "", import_counts(
                    result.inserted, result.updated, result.unchanged, rejected), source)])
            if touched or changed or source:
                tx.bump_revision()
        if touched:
            result.duplicates = self._flag_duplicates(rows, origins, touched)
        return result

    def preview_upsert(self, incidents: pd.DataFrame, *,
                       origin: str | Sequence[str] = "") -> ImportPreview:
        """What :meth:`upsert` would do with these incidents now, writing nothing.

        Read without the write lock, sorted as :meth:`upsert` sorts them; a write
        meanwhile may change the outcome. Raises as :meth:`upsert` does on bad rows.
        """
        rows, origins, ids = incoming(incidents, origin)
        existing = self._fetch(ids)
        plan = plan_import(rows, origins, existing)
        held, held_ids = held_counts(self._run_read, self._dialect(), rows, existing)
        # a place correction's records are said by ``held``, not field by field
        plan.held = [c for c in plan.held if c.incident_id not in held_ids]
        return replace(ImportPreview.of(plan), placed=placed_counts(
            self._run_read, self._dialect(), [r for r, _, _ in plan.new],
            [m for m, _ in plan.rewritten]), held=held, corrected_records=len(
                held_ids | {c.incident_id for c in [*plan.conflicts, *plan.held]}))

    @abstractmethod
    def _fetch(self, ids: Sequence[str]) -> dict[str, tuple[Row, Row | None]]:
        """Stored row and last imported row of each id that exists (a read)."""

    def _flag_duplicates(
        self, rows: Sequence[Row], origins: Sequence[str], touched: set[str]
    ) -> list[DuplicateFlag]:
        """Flag likely duplicates of the records just written (committed already).

        Candidates are read without the write lock through the spatial and date indexes,
        in windows around the batch's buckets (:mod:`geo.store.duplicates`), then paired,
        bounded per record (:func:`geo.store.records.find_duplicates`); the flags are
        written in their own short transaction. Each import looks after its own commit,
        so of two concurrent imports the later one sees the other's records.
        """
        batch = [(r, o) for r, o in zip(rows, origins, strict=True) if str(r[0]) in touched]
        dialect = self._dialect()
        wanted = duplicates.lookups((r for r, _ in batch), postgres=dialect.postgres)
        if not wanted:
            return []
        batch_origins = {o for _, o in batch}
        exclude = next(iter(batch_origins)) if len(batch_origins) == 1 else None
        candidates = duplicates.read_candidates(self._run_read, dialect, wanted,
                                                CANDIDATE_COLUMNS, exclude)
        if exclude is not None:
            if candidates.empty:
                return []
            own = pd.DataFrame(
                [[r[COLUMN_INDEX[c]] if c != "origin" else exclude for c in CANDIDATE_COLUMNS]
                 for r, _ in batch if r[COLUMN_INDEX["date_start"]]],
                columns=list(CANDIDATE_COLUMNS),
            )
            candidates = pd.concat([own, candidates], ignore_index=True)
        flags = find_duplicates(candidates, touched)
        if flags:
            with self._transaction() as tx:
                tx.add_duplicates(flags, now())
                tx.bump_revision()
        return flags

    def edit(
        self,
        incident_id: str,
        changes: Mapping[str, object],
        *,
        who: Identity,
        reason: str = "",
        expected: Mapping[str, object] | None = None,
    ) -> list[Change]:
        """Correct fields of one record and keep a history row per changed field.

        Parameters
        ----------
        incident_id : str
        changes : mapping
            Field to new value (as an analyst types it; None or '' empties it).
        who : Identity
            The analyst (recorded in the history).
        reason : str
            Why, in the analyst's words.
        expected : mapping, optional
            Field to the value the analyst saw; when the stored value differs (someone
            else changed it meanwhile), nothing is written and :class:`EditConflict` raised.

        Returns
        -------
        list of Change
            What changed (empty when the values were already so).

        Raises
        ------
        Forbidden
            ``who`` may not correct records.
        NotFound
            No record has this id.
        InvalidEdit
            The record would not validate.
        EditConflict
            See ``expected``.
        """
        require(who, Action.EDIT)
        at = now()
        with self._transaction() as tx:
            found = tx.fetch([incident_id])
            if incident_id not in found:
                raise NotFound("incident", incident_id)
            current, stored_base = found[incident_id]
            for name, seen in (expected or {}).items():
                stored = current[COLUMN_INDEX[name]] if name in COLUMN_INDEX else None
                if not same_as_seen(name, stored, seen):
                    raise EditConflict(
                        f"{incident_id}: {name} is now {text(stored)!r}, not {seen!r}"
                    )
            row = apply_edit(incident_id, current, changes)
            check_storable([row])
            changed = diff(incident_id, current, row)
            if changed:
                base = current if stored_base is None else stored_base
                learns = any(c.field in LEARN_FIELDS for c in changed)
                before = tx.taught([incident_id] if learns else [])
                tx.update([(row, None if row == base else base)], at)
                tx.add_history(
                    (c.incident_id, at, who.label, c.field, c.before, c.after, reason)
                    for c in changed
                )
                if learns:
                    tx.relearn_records(before, [incident_id])
                tx.bump_revision()
        return changed

    def edit_many(
        self,
        changes: Mapping[str, Mapping[str, object]],
        *,
        who: Identity,
        reason: str = "",
    ) -> list[Change]:
        """Correct fields of several records in one transaction, with their history (e.g.
        a geocoding correction moves every record of a place).

        Parameters
        ----------
        changes : mapping
            Incident id -> {field: new value}; ids no longer stored are skipped.
        who : Identity
        reason : str

        Returns
        -------
        list of Change

        Raises
        ------
        Forbidden
            ``who`` may not correct records.
        InvalidEdit
            A record would not validate (nothing is written).
        """
        require(who, Action.EDIT)
        if not changes:
            return []
        with self._transaction() as tx:
            return edit_in(tx, changes, who.label, reason, now())

    # -- learned places (geo.geocoding.learned.LearnedPlaceSource) ----------------------

    def learned_places(self) -> pd.DataFrame:
        """Every place learned from the stored records, with whether its source is on
        (:data:`geo.geocoding.learned.LEARNED_COLUMNS`)."""
        return learned_sql.learned_frame(self._run_read, self._dialect())

    def learned_table(self) -> LearnedTable:
        """:meth:`learned_places` as codes and value tables, read straight into arrays
        (no column of strings: what :class:`geo.geocoding.learned_index.LearnedNames`
        is built from)."""
        return learned_sql.learned_table(self._run_read, self._dialect())

    def learned_keys(self) -> LearnedKeyTable:
        """The learned places' distinct names and a reader of their rows (what a search
        term reads: :class:`geo.geocoding.learned_keys.LearnedKeys`)."""
        return learned_keys.read_keys(self._run_read, self._dialect())

    def learned_revision(self) -> int:
        """A number that grows whenever the learned places or their sources change."""
        return learned_sql.revision(self._run_read, self._dialect())

    def learned_sources(self) -> pd.DataFrame:
        """The datasets that taught places (:data:`geo.geocoding.learned.SOURCE_COLUMNS`):
        whether each is used, how many places and records, who switched it and when."""
        return learned_sql.sources_frame(self._run_read, self._dialect())

    def set_source_enabled(self, source: str, enabled: bool, *, who: Identity) -> None:
        """Let the geocoder use a dataset's learned places, or not (kept either way).

        Raises
        ------
        Forbidden
            ``who`` may not correct place names.
        geo.errors.NotFound
            No dataset of that name taught any place.
        """
        require(who, Action.CORRECT_PLACE)
        with self._transaction() as tx:
            if not learned_sql.set_enabled(tx.run, tx.dialect, source, enabled, who.label,
                                           now()):
                raise NotFound("learned source", source)

    def relearn(self) -> None:
        """Recompute every learned place from the stored records (one transaction)."""
        with self._transaction() as tx:
            tx.relearn(None)

    @abstractmethod
    def _run_read(self, statement: str, params: Sequence[object] = ()) -> list[tuple[object, ...]]:
        """Run one read-only SQL statement of :mod:`geo.store.learned`."""

    @abstractmethod
    def _dialect(self) -> learned_sql.Dialect:
        """How this back end names the tables of :mod:`geo.store.learned`."""

    def set_duplicate_status(self, id_a: str, id_b: str, status: str, *, who: Identity) -> None:
        """Mark a flagged pair ``dismissed`` (not the same event) or ``open`` again.

        Raises
        ------
        Forbidden
            ``who`` may not review duplicates.
        NotFound
            The pair is not flagged.
        """
        require(who, Action.REVIEW_DUPLICATES)
        if status not in ("open", "dismissed"):
            raise ValueError(f"unknown duplicate status {status!r}")
        a, b = sorted((id_a, id_b))
        with self._transaction() as tx:
            if not self._set_duplicate_status(tx, a, b, status):
                raise NotFound("duplicate flag", f"{a} / {b}")
            tx.add_history([(a, now(), who.label, "duplicate of " + b, "", status, "")])
            tx.touch((a, b))
            tx.bump_revision()

    @abstractmethod
    def _set_duplicate_status(self, tx: WriteTransaction, a: str, b: str, status: str) -> bool:
        """Set a flagged pair's status inside ``tx``; False when the pair is not flagged."""

    # -- reads --------------------------------------------------------------------------

    @abstractmethod
    def _transaction(self) -> AbstractContextManager[WriteTransaction]:
        """Take the store's write lock and open a transaction; commit on success."""

    @abstractmethod
    def query(
        self,
        *,
        date_from: date | str | None = None,
        date_to: date | str | None = None,
        bounds: Bounds | None = None,
        limit: int | None = None,
    ) -> pd.DataFrame:
        """Incidents whose dates overlap a range and/or whose point lies in map bounds.

        Runs in the database on its indexes. With a date range, undated incidents are
        left out; with bounds, incidents without coordinates are. Sorted by date, then id.

        Parameters
        ----------
        date_from, date_to : date or ISO str, optional
            Inclusive range; an incident dated to a month matches when the month overlaps.
        bounds : tuple, optional
            (west, south, east, north); west > east crosses the antimeridian.
        limit : int, optional

        Returns
        -------
        pandas.DataFrame
            Typed as :func:`geo.schema.validate_incidents` returns incidents.
        """

    @abstractmethod
    def incidents(self, *, with_flags: bool = False) -> pd.DataFrame:
        """Every stored incident, typed, in the order they were first stored.

        Parameters
        ----------
        with_flags : bool
            Add ``origin`` and ``possible_duplicates`` (ids flagged and not dismissed,
            joined by ``", "``) after the incident columns.
        """

    def changed_since(self, revision: int) -> pd.DataFrame:
        """The records written after a revision (inserted, corrected, re-flagged).

        With :meth:`revision`, what a cache needs to follow the store without reading it
        whole (see :mod:`geo.store.revisions`).

        Parameters
        ----------
        revision : int
            A value :meth:`revision` returned.

        Returns
        -------
        pandas.DataFrame
            Like ``incidents(with_flags=True)``, for those records only.
        """
        rows = self._run_read(revisions.changed_sql(self._dialect()), [int(revision)])
        frame = rows_to_frame([r[:-1] for r in rows])
        return with_flags(frame, [str(r[-1]) for r in rows], self.duplicates())

    @abstractmethod
    def get(self, incident_id: str) -> dict[str, object] | None:
        """One record as a dict of stored values, or None."""

    @abstractmethod
    def count(self) -> int:
        """Number of stored incidents."""

    @abstractmethod
    def history(self, incident_id: str | None = None) -> pd.DataFrame:
        """History rows (:data:`HISTORY_COLUMNS`) of one record, or of all, oldest first."""

    @abstractmethod
    def duplicates(self) -> pd.DataFrame:
        """Flagged likely duplicates (:data:`DUPLICATE_COLUMNS`)."""

    @abstractmethod
    def revision(self) -> int:
        """A number that grows with every committed change (for caches)."""

    def close(self) -> None:  # noqa: B027 - optional for back ends without resources
        """Release connections."""

    def __enter__(self) -> IncidentStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
