"""Places moved whole on the Review page, kept as corrections in both stores.

The table ``place_corrections`` (a sibling of ``geocode_overrides``: the geocoder and the
spellings never read it) holds every such correction ever made, keyed by the name and
the source's point in 1e-5 degrees, with a partial unique index on that key among those
in force. Making one moves the records there in the same transaction (history per
field, its reason naming the correction); an import places the records of that name at
that point it adds or changes (:func:`place_imported`, in the import's transaction; the
preview counts them, :func:`placed_counts`); an undo puts the records still at the
analyst's point back to the source's. A store made before the table gets it when opened
(:func:`schema`), with the moves its history holds adopted as corrections
(:func:`adopt_moves`).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, TypeVar

from geo.access import Action, Identity, require
from geo.errors import Invalid, NotFound
from geo.geocoding.overrides import now_utc
from geo.geocoding.place_corrections import (
    MOVED_FIELDS,
    PLACED_PREFIX,
    PlaceCorrection,
    PlaceMove,
    PlaceUndo,
    move_reason,
    old_move,
    placed_reason,
    point_key,
    tag,
    undo_reason,
)
from geo.geocoding.place_points import ANALYST_SOURCE, GIVEN, REASON_PREFIX
from geo.geocoding.stored import GAZETTEER_SOURCES
from geo.store.edits import edit_in
from geo.store.learned import Dialect, Run, sibling
from geo.store.records import COLUMN_INDEX, EditConflict, Row

if TYPE_CHECKING:
    from geo.store.base import WriteTransaction

_T = TypeVar("_T")
TABLE = "place_corrections"
#: Partial index of the history rows of place moves (an undo reads those, not the history).
HISTORY_INDEX = "incident_history_place_moves"
#: Columns after ``fid``, in order (``from_lat``, ``from_lon``: the key in 1e-5 degrees).
COLUMNS = ("correction_id", "name", "from_lat", "from_lon", "from_latitude",
           "from_longitude", "latitude", "longitude", "geo_precision", "created_by",
           "created_at", "note", "records", "active", "undone_by", "undone_at")
_TYPES = {"from_lat": "bigint NOT NULL", "from_lon": "bigint NOT NULL",
          "geo_precision": "integer", "records": "integer NOT NULL DEFAULT 0",
          "active": "integer NOT NULL DEFAULT 1", "correction_id": "text UNIQUE"}
_FLOATS = ("from_latitude", "from_longitude", "latitude", "longitude")
_TOLERANCE = 0.6e-5  # a point is compared to 5 decimals (as the Review page lists it)
_ADOPTED = "a move made before place corrections were kept (from the history)"


def table(d: Dialect, name: str = TABLE) -> str:
    """A store table's name as SQL in this back end (schema-qualified in PostGIS)."""
    return sibling(d, name)


def schema(d: Dialect) -> list[str]:
    """Statements that add the table to a store (idempotent)."""
    pk = "bigserial PRIMARY KEY" if d.postgres else "INTEGER PRIMARY KEY AUTOINCREMENT"
    cols = ", ".join(
        f"{c} {_TYPES.get(c, 'double precision' if c in _FLOATS else 'text NOT NULL DEFAULT')}"
        + (" ''" if c not in _TYPES and c not in _FLOATS else "") for c in COLUMNS)
    collate = ' COLLATE "C"' if d.postgres else ""
    return [f"CREATE TABLE IF NOT EXISTS {table(d)} (fid {pk}, {cols})",
            f"CREATE UNIQUE INDEX IF NOT EXISTS place_corrections_in_force ON {table(d)} "
            "(name, from_lat, from_lon) WHERE active = 1",
            f"CREATE INDEX IF NOT EXISTS {HISTORY_INDEX} ON {table(d, 'incident_history')} "
            f"(reason{collate}) WHERE {_moves(d)}"]


def _moves(d: Dialect) -> str:
    """The history rows a place move or placement may have written (a range of reasons
    that holds both prefixes; the partial index's condition, written the same in the
    queries it serves)."""
    collate = ' COLLATE "C"' if d.postgres else ""
    return (f"reason{collate} >= '{REASON_PREFIX}' AND "
            f"reason{collate} < '{PLACED_PREFIX}~'")


