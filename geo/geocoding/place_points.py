"""Places whose point came with their records, listed for review and moved whole.

A UCDP or ACLED record brings its own coordinates: the geocoder never places it, so its
name never waits on the review page, and the "resolved" names listed there are only
the geocoder's (on the real UCDP 2016 slice: none). An analyst who finds such a point
wrong corrects the whole place at once: :func:`place_points` lists every (name, point)
of records whose coordinates came from their source (status :data:`GIVEN`) or from an
analyst (:data:`SET_BY_ANALYST`), and :func:`place_moves` moves every record with that
name at that point to the analyst's point, as one record's correction on the map page
does (``geocode_source`` ``analyst``: no later geocoding moves it back); each record's
history keeps the source's point as its *before*, with who, when and
:func:`move_reason`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from geo.geocoding.review import QUEUE_COLUMNS, starts_with
from geo.geocoding.stored import GAZETTEER_SOURCES

#: Status of a place whose records came with their source's coordinates.
GIVEN = "point from the source"
#: Status of a place whose records an analyst moved (``geocode_source`` ``analyst``).
SET_BY_ANALYST = "point set by an analyst"
#: ``geocode_source`` of a point an analyst set (as the map page's correction form writes).
ANALYST_SOURCE = "analyst"
#: Queue columns of a place: :data:`geo.geocoding.review.QUEUE_COLUMNS` and its point.
POINT_COLUMNS = [*QUEUE_COLUMNS, "latitude", "longitude"]
#: The order places are listed in (most incidents first; the same in both modes).
SORT = ["incidents", "name", "latitude", "longitude", "status"]
#: Decimals a point is compared at (about a metre).
DECIMALS = 5
#: Prefix of the history reason of a place moved from the Review page.
REASON_PREFIX = "place corrected on the Review page"


def _text(frame: pd.DataFrame, column: str) -> pd.Series:
    if column not in frame:
        return pd.Series("", index=frame.index, dtype=object)
    return frame[column].astype(object).fillna("").astype(str)


def _own_points(incidents: pd.DataFrame) -> np.ndarray:
    """Records with a place name and coordinates no geocoder gave."""
    placed = incidents["latitude"].notna().to_numpy(bool)
    named = (incidents["place"].astype(object).fillna("") != "").to_numpy(bool)
    return placed & named & ~starts_with(incidents["geocode_source"], GAZETTEER_SOURCES)


def place_points(incidents: pd.DataFrame, ids_kept: int = 11) -> pd.DataFrame:
    """Every (name, point) of records placed by their source or by an analyst.

    Parameters
    ----------
    incidents : pandas.DataFrame
        Incident records (a map frame's categoricals too) with ``place``, ``country``,
        ``admin1``, ``latitude``, ``longitude``, ``geocode_source`` and ``id``.
    ids_kept : int
        Ids kept per place (the first in id order).

    Returns
    -------
    pandas.DataFrame
        :data:`POINT_COLUMNS`, one row per name, point and status (:data:`GIVEN` or
        :data:`SET_BY_ANALYST`), most incidents first; ``country`` and ``admin1`` are
        the ones most of its records give (the first in code-point order among equals).
    """
    rows = incidents[_own_points(incidents)]
    if rows.empty:
        return pd.DataFrame(columns=POINT_COLUMNS)
    frame = pd.DataFrame({
        "name": _text(rows, "place"), "country": _text(rows, "country"),
        "admin1": _text(rows, "admin1"),
        "latitude": rows["latitude"].astype(float).round(DECIMALS).to_numpy(),
        "longitude": rows["longitude"].astype(float).round(DECIMALS).to_numpy(),
        "status": np.where(_text(rows, "geocode_source") == ANALYST_SOURCE, SET_BY_ANALYST,
                           GIVEN),
        "id": _text(rows, "id")})
    keys = ["name", "latitude", "longitude", "status"]
    grouped = frame.groupby(keys, sort=False)
    out = grouped["id"].agg(incidents="size", ids=lambda s: sorted(s)[:ids_kept])
    for column in ("country", "admin1"):
        counts = frame.groupby([*keys, column], sort=False).size().reset_index(name="n")
        counts = counts.sort_values(["n", column], ascending=[False, True], kind="stable")
        out = out.join(counts.drop_duplicates(keys).set_index(keys)[column])
    out = out.reset_index()
    out["incidents"] = out["incidents"].astype("int64")
    out = out.sort_values(SORT, ascending=[False, True, True, True, True],
                        kind="stable")
    return out[POINT_COLUMNS].reset_index(drop=True)


def place_ids(incidents: pd.DataFrame, name: str, latitude: float,
              longitude: float) -> list[str]:
    """Ids of the records named ``name`` at this point whose coordinates no geocoder
    gave (the records a correction of the place moves), in id order."""
    own = _own_points(incidents)
    at = (own & (_text(incidents, "place") == name).to_numpy(bool)
          & np.isclose(incidents["latitude"].astype(float).to_numpy(), latitude,
                       rtol=0, atol=0.6 * 10 ** -DECIMALS)
          & np.isclose(incidents["longitude"].astype(float).to_numpy(), longitude,
                       rtol=0, atol=0.6 * 10 ** -DECIMALS))
    return sorted(_text(incidents, "id")[at].tolist())


def place_moves(ids: list[str], latitude: float, longitude: float,
                precision: int) -> dict[str, dict[str, object]]:
    """The changes that move these records to the analyst's point (for
    :meth:`geo.store.base.IncidentStore.edit_many`)."""
    fields = {"latitude": float(latitude), "longitude": float(longitude),
              "geo_precision": int(precision), "geocode_source": ANALYST_SOURCE}
    return {i: dict(fields) for i in ids}


def move_reason(name: str, count: int, before: tuple[float, float],
                status: str = GIVEN) -> str:
    """The history reason of a place moved from the Review page.

    Examples
    --------
    >>> move_reason("Tartus town", 3, (34.889, 35.886))[36:]
    "the 3 records of 'Tartus town' at 34.88900, 35.88600 (point from the source) moved together"
    """
    records = "the record" if count == 1 else f"the {count} records"
    return (f"{REASON_PREFIX}: {records} of {name!r} at {before[0]:.5f}, {before[1]:.5f} "
            f"({status}) moved together")


def source_point(history: pd.DataFrame) -> tuple[float, float] | None:
    """The point a record had before its first move from the Review page (from its
    history: ``field``, ``before``, ``reason``), or None when it was never moved so."""
    if history.empty:
        return None
    moved = history[history["reason"].astype(str).str.startswith(REASON_PREFIX)]
    point = []
    for field in ("latitude", "longitude"):
        before = moved[moved["field"] == field]["before"]
        value = pd.to_numeric(before.head(1), errors="coerce")
        if value.empty or value.isna().all():
            return None
        point.append(float(value.iloc[0]))
    return point[0], point[1]
