"""Analysts' geocoding corrections: a name (in a context) placed once, for good.

Each correction maps a place name, optionally within a country and a first-level
admin area, either to a gazetteer id or to a hand-placed pin (latitude, longitude,
precision). It applies to every present and future record with that name in that
context. Nothing is ever deleted: undoing a correction marks it inactive with who
undid it and when, so the file stays an audit trail. Writes are atomic.
"""

from __future__ import annotations

import csv
import os
import tempfile
from collections.abc import Iterable
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from geo.errors import NotFound
from geo.geocoding.names import basic_key, name_key

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


class OverrideStore:
    """The corrections file, read once and rewritten atomically on every change.

    Parameters
    ----------
    path : Path or None
        CSV file (created on the first change); None keeps corrections in memory only.
    """

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self._all: list[Override] = _read(path) if path is not None and path.exists() else []
        self._index()

    def __len__(self) -> int:
        return len(self._active)

    def all(self) -> list[Override]:
        """Every correction ever made, undone ones included, oldest first."""
        return list(self._all)

    def active(self) -> list[Override]:
        """The corrections in force."""
        return list(self._active.values())

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

    def add(
        self,
        name: str,
        *,
        country: str = "",
        admin1: str = "",
        gazetteer_id: str = "",
        latitude: float | None = None,
        longitude: float | None = None,
        precision: int | None = None,
        who: str = "",
        note: str = "",
    ) -> Override:
        """Record a correction; it supersedes the one in force for the same key.

        Parameters
        ----------
        name : str
            The name as written.
        country, admin1 : str
            Context ('' = any).
        gazetteer_id : str
            Chosen gazetteer entry; or give ``latitude``, ``longitude`` (and ``precision``).
        who, note : str

        Returns
        -------
        Override
        """
        if not name_key(name) and not basic_key(name):
            raise ValueError("an override needs a place name")
        if not gazetteer_id:
            if latitude is None or longitude is None:
                raise ValueError("an override needs a gazetteer id or a latitude and longitude")
            if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
                raise ValueError("latitude/longitude out of range")
            precision = precision or 1
            if precision not in (1, 2, 3, 4):
                raise ValueError("precision must be 1, 2, 3 or 4")
        now = _now()
        new = Override(
            override_id=f"o{len(self._all) + 1}",
            name=name.strip(),
            country=country.strip().upper(),
            admin1=admin1.strip(),
            gazetteer_id=gazetteer_id,
            latitude=None if gazetteer_id else float(latitude),  # type: ignore[arg-type]
            longitude=None if gazetteer_id else float(longitude),  # type: ignore[arg-type]
            precision=None if gazetteer_id else precision,
            created_by=who,
            created_at=now,
            note=note,
        )
        records = [
            replace(o, active=False, undone_by=who, undone_at=now)
            if o.active and o.key == new.key else o
            for o in self._all
        ]
        self._commit([*records, new])
        return new

    def undo(self, override_id: str, *, who: str = "") -> Override:
        """Deactivate a correction (it stays in the file, marked undone).

        Parameters
        ----------
        override_id : str
        who : str

        Returns
        -------
        Override
            The correction as now stored.
        """
        for i, o in enumerate(self._all):
            if o.override_id == override_id:
                if not o.active:
                    raise ValueError(f"override {override_id} is already undone")
                undone = replace(o, active=False, undone_by=who, undone_at=_now())
                self._commit([*self._all[:i], undone, *self._all[i + 1:]])
                return undone
        raise NotFound("override", str(override_id))

    def _commit(self, records: list[Override]) -> None:
        if self.path is not None:
            _write(self.path, records)
        self._all = records
        self._index()

    def _index(self) -> None:
        self._active = {o.key: o for o in self._all if o.active}


def _admin_key(admin1: str) -> str:
    text = admin1.strip().lower()
    for word in _ADMIN_WORDS:
        text = text.replace(word, " ")
    return name_key(text) if text.strip() else ""


def _now() -> str:
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
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(OVERRIDE_COLUMNS))
            writer.writeheader()
            for o in records:
                row = asdict(o)
                row["active"] = "1" if o.active else "0"
                row = {k: "" if v is None else v for k, v in row.items()}
                writer.writerow(row)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