def _from_row(row: Sequence[object]) -> PlaceCorrection:
    v = dict(zip(COLUMNS, row, strict=True))
    return PlaceCorrection(
        correction_id=str(v["correction_id"]), name=str(v["name"]),
        from_latitude=float(v["from_latitude"]),  # type: ignore[arg-type]
        from_longitude=float(v["from_longitude"]),  # type: ignore[arg-type]
        latitude=float(v["latitude"]), longitude=float(v["longitude"]),  # type: ignore[arg-type]
        precision=int(v["geo_precision"] or 1),  # type: ignore[call-overload]
        created_by=str(v["created_by"] or ""), created_at=str(v["created_at"] or ""),
        note=str(v["note"] or ""), records=int(v["records"] or 0),  # type: ignore[call-overload]
        active=bool(v["active"]), undone_by=str(v["undone_by"] or ""),
        undone_at=str(v["undone_at"] or ""))


def corrections(run: Run, d: Dialect) -> list[PlaceCorrection]:
    """Every place correction, undone ones included, oldest first."""
    return [_from_row(r) for r in run(f"SELECT {', '.join(COLUMNS)} FROM {table(d)} "
                                      "ORDER BY fid", ())]


def _active(run: Run, d: Dialect) -> dict[tuple[str, int, int], PlaceCorrection]:
    return {c.key: c for c in corrections(run, d) if c.active}


def _store(run: Run, d: Dialect, c: PlaceCorrection) -> PlaceCorrection:
    """Supersede the correction in force for ``c``'s key and store ``c`` with a new id."""
    name, lat, lon = c.key
    m = d.mark
    run(f"UPDATE {table(d)} SET active = 0, undone_by = {m}, undone_at = {m} "
        f"WHERE active = 1 AND name = {m} AND from_lat = {m} AND from_lon = {m}",
        (c.created_by, c.created_at, name, lat, lon))
    fid = int(run(f"SELECT coalesce(max(fid), 0) + 1 FROM {table(d)}", ())[0][0])  # type: ignore[call-overload]
    stored = replace(c, correction_id=f"p{fid}")
    values = (stored.correction_id, name, lat, lon, c.from_latitude, c.from_longitude,
              c.latitude, c.longitude, c.precision, c.created_by, c.created_at, c.note,
              c.records, 1 if c.active else 0, c.undone_by, c.undone_at)
    run(f"INSERT INTO {table(d)} (fid, {', '.join(COLUMNS)}) VALUES ({d.marks(len(values) + 1)})",
        (fid, *values))
    return stored


def _given(source: object) -> bool:
    """A point no geocoder and no analyst gave (one a place correction applies to)."""
    text = str(source or "")
    return text != ANALYST_SOURCE and not text.startswith(GAZETTEER_SOURCES)


def _ids_at(run: Run, d: Dialect, name: str, point: tuple[float, float]) -> list[str]:
    """Ids of the records named ``name`` at ``point`` that no geocoder placed."""
    m = d.mark
    # lower(place): the store's place index (a scan of a million records took 0.5 s);
    # SQLite's '+' keeps it from folding place = ? into lower(place) = lower(?)
    plain = "place" if d.postgres else "+place"
    rows = run(f"SELECT id, geocode_source FROM {d.incidents} WHERE lower(place) = "
               f"lower({m}) AND {plain} = {m} AND latitude BETWEEN {m} AND {m} "
               f"AND longitude BETWEEN {m} AND {m}",
               (name, name, point[0] - _TOLERANCE, point[0] + _TOLERANCE,
                point[1] - _TOLERANCE, point[1] + _TOLERANCE))
    return sorted(str(i) for i, source in rows
                  if not str(source or "").startswith(GAZETTEER_SOURCES))


def _relearning(tx: WriteTransaction, ids: Sequence[str], change: Callable[[], _T]) -> _T:
    """Change the table of corrections and what the records ``ids`` teach with it (an
    analyst's point teaches only where a correction in force put its name)."""
    before = tx.taught(ids)
    out = change()
    tx.relearn_records(before, ids)
    return out


def _check_target(latitude: float, longitude: float, precision: int) -> None:
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise Invalid("latitude/longitude out of range")
    if precision not in (1, 2, 3, 4):
        raise Invalid("precision must be 1, 2, 3 or 4")


