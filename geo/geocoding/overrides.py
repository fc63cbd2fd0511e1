"""Analysts' geocoding corrections: a name (in a context) placed once, for good.

Each correction maps a place name, optionally within a country and a first-level
admin area, either to a gazetteer id or to a hand-placed pin (latitude, longitude,
precision). It applies to every present and future record with that name in that
context. Nothing is ever deleted: undoing a correction marks it inactive with who
undid it and when, so the corrections stay an audit trail.

Where corrections live is not this module's business: the incident store keeps them
(shared by every app instance, in transactions; see :mod:`geo.store`) and implements
:class:`CorrectionStore`; :class:`OverrideStore` keeps them in a CSV file for the
command line and the read-only file mode. The geocoder reads an :class:`OverrideIndex`,
an immutable snapshot.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol, runtime_checkable

from geo.access import Action, Identity, require
from geo.errors import Invalid, NotFound
from geo.geocoding.names import basic_key, name_key
from geo.io.files import atomic_write, locked

#: Columns of the overrides CSV file, in order.
OVERRIDE_COLUMNS = (
    "override_id",
    "name",
    "country",
    "admin1",
    "gazetteer_id",
    "latitude",
    "longitude",
    "precision",
    "created_by",
    "created_at",
    "note",
    "active",
    "undone_by",
    "undone_at",
)

_ADMIN_WORDS = ("governorate", "province", "muhafazat", "muhafaza", "محافظة", "محافظه")


@dataclass(frozen=True)
class Override:
    """One analyst correction.

    Attributes
    ----------
    override_id : str
        Stable id (``o1``, ``o2`` ...); geocodes it produces have source ``override:<id>``.
    name : str
        The place name as the analyst saw it.
    country, admin1 : str
        Context the correction is limited to ('' = any).
    gazetteer_id : str
        The chosen gazetteer entry, or '' for a pin.
    latitude, longitude : float or None
        A hand-placed pin (when no gazetteer id).
    precision : int or None
        Precision of the pin (see ``geo.geocoding.gazetteer.PRECISION_LABELS``).
    created_by, created_at : str
        Who made it, when (ISO 8601, UTC).
    note : str
        Free text.
    active : bool
        False once undone or superseded.
    undone_by, undone_at : str
        Who undid it, when.
    """

    override_id: str
    name: str
    country: str = ""
    admin1: str = ""
    gazetteer_id: str = ""
    latitude: float | None = None
    longitude: float | None = None
    precision: int | None = None
    created_by: str = ""
    created_at: str = ""
    note: str = ""
    active: bool = True
    undone_by: str = ""
    undone_at: str = ""

    @property
    def key(self) -> tuple[str, str, str]:
        """``(name key, country, admin1 key)`` this correction applies to."""
        return override_key(self.name, self.country, self.admin1)

    @property
    def is_pin(self) -> bool:
        """True for a hand-placed pin, False for a chosen gazetteer entry."""
        return not self.gazetteer_id


def override_key(name: str, country: str | None, admin1: str | None) -> tuple[str, str, str]:
    """Key under which a correction is stored and found.

    Parameters
    ----------
    name : str
    country, admin1 : str or None

    Returns
    -------
    tuple of str
        Spelling variants of the name share a key; country is upper-cased.
    """
    return (
        name_key(name) or basic_key(name),
        (country or "").strip().upper(),
        _admin_key(admin1 or ""),
    )


class OverrideIndex:
    """An immutable snapshot of corrections, indexed by the key each applies to.

    Parameters
    ----------
    records : sequence of Override
        Every correction, undone ones included, oldest first.
    """

    def __init__(self, records: Sequence[Override] = ()) -> None:
        self._all = list(records)
        self._active = {o.key: o for o in self._all if o.active}

    def __len__(self) -> int:
        return len(self._active)

    def all(self) -> list[Override]:
        """Every correction ever made, undone ones included, oldest first."""
        return list(self._all)

    def active(self) -> list[Override]:
        """The corrections in force."""
        return list(self._active.values())

    def get(self, override_id: str) -> Override | None:
        """One correction by id, or None."""
        return next((o for o in self._all if o.override_id == override_id), None)

    def find(self, name: str, country: str | None = None,
             admin1: str | None = None) -> Override | None:
        """The correction in force for ``name`` in this context, most specific first.

        Parameters
        ----------
        name : str
        country, admin1 : str, optional

        Returns
        -------
        Override or None
        """
        if not self._active:
            return None
        key, cc, adm = override_key(name, country, admin1)
        for probe in ((key, cc, adm), (key, cc, ""), (key, "", "")):
            found = self._active.get(probe)
            if found is not None:
                return found
        return None


@runtime_checkable
class CorrectionStore(Protocol):
    """Where corrections are kept and changed (the incident store, or a CSV file)."""

    def corrections(self) -> list[Override]:
        """Every correction, undone ones included, oldest first."""
        ...

    def corrections_revision(self) -> int:
        """A number that changes whenever a correction is added or undone."""
        ...

    def add_correction(self, name: str, *, who: Identity, country: str = "",
                       admin1: str = "", gazetteer_id: str = "",
                       latitude: float | None = None, longitude: float | None = None,
                       precision: int | None = None, note: str = "") -> Override:
        """Record a correction; it supersedes the one in force for the same key."""
        ...

    def undo_correction(self, override_id: str, *, who: Identity) -> Override:
        """Deactivate a correction (kept, marked undone)."""
        ...


def draft_override(
    name: str,
    *,
    who: Identity,
    country: str = "",
    admin1: str = "",
    gazetteer_id: str = "",
    latitude: float | None = None,
    longitude: float | None = None,
    precision: int | None = None,
    note: str = "",
) -> Override:
    """Check a new correction and the right to make it; its id is given when stored.

    Returns
    -------
    Override
        With ``override_id`` '' and ``created_by`` the identity's label.

    Raises
    ------
    Forbidden
        The identity may not correct place names.
    Invalid
        No name, neither a gazetteer id nor a pin, a pin out of range or a bad precision.
    """
    require(who, Action.CORRECT_PLACE)
    if not name_key(name) and not basic_key(name):
        raise Invalid("an override needs a place name")
    if not gazetteer_id:
        if latitude is None or longitude is None:
            raise Invalid("an override needs a gazetteer id or a latitude and longitude")
        if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
            raise Invalid("latitude/longitude out of range")
        precision = precision or 1
        if precision not in (1, 2, 3, 4):
            raise Invalid("precision must be 1, 2, 3 or 4")
    return Override(
        override_id="",
        name=name.strip(),
        country=country.strip().upper(),
        admin1=admin1.strip(),
        gazetteer_id=gazetteer_id,
        latitude=None if gazetteer_id else float(latitude),  # type: ignore[arg-type]
        longitude=None if gazetteer_id else float(longitude),  # type: ignore[arg-type]
        precision=None if gazetteer_id else precision,
        created_by=who.label,
        created_at=now_utc(),
        note=note,
    )


def check_undo(found: Override | None, override_id: str, who: Identity) -> Override:
    """The correction as undone by ``who``, after checking it may be.

    Raises
    ------
    NotFound
        No correction has this id.
    Invalid
        It is undone already.
    Forbidden
        It is someone else's and ``who`` is not an admin (or ``who`` may not undo at all).
    """
    if found is None:
        raise NotFound("override", override_id)
    own = found.created_by == who.label
    require(who, Action.UNDO_OWN if own else Action.UNDO_ANY)
    if not found.active:
        raise Invalid(f"override {override_id} is already undone")
    return replace(found, active=False, undone_by=who.label, undone_at=now_utc())


class OverrideStore(OverrideIndex):
    """Corrections in a CSV file, re-read and rewritten atomically under a file lock.

    For the command line and the read-only file mode; the app keeps corrections in
    the incident store. Concurrent writers (threads, processes) queue on an ``fcntl``
    lock and each re-reads the file before changing it, so none loses another's update.

    Parameters
    ----------
    path : Path or None
        CSV file (created on the first change); None keeps corrections in memory only.
    """

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        super().__init__(self._load())

    def _load(self) -> list[Override]:
        return _read(self.path) if self.path is not None and self.path.exists() else []

    def corrections(self) -> list[Override]:
        """See :class:`CorrectionStore`."""
        return self.all()

    def corrections_revision(self) -> int:
        """The file's modification time in nanoseconds (0 when absent)."""
        if self.path is None or not self.path.exists():
            return len(self._all)
        return self.path.stat().st_mtime_ns

    def add_correction(self, name: str, *, who: Identity, country: str = "",
                       admin1: str = "", gazetteer_id: str = "",
                       latitude: float | None = None, longitude: float | None = None,
                       precision: int | None = None, note: str = "") -> Override:
        """See :class:`CorrectionStore`."""
        draft = draft_override(
            name, who=who, country=country, admin1=admin1, gazetteer_id=gazetteer_id,
            latitude=latitude, longitude=longitude, precision=precision, note=note,
        )
        with self._locked():
            current = self._load()
            new = replace(draft, override_id=f"o{len(current) + 1}")
            records = [
                replace(o, active=False, undone_by=who.label, undone_at=new.created_at)
                if o.active and o.key == new.key else o
                for o in current
            ]
            self._commit([*records, new])
        return new

    def undo_correction(self, override_id: str, *, who: Identity) -> Override:
        """See :class:`CorrectionStore`."""
        with self._locked():
            current = self._load()
            found = next((o for o in current if o.override_id == override_id), None)
            undone = check_undo(found, override_id, who)
            self._commit([undone if o.override_id == override_id else o for o in current])
        return undone

    @contextmanager
    def _locked(self) -> Iterator[None]:
        if self.path is None:
            yield
            return
        with locked(self.path):
            yield

    def _commit(self, records: list[Override]) -> None:
        if self.path is not None:
            _write(self.path, records)
        OverrideIndex.__init__(self, records)


