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


def _codes(values: pd.Series, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Codes of ``values`` at ``rows`` in code-point order of their texts (missing: ''),
    and the texts; a categorical column is read through its codes, not row by row."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        cats = np.array([str(c) for c in values.cat.categories] + [""], dtype=object)
        raw = values.cat.codes.to_numpy()[rows].astype(np.int64)
        raw[raw < 0] = len(cats) - 1
        used, inverse = np.unique(raw, return_inverse=True)
        texts = cats[used]
    else:
        inverse, texts = pd.factorize(values.iloc[rows].astype(object).fillna("").astype(str))
        texts = np.asarray(texts, dtype=object)
    order = np.argsort(texts, kind="stable")
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    return rank[inverse], texts[order]


def _runs(*keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows sorted by ``keys`` (the last the primary one, as :func:`numpy.lexsort`), and
    where each run of equal keys starts in that order."""
    order = np.lexsort(keys)
    change = np.zeros(len(order), dtype=bool)
    change[0] = True
    for key in keys:
        sorted_key = key[order]
        change[1:] |= sorted_key[1:] != sorted_key[:-1]
    return order, np.flatnonzero(change)


def _most_given(group: np.ndarray, codes: np.ndarray, groups: int) -> np.ndarray:
    """Per group, the code most of its rows have (the smallest among equals)."""
    order, starts = _runs(codes, group)
    lengths = np.diff(np.append(starts, len(order)))
    run_group, run_code = group[order[starts]], codes[order[starts]]
    best = np.lexsort((run_code, -lengths, run_group))
    first = best[np.flatnonzero(np.diff(run_group[best], prepend=-1) != 0)]
    out = np.zeros(groups, dtype=np.int64)
    out[run_group[first]] = run_code[first]
    return out


def _first_ids(values: pd.Series, rows: np.ndarray, group: np.ndarray, counts: np.ndarray,
               kept: int) -> list[object]:
    """Per group, its first ``kept`` ids in id order (one shared empty tuple each when
    ``kept`` is 0: a page that asks for a place's ids when it shows it)."""
    if kept <= 0:
        return [()] * len(counts)
    ids, texts = _codes(values, rows)
    order = np.lexsort((ids, group))
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    return [texts[ids[order[s:s + min(c, kept)]]].tolist()
            for s, c in zip(starts.tolist(), counts.tolist(), strict=True)]


def place_points(incidents: pd.DataFrame, ids_kept: int = 11) -> pd.DataFrame:
    """Every (name, point) of records placed by their source or by an analyst.

    Grouped on integer codes (the rows' texts are never copied; a million records
    each at its own point list a million places in a few seconds).

    Parameters
    ----------
    incidents : pandas.DataFrame
        Incident records (a map frame's categoricals too) with ``place``, ``country``,
        ``admin1``, ``latitude``, ``longitude``, ``geocode_source`` and ``id``.
    ids_kept : int
        Ids kept per place (the first in id order); 0 keeps none (``ids`` an empty
        tuple: a million places' lists would hold hundreds of megabytes).

    Returns
    -------
    pandas.DataFrame
        :data:`POINT_COLUMNS`, one row per name, point and status (:data:`GIVEN` or
        :data:`SET_BY_ANALYST`), most incidents first; ``country`` and ``admin1`` are
        the ones most of its records give (the first in code-point order among equals).
    """
    rows = np.flatnonzero(_own_points(incidents))
    if not rows.size:
        return pd.DataFrame(columns=POINT_COLUMNS)
    names, name_texts = _codes(incidents["place"], rows)
    source, source_texts = _codes(incidents["geocode_source"], rows)
    analyst = (source_texts == ANALYST_SOURCE)[source]
    scale = 10 ** DECIMALS
    lat = np.round(incidents["latitude"].to_numpy(float)[rows] * scale).astype(np.int64)
    lon = np.round(incidents["longitude"].to_numpy(float)[rows] * scale).astype(np.int64)
    order, starts = _runs(analyst.astype(np.int64), lon, lat, names)
    n = len(starts)
    group = np.empty(len(rows), dtype=np.int64)
    marks = np.zeros(len(rows), dtype=np.int64)
    marks[starts] = 1
    group[order] = np.cumsum(marks) - 1
    del marks
    first = order[starts]  # a row of each group
    del order, starts
    counts = np.bincount(group, minlength=n)
    out = pd.DataFrame({"name": name_texts[names[first]]})
    for column in ("country", "admin1"):
        codes, texts = _codes(incidents[column], rows) if column in incidents else (
            np.zeros(len(rows), dtype=np.int64), np.array([""], dtype=object))
        out[column] = texts[_most_given(group, codes, n)]
    statuses = np.array([GIVEN, SET_BY_ANALYST], dtype=object)  # shared, not per row
    out["status"] = statuses[analyst[first].astype(np.int64)]
    out["incidents"] = counts.astype("int64")
    out["ids"] = _first_ids(incidents["id"], rows, group, counts, ids_kept)
    out["latitude"] = lat[first] / scale
    out["longitude"] = lon[first] / scale
    out = out.sort_values(SORT, ascending=[False, True, True, True, True],
                          kind="stable")
    return out[POINT_COLUMNS].reset_index(drop=True)


def _equals(values: pd.Series, text: str) -> np.ndarray:
    """Which values are ``text`` (a categorical column compared through its codes)."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        code = values.cat.categories.get_indexer([text])[0]
        return values.cat.codes.to_numpy() == code if code >= 0 else np.zeros(
            len(values), dtype=bool)
    return (values.astype(object).fillna("").astype(str) == text).to_numpy(bool)


def place_ids(incidents: pd.DataFrame, name: str, latitude: float,
              longitude: float) -> list[str]:
    """Ids of the records named ``name`` at this point whose coordinates no geocoder
    gave (the records a correction of the place moves), in id order."""
    own = _own_points(incidents)
    at = (own & _equals(incidents["place"], name)
          & np.isclose(incidents["latitude"].astype(float).to_numpy(), latitude,
                       rtol=0, atol=0.6 * 10 ** -DECIMALS)
          & np.isclose(incidents["longitude"].astype(float).to_numpy(), longitude,
                       rtol=0, atol=0.6 * 10 ** -DECIMALS))
    return sorted(_text(incidents[at], "id").tolist())


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