def _where(name: str, point: tuple[float, float]) -> str:
    return f"{name} at {point[0]:.5f}, {point[1]:.5f}"


def _matches(row: Row, active: dict[tuple[str, int, int], PlaceCorrection]
             ) -> PlaceCorrection | None:
    lat, lon = row[COLUMN_INDEX["latitude"]], row[COLUMN_INDEX["longitude"]]
    name = row[COLUMN_INDEX["place"]]
    if lat is None or lon is None or not name or not _given(row[COLUMN_INDEX["geocode_source"]]):
        return None
    return active.get((str(name), point_key(lat), point_key(lon)))  # type: ignore[arg-type]


def _incoming(new: Sequence[Row], changed: Sequence[Row],
              active: dict[tuple[str, int, int], PlaceCorrection]
              ) -> dict[str, PlaceCorrection]:
    """The records an import adds or changes that a place correction in force places."""
    if not active:
        return {}
    names = {c.name for c in active.values()}
    place = COLUMN_INDEX["place"]
    found = {str(r[0]): _matches(r, active) for r in (*new, *changed) if r[place] in names}
    return {i: c for i, c in found.items() if c is not None}


def placed_counts(run: Run, d: Dialect, new: Sequence[Row], changed: Sequence[Row]
                  ) -> dict[str, int]:
    """Per name, how many of an import's added or changed records a place correction in
    force would place (for the preview; read without the write lock)."""
    placed = _incoming(new, changed, _active(run, d))
    return dict(Counter(c.name for c in placed.values()).most_common())


def held_counts(run: Run, d: Dialect, rows: Sequence[Row],
                existing: Mapping[str, tuple[Row, Row | None]]
                ) -> tuple[list[tuple[PlaceCorrection, int]], set[str]]:
    """Which incoming records a place correction in force keeps at its corrected point:
    those the file gives at the correction's name and source point that are stored at
    the analyst's point (an import leaves them there; trial 27: a re-import preview said
    "Nothing would change" of 53 records held so, as if the file's points were stored).

    Returns
    -------
    tuple
        Each correction holding records with how many (most first), and their ids.
    """
    active = _active(run, d)
    if not active:
        return [], set()
    held: dict[str, PlaceCorrection] = {}
    names = {c.name for c in active.values()}
    for row in rows:
        c = _matches(row, active) if row[COLUMN_INDEX["place"]] in names else None
        stored = existing.get(str(row[0])) if c is not None else None
        if c is None or stored is None:
            continue
        now = stored[0]
        lat, lon = now[COLUMN_INDEX["latitude"]], now[COLUMN_INDEX["longitude"]]
        if (lat is not None and lon is not None and now[COLUMN_INDEX["place"]] == c.name
                and now[COLUMN_INDEX["geocode_source"]] == ANALYST_SOURCE
                and (point_key(lat), point_key(lon))  # type: ignore[arg-type]
                == (point_key(c.latitude), point_key(c.longitude))):
            held[str(row[0])] = c
    counts = Counter(c.correction_id for c in held.values())
    by_id = {c.correction_id: c for c in held.values()}
    return [(by_id[i], n) for i, n in counts.most_common()], set(held)


def place_imported(tx: WriteTransaction, new: Sequence[Row], changed: Sequence[Row],
                   who: str, at: str) -> list[str]:
    """Move the records an import just wrote that a place correction in force places
    (in the import's transaction), each with its history; their ids."""
    placed = _incoming(new, changed, _active(tx.run, tx.dialect))
    if not placed:
        return []
    edit_in(tx, {i: c.moves() for i, c in placed.items()}, who,
            lambda i: placed_reason(placed[i]), at)
    return sorted(placed)


