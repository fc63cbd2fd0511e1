"""Encoding and decoding of the analyst filters' URL parameters (areas, actors, casualty
ranges, drawn shapes, map bounds, a second period).

Each decoder takes every value given for its parameter and the list of notes; it
never raises: a malformed value falls back to "no filter" and adds a note naming
the parameter and what was wrong.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date

from geo.vocab import COORD_DECIMALS, VIOLENCE_TYPES

Range = tuple[int | None, int | None]
"""An inclusive range of counts; None on a side means open."""

NO_RANGE: Range = (None, None)

BBox = tuple[float, float, float, float]
"""(west, south, east, north) in degrees; west > east crosses the antimeridian."""

Polygon = tuple[tuple[float, float], ...]
"""Vertices (lon, lat) of a drawn area, not closed (the first is not repeated)."""

MAX_TERMS = 20
"""Most values kept for a repeated text filter (actors, sources)."""
MAX_VERTICES = 200
"""Most vertices kept for a drawn area."""
MAX_TEXT = 100
"""Longest single text value of a filter."""
MAX_COUNT = 10_000_000


def short(text: str, limit: int = 40) -> str:
    """Printable, shortened text for a note."""
    text = "".join(ch if ch.isprintable() else "?" for ch in text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def decode_texts(values: list[str], label: str, notes: list[str]) -> tuple[str, ...]:
    """Non-empty, distinct texts in the order given (at most :data:`MAX_TERMS`)."""
    out: list[str] = []
    for value in values:
        text = " ".join(value.split())
        if len(text) > MAX_TEXT:
            notes.append(f"The link's {label} '{short(text)}' was cut to {MAX_TEXT} characters.")
            text = text[:MAX_TEXT]
        if text and text not in out:
            out.append(text)
    if len(out) > MAX_TERMS:
        notes.append(f"Only the first {MAX_TERMS} {label} values of the link were kept.")
        out = out[:MAX_TERMS]
    return tuple(out)


def decode_count(values: list[str], name: str, notes: list[str]) -> int | None:
    """A whole number of people from the last value, or None (with a note when malformed)."""
    if not values or values[-1] == "":
        return None
    raw = values[-1].strip()
    try:
        number = int(raw)
    except ValueError:
        notes.append(f"Ignored '{name}={short(raw)}' in the link (expected a whole number).")
        return None
    if not 0 <= number <= MAX_COUNT:
        notes.append(f"Ignored '{name}={short(raw)}' in the link (out of range).")
        return None
    return number


def decode_flag(values: list[str], name: str, notes: list[str], default: bool = True) -> bool:
    """A yes/no from the last value ("1" or "0"), else ``default`` (with a note when malformed)."""
    if not values:
        return default
    if values[-1] in ("0", "1"):
        return values[-1] == "1"
    notes.append(f"Ignored '{name}={short(values[-1])}' in the link (expected 0 or 1).")
    return default


def decode_range(
    low: list[str], high: list[str], names: tuple[str, str], notes: list[str]
) -> Range:
    """A casualty range from its ``min_...`` and ``max_...`` parameters."""
    lo = decode_count(low, names[0], notes)
    hi = decode_count(high, names[1], notes)
    if lo is not None and hi is not None and lo > hi:
        notes.append(f"Ignored '{names[0]}={lo}' and '{names[1]}={hi}' in the link "
                     "(the minimum is above the maximum).")
        return NO_RANGE
    return lo, hi


def encode_count(value: int | None) -> str | None:
    """Text of one side of a range, None when open."""
    return None if value is None else str(int(value))


def decode_violence(values: list[str], notes: list[str]) -> tuple[int, ...]:
    """UCDP ``type_of_violence`` codes (1, 2, 3), in code order."""
    wanted: set[int] = set()
    for value in values:
        code = value.strip()
        if code.isascii() and code.isdigit() and int(code) in VIOLENCE_TYPES:
            wanted.add(int(code))
        else:
            notes.append(f"Ignored unknown type of violence '{short(value)}' in the link "
                         f"(expected {', '.join(map(str, VIOLENCE_TYPES))}).")
    return tuple(sorted(wanted))


def decode_areas(
    values: list[str],
    level: int,
    resolve: Callable[[str, int], str | None],
    notes: list[str],
) -> tuple[str, ...]:
    """Admin areas named in any spelling or by P-code, as P-codes in the order given."""
    out: list[str] = []
    for value in values:
        text = value.strip()
        if not text:
            continue
        pcode = resolve(text, level)
        kind = "governorate" if level == 1 else "district"
        if pcode is None:
            notes.append(f"Ignored unknown {kind} '{short(text)}' in the link.")
        elif pcode not in out:
            out.append(pcode)
    return tuple(out)


def _finite(parts: list[str]) -> list[float] | None:
    try:
        numbers = [float(p) for p in parts]
    except ValueError:
        return None
    return numbers if all(math.isfinite(n) for n in numbers) else None


def decode_point(values: list[str], notes: list[str]) -> tuple[float, float] | None:
    """The point ``lat,lon`` whose incidents Details lists, from the last value (rounded
    to :data:`geo.vocab.COORD_DECIMALS`); None, with a note, when malformed."""
    if not values or not values[-1].strip():
        return None
    raw = values[-1]
    numbers = _finite(raw.split(","))
    if numbers is None or len(numbers) != 2 or not -90 <= numbers[0] <= 90 \
            or not -180 <= numbers[1] <= 180:
        notes.append(f"Ignored 'at={short(raw)}' in the link (expected latitude,longitude, "
                     "from -90 to 90 and -180 to 180).")
        return None
    return round(numbers[0], COORD_DECIMALS), round(numbers[1], COORD_DECIMALS)


def decode_bbox(values: list[str], notes: list[str]) -> BBox | None:
    """Map bounds ``west,south,east,north`` from the last value.

    A box whose sides are swapped (west east of east, south north of north) or empty is
    ignored with a note naming what is wrong: the map never makes one (it reports
    bounds across the antimeridian as an east beyond 180, clipped to 180), so in a link
    it is a mistake, not a box across the antimeridian.
    """
    if not values or not values[-1].strip():
        return None
    raw = values[-1]
    numbers = _finite(raw.split(","))
    if numbers is None or len(numbers) != 4:
        notes.append(f"Ignored 'bbox={short(raw)}' in the link (expected west,south,east,north).")
        return None
    west, south, east, north = numbers
    outside = [f"{name} {value:g}" for name, value, limit in (
        ("west", west, 180), ("south", south, 90), ("east", east, 180), ("north", north, 90))
        if not -limit <= value <= limit]
    if outside:
        notes.append(f"Ignored 'bbox={short(raw)}' in the link (out of range: "
                     f"{', '.join(outside)}; longitudes run from -180 to 180, latitudes "
                     "from -90 to 90).")
        return None
    wrong = [_sides("west", west, "east", east), _sides("south", south, "north", north)]
    if any(wrong):
        notes.append(f"Ignored 'bbox={short(raw)}' in the link "
                     f"({'; '.join(w for w in wrong if w)}).")
        return None
    return round_bbox((west, south, east, north))


def _sides(low: str, low_value: float, high: str, high_value: float) -> str:
    """What is wrong with two opposite sides of a box ('' when nothing)."""
    if low_value > high_value:
        return f"{low} {low_value:g} is {high} of {high} {high_value:g}"
    if low_value == high_value:
        return f"{low} and {high} are both {low_value:g}: the box is empty"
    return ""


def round_bbox(bbox: BBox) -> BBox:
    """Bounds rounded as links keep them."""
    west, south, east, north = (round(float(v), COORD_DECIMALS) for v in bbox)
    return west, south, east, north


def encode_bbox(bbox: BBox) -> str:
    """``west,south,east,north`` text of map bounds."""
    return ",".join(f"{v:.{COORD_DECIMALS}f}".rstrip("0").rstrip(".") for v in bbox)


def decode_polygon(values: list[str], notes: list[str]) -> Polygon:
    """A drawn area ``lon,lat;lon,lat;...`` (at least 3 vertices) from the last value."""
    if not values or not values[-1].strip():
        return ()
    raw = values[-1]
    vertices: list[tuple[float, float]] = []
    for pair in raw.split(";"):
        numbers = _finite(pair.split(","))
        if numbers is None or len(numbers) != 2:
            notes.append(f"Ignored the drawn area 'poly={short(raw)}' in the link "
                         "(expected lon,lat;lon,lat;...).")
            return ()
        lon, lat = numbers
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            notes.append("Ignored the drawn area in the link (a vertex is out of range).")
            return ()
        vertices.append((lon, lat))
    polygon = round_polygon(vertices)
    if len(set(polygon)) < 3:
        notes.append("Ignored the drawn area in the link (it needs at least 3 distinct vertices).")
        return ()
    if len(polygon) > MAX_VERTICES:
        notes.append(f"Ignored the drawn area in the link (more than {MAX_VERTICES} vertices).")
        return ()
    return polygon


def round_polygon(vertices: object) -> Polygon:
    """Vertices rounded as links keep them, without a closing repeat of the first."""
    points = [
        (round(float(lon), COORD_DECIMALS), round(float(lat), COORD_DECIMALS))
        for lon, lat in vertices  # type: ignore[attr-defined]
    ]
    if len(points) > 1 and points[0] == points[-1]:
        points = points[:-1]
    return tuple(points)


def encode_polygon(polygon: Polygon) -> str:
    """``lon,lat;lon,lat;...`` text of a drawn area."""
    return ";".join(
        ",".join(f"{v:.{COORD_DECIMALS}f}".rstrip("0").rstrip(".") for v in vertex)
        for vertex in polygon
    )


def decode_date_pair(
    values: list[str],
    bounds: tuple[date | None, date | None],
    notes: list[str],
    what: str,
    fallback: str,
) -> tuple[date, date] | None:
    """Two ISO dates from a link, clipped to the data's span; ``None`` (with a note) if unusable.

    Parameters
    ----------
    values : list of str
        The parameter's values, expected ``[start, end]``.
    bounds : tuple of date or None
        The first and last date of the data.
    notes : list of str
        Messages for the analyst, appended to.
    what : str
        What the dates are, for the messages ("date range", "comparison period").
    fallback : str
        What happens instead, for the messages ("showing all dates").

    Returns
    -------
    tuple of date or None
        The period within the data, or ``None`` when the link's value cannot be used.
    """
    lo, hi = bounds
    if lo is None or hi is None:
        notes.append(f"The data has no dated incidents; the link's {what} was ignored.")
        return None
    if len(values) != 2:
        notes.append(f"The link's {what} needs two dates; {fallback}.")
        return None
    bad = [v for v in values if not _is_iso_day(v)]
    if bad:
        # only the bad ones: a good date called "not ISO" beside it misled (trial 24)
        named = ", ".join(f"'{short(v)}'" for v in bad)
        kind = "an ISO date" if len(bad) == 1 else "ISO dates"
        notes.append(f"The link's {what} {named}: not {kind} (YYYY-MM-DD); {fallback}.")
        return None
    start, end = date.fromisoformat(values[0]), date.fromisoformat(values[1])
    if start > end:
        notes.append(f"The link's {what} ends before it starts; {fallback}.")
        return None
    if end < lo or start > hi:
        notes.append(f"The link's {what} {start} to {end} is outside the data "
                     f"({lo} to {hi}); {fallback}.")
        return None
    if start < lo or end > hi:
        # "October 2017" over data that ends on 12 October still means those days.
        clipped = max(start, lo), min(end, hi)
        notes.append(f"The link's {what} {start} to {end} runs past the data "
                     f"({lo} to {hi}); showing {clipped[0]} to {clipped[1]}.")
        return clipped
    return start, end


def decode_period(
    values: list[str], bounds: tuple[date | None, date | None], notes: list[str]
) -> tuple[date, date] | None:
    """The second period of a comparison: two ISO dates within the data's span."""
    if not values:
        return None
    return decode_date_pair(values, bounds, notes, "comparison period", "it was ignored")


def _is_iso_day(value: str) -> bool:
    """Whether ``value`` is a day as ``YYYY-MM-DD`` (a real one)."""
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True