def _admin_key(admin1: str) -> str:
    text = admin1.strip().lower()
    for word in _ADMIN_WORDS:
        text = text.replace(word, " ")
    return name_key(text) if text.strip() else ""


def now_utc() -> str:
    """The current time in UTC to the second, ISO 8601, as corrections record it."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def _read(path: Path) -> list[Override]:
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        missing = {"override_id", "name"} - set(reader.fieldnames or ())
        if missing:
            raise ValueError(f"{path}: missing columns {', '.join(sorted(missing))}")
        return [_from_row(row) for row in reader]


def _from_row(row: dict[str, str]) -> Override:
    def num(value: str | None) -> float | None:
        return float(value) if value not in (None, "") else None

    precision = row.get("precision") or ""
    return Override(
        override_id=row["override_id"],
        name=row["name"],
        country=row.get("country", "") or "",
        admin1=row.get("admin1", "") or "",
        gazetteer_id=row.get("gazetteer_id", "") or "",
        latitude=num(row.get("latitude")),
        longitude=num(row.get("longitude")),
        precision=int(precision) if precision else None,
        created_by=row.get("created_by", "") or "",
        created_at=row.get("created_at", "") or "",
        note=row.get("note", "") or "",
        active=(row.get("active", "1") or "1") not in ("0", "false", "False"),
        undone_by=row.get("undone_by", "") or "",
        undone_at=row.get("undone_at", "") or "",
    )


def _write(path: Path, records: Iterable[Override]) -> None:
    handle = io.StringIO(newline="")
    writer = csv.DictWriter(handle, fieldnames=list(OVERRIDE_COLUMNS))
    writer.writeheader()
    for o in records:
        row = asdict(o)
        row["active"] = "1" if o.active else "0"
        writer.writerow({k: "" if v is None else v for k, v in row.items()})
    atomic_write(path, handle.getvalue().encode("utf-8"))