def _moved_ids(run: Run, d: Dialect, c: PlaceCorrection,
               chain: Sequence[PlaceCorrection]) -> dict[str, dict[str, str]]:
    """Records the corrections of ``c``'s place moved (their history says so, moves made
    before place corrections were kept too): id -> field -> value before the first."""
    m = d.mark
    cids = {x.correction_id for x in chain}
    points = {(point_key(x.latitude), point_key(x.longitude)) for x in chain} | {
        (point_key(c.from_latitude), point_key(c.from_longitude))}
    rows = run(f"SELECT incident_id, field, before, reason FROM {table(d, 'incident_history')} "
               f"WHERE {_moves(d)} AND field IN ({d.marks(len(MOVED_FIELDS))}) AND (reason "
               f"LIKE {m} OR reason LIKE {m}) ORDER BY fid",
               (*MOVED_FIELDS, REASON_PREFIX + "%", PLACED_PREFIX + "%"))
    out: dict[str, dict[str, str]] = {}
    for incident_id, column, before, reason in rows:
        text = str(reason or "")
        old = old_move(text)
        if tag(text) not in cids and not (
                old is not None and old[0] == c.name
                and (point_key(old[1]), point_key(old[2])) in points):
            continue
        out.setdefault(str(incident_id), {}).setdefault(str(column), str(before or ""))
    return out


@dataclass
class _OldMove:
    old: tuple[str, float, float]
    after: dict[str, float] = field(default_factory=dict)
    ids: set[str] = field(default_factory=set)


def adopt_moves(run: Run, d: Dialect) -> int:
    """Keep as place corrections the moves a store's history holds from before they were
    kept (each move of a place's records, oldest first; a move of a place an earlier
    move put there supersedes that one's correction). Returns how many are in force."""
    rows = run(f"SELECT incident_id, field, after, reason, who, at "
               f"FROM {table(d, 'incident_history')} WHERE field IN ('latitude', 'longitude') "
               f"AND reason LIKE {d.mark} ORDER BY fid", (REASON_PREFIX + "%",))
    moves: dict[tuple[str, str, str], _OldMove] = {}
    for incident_id, column, after, reason, who, at in rows:
        old = old_move(str(reason or ""))
        if old is None:
            continue
        move = moves.setdefault((str(reason), str(who), str(at)), _OldMove(old))
        move.after[str(column)] = float(str(after))
        move.ids.add(str(incident_id))
    for (_, who, at), move in moves.items():
        name, lat, lon = move.old
        if "latitude" not in move.after or "longitude" not in move.after:
            continue
        here = (point_key(lat), point_key(lon))
        earlier = next((c for c in _active(run, d).values() if c.name == name
                        and (point_key(c.latitude), point_key(c.longitude)) == here), None)
        source = (earlier.from_latitude, earlier.from_longitude) if earlier else (lat, lon)
        _store(run, d, PlaceCorrection(
            "", name, source[0], source[1], move.after["latitude"], move.after["longitude"],
            created_by=who, created_at=at[:19].replace(" ", "T"), note=_ADOPTED,
            records=len(move.ids)))
    return len(_active(run, d))


