"""A place moved whole on the Review page, kept as a correction of its own.

A correction of a name (:mod:`geo.geocoding.overrides`) places every record of that name
the geocoder places. A place whose point came with its records (UCDP's, ACLED's) is never
geocoded: its correction is keyed by the name and **the source's point**, and moves the
records of that name at that point to the analyst's point, those stored when it is made
and those imported later (:mod:`geo.store.place_corrections` keeps them in the store).
Nothing is deleted: an undo marks it undone, with who and when, and puts the records still
at the analyst's point back to the source's point. Each record moved keeps a history row
per field, its reason naming the correction (:func:`move_reason`, :func:`placed_reason`)
so an undo finds the records it moved, imported ones too.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from geo.geocoding.place_points import ANALYST_SOURCE, DECIMALS, GIVEN, REASON_PREFIX

#: Fields a place correction sets on each record it moves, and an undo puts back
#: (``geo_precision`` only on records a correction made before trial 27 changed).
MOVED_FIELDS = ("latitude", "longitude", "geo_precision", "geocode_source")
#: Prefix of the history reason of a record an import placed by a place correction.
PLACED_PREFIX = "placed by the place correction"
#: Prefix of the history reason of a record an undo put back at the source's point.
UNDONE_PREFIX = "place correction undone"

_TAG = re.compile(r"\((p\d+)[,)]")
_OLD = re.compile(r"of (?P<name>.+) at (?P<lat>-?\d+\.\d+), (?P<lon>-?\d+\.\d+) \(")


@dataclass(frozen=True)
class PlaceCorrection:
    """One place moved whole: the records named ``name`` at the source's point go to the
    analyst's point.

    Attributes
    ----------
    correction_id : str
        ``p1``, ``p2`` ...
    name : str
        The place name, as the records write it.
    from_latitude, from_longitude : float
        The source's point (the key, with the name; to :data:`DECIMALS` decimals).
    latitude, longitude : float
        The analyst's point.
    precision : int
        The precision of the analyst's point for the place (of the candidate chosen, or
        1 for a pin); kept with the correction, never set on the records it moves.
    created_by, created_at, note : str
        Who, when (ISO 8601, UTC) and why.
    records : int
        Records it moved when it was made.
    active : bool
        False once undone or superseded (by a later move of the same place).
    undone_by, undone_at : str
    """

    correction_id: str
    name: str
    from_latitude: float
    from_longitude: float
    latitude: float
    longitude: float
    precision: int = 1
    created_by: str = ""
    created_at: str = ""
    note: str = ""
    records: int = 0
    active: bool = True
    undone_by: str = ""
    undone_at: str = ""

    @property
    def key(self) -> tuple[str, int, int]:
        """``(name, latitude, longitude)`` of the source's point in 1e-5 degrees."""
        return self.name, point_key(self.from_latitude), point_key(self.from_longitude)

    def moves(self) -> dict[str, object]:
        """The fields it sets on a record it moves: the point and who set it, never the
        record's location precision (a claim about the record: a "near" or district-level
        record stays so; trial 27 found a whole-place move making them site-precise)."""
        return {"latitude": self.latitude, "longitude": self.longitude,
                "geocode_source": ANALYST_SOURCE}


@dataclass(frozen=True)
class PlaceMove:
    """What :meth:`geo.store.place_corrections.StorePlaceCorrections.correct_place` did."""

    correction: PlaceCorrection
    moved: list[str]


@dataclass(frozen=True)
class PlaceUndo:
    """What undoing a place correction did: the records put back at the source's point,
    and those left where an analyst put them since."""

    correction: PlaceCorrection
    moved_back: list[str]
    left: list[str]


def point_key(value: float) -> int:
    """A coordinate in 1e-5 degrees (how places and their corrections are compared)."""
    return int(round(float(value) * 10 ** DECIMALS))


def move_reason(c: PlaceCorrection, count: int, before: tuple[float, float],
                status: str = GIVEN) -> str:
    """History reason of a record a place correction moved from the Review page.

    Examples
    --------
    >>> c = PlaceCorrection("p3", "Tartus", 34.7, 35.7, 34.889, 35.886, note="the town")
    >>> move_reason(c, 2, (34.7, 35.7))[35:95]
    "(p3): the 2 records of 'Tartus' at 34.70000, 35.70000 (point"
    """
    records = "the record" if count == 1 else f"the {count} records"
    note = f"; {c.note}" if c.note else ""
    return (f"{REASON_PREFIX} ({c.correction_id}): {records} of {c.name!r} at "
            f"{before[0]:.5f}, {before[1]:.5f} ({status}) moved together{note}")


def placed_reason(c: PlaceCorrection) -> str:
    """History reason of a record an import placed by a place correction."""
    return (f"{PLACED_PREFIX} ({c.correction_id}) of {c.name!r} at {c.from_latitude:.5f}, "
            f"{c.from_longitude:.5f} (by {c.created_by or 'someone'}, {c.created_at})")


def undo_reason(c: PlaceCorrection) -> str:
    """History reason of a record an undo put back at the source's point."""
    return (f"{UNDONE_PREFIX} ({c.correction_id}): {c.name!r} back at the source's point "
            f"{c.from_latitude:.5f}, {c.from_longitude:.5f}")


def tag(reason: str) -> str | None:
    """The correction id a history reason names (``p3``), or None."""
    if not reason.startswith((REASON_PREFIX, PLACED_PREFIX)):
        return None
    found = _TAG.search(reason[:len(REASON_PREFIX) + 12])
    return found.group(1) if found else None


def old_move(reason: str) -> tuple[str, float, float] | None:
    """Name and point before of a move made before place corrections were kept (its
    reason as :func:`geo.geocoding.place_points.move_reason` wrote it), or None."""
    if not reason.startswith(REASON_PREFIX) or tag(reason) is not None:
        return None
    found = _OLD.search(reason)
    if found is None:
        return None
    try:
        name = ast.literal_eval(found["name"])
    except (ValueError, SyntaxError):
        return None
    return (str(name), float(found["lat"]), float(found["lon"])) if isinstance(
        name, str) else None