class StorePlaceCorrections(ABC):
    """The incident store's place corrections (see the module)."""

    @abstractmethod
    def _transaction(self) -> AbstractContextManager[WriteTransaction]:
        """Take the store's write lock and open a transaction; commit on success."""

    @abstractmethod
    def _run_read(self, statement: str, params: Sequence[object] = ()) -> list[tuple[object, ...]]:
        """Run one read-only statement."""

    @abstractmethod
    def _dialect(self) -> Dialect:
        """How this back end names its tables."""

    def place_corrections(self) -> list[PlaceCorrection]:
        """Every place correction, undone ones included, oldest first."""
        return corrections(self._run_read, self._dialect())

    def correct_place(self, name: str, source: tuple[float, float],
                      target: tuple[float, float, int], *, who: Identity,
                      drawn: Sequence[str], status: str = GIVEN,
                      reason: str = "") -> PlaceMove:
        """Move every record named ``name`` at ``source`` to ``target`` (latitude,
        longitude, precision) and keep the move as a correction, in one transaction.

        A place an earlier correction put at ``source`` keeps that correction's key (the
        source's point) and supersedes it.

        Parameters
        ----------
        drawn : sequence of str
            Ids of the records the analyst saw there; when the records there now differ,
            nothing is written.

        Raises
        ------
        Forbidden
            ``who`` may not correct records.
        Invalid
            A point out of range or a bad precision.
        EditConflict
            The records at ``source`` changed since the page was drawn.
        """
        from geo.store.base import now

        require(who, Action.EDIT)
        lat, lon, precision = float(target[0]), float(target[1]), int(target[2] or 1)
        _check_target(lat, lon, precision)
        made, at = now_utc(), now()
        with self._transaction() as tx:
            ids = _ids_at(tx.run, tx.dialect, name, source)
            if ids != sorted(drawn):
                raise EditConflict(
                    f"the records of {_where(name, source)} changed since this page was "
                    f"drawn ({len(drawn)} shown, {len(ids)} there now, "
                    f"{len(set(ids) ^ set(drawn))} different); look at it again")
            here = (point_key(source[0]), point_key(source[1]))
            earlier = next((c for c in _active(tx.run, tx.dialect).values() if c.name == name
                            and (point_key(c.latitude), point_key(c.longitude)) == here),
                           None)
            origin = (earlier.from_latitude, earlier.from_longitude) if earlier else source
            if (point_key(lat), point_key(lon)) == (point_key(origin[0]), point_key(origin[1])):
                raise Invalid(f"{_where(name, origin)} is the source's point: undo the "
                              "correction under Corrections in force instead")
            stored = _relearning(tx, ids, lambda: _store(tx.run, tx.dialect, PlaceCorrection(
                "", name, origin[0], origin[1], lat, lon, precision, who.label, made,
                reason.strip(), len(ids))))
            edit_in(tx, {i: stored.moves() for i in ids}, who.label,
                    move_reason(stored, len(ids), source, status), at)
            tx.bump_revision()
        return PlaceMove(stored, ids)

    def undo_place_correction(self, correction_id: str, *, who: Identity) -> PlaceUndo:
        """Undo a place correction: the records it moved that are still at its point go
        back to the source's point, with history; those an analyst moved since stay.

        Raises
        ------
        NotFound
            No place correction has this id.
        Invalid
            It is no longer in force.
        Forbidden
            It is someone else's and ``who`` is not an admin.
        """
        from geo.store.base import now

        made, at = now_utc(), now()
        with self._transaction() as tx:
            run, d = tx.run, tx.dialect
            every = corrections(run, d)
            c = next((x for x in every if x.correction_id == correction_id), None)
            if c is None:
                raise NotFound("place correction", correction_id)
            require(who, Action.UNDO_OWN if c.created_by == who.label else Action.UNDO_ANY)
            if not c.active:
                raise Invalid(f"place correction {correction_id} is already undone")
            befores = _moved_ids(run, d, c, [x for x in every if x.key == c.key])
            found = tx.fetch(sorted(befores))
            point = (point_key(c.latitude), point_key(c.longitude))
            origin = (point_key(c.from_latitude), point_key(c.from_longitude))
            back: list[str] = []
            left: list[str] = []
            for i in sorted(found):
                row = found[i][0]
                lat, lon = row[COLUMN_INDEX["latitude"]], row[COLUMN_INDEX["longitude"]]
                now_at = None if lat is None or lon is None else (
                    point_key(lat), point_key(lon))  # type: ignore[arg-type]
                if now_at == origin:  # back at the source's point already (an undo)
                    continue
                there = (now_at == point and row[COLUMN_INDEX["place"]] == c.name
                         and row[COLUMN_INDEX["geocode_source"]] == ANALYST_SOURCE)
                (back if there else left).append(i)
            # each record's own values before (the source's point to all its decimals;
            # the correction keeps it to 5), the correction's point where none is kept
            changes = {i: {"latitude": c.from_latitude, "longitude": c.from_longitude,
                           **{f: befores[i][f] for f in MOVED_FIELDS if f in befores[i]}}
                       for i in back}
            edit_in(tx, changes, who.label, undo_reason(c), at)
            _relearning(tx, _ids_at(run, d, c.name, (c.latitude, c.longitude)), lambda: run(
                f"UPDATE {table(d)} SET active = 0, undone_by = {d.mark}, undone_at = "
                f"{d.mark} WHERE correction_id = {d.mark}", (who.label, made, correction_id)))
            tx.bump_revision()
        return PlaceUndo(replace(c, active=False, undone_by=who.label, undone_at=made),
                         back, left)


def add_table(run: Run, d: Dialect) -> None:
    """Give a PostGIS store its table, adopting its history's moves when the table is new
    (in the caller's transaction, which holds the creation lock)."""
    new = run(f"SELECT to_regclass({d.mark}) IS NULL", (table(d),))[0][0]
    for statement in schema(d):
        run(statement, ())
    if new:
        adopt_moves(run, d)
