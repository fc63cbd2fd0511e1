"""Places ranked by their incidents in view: which places had the most events, or deaths.

A place is a point on the map: the incidents whose coordinates round to the same
:data:`geo.vocab.COORD_DECIMALS` decimals (the map's place key, which the store's
rounded-place index also keys on). Every spelling at one point counts in one place
("Raqqa", "Raqqah", "Ar-Raqqah" and "الرقة" written at one point are one place, as the
map's label and the list at a point count them); one name at two points (homonyms) is
two places. A place is named as most of the view's records there write it, the first
written among equals (:func:`geo.render.clusters._common_labels`,
:func:`geo.store.pg_labels.common_labels`).

Deaths are one claimant's killed figures as a low-high range: figures of different
claimants are never added together. :func:`rank_places` ranks a frame's incidents in a
mask; :func:`store_rank_places` asks the store (:mod:`geo.store.pg_places`, one grouped
query); both give the same :class:`PlaceRanking`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from geo.store.pg_places import RANKED_BY, PlaceRows, place_rows
from geo.store.pg_query import PostGISQuery
from geo.store.query import Clause, QueryFilter
from geo.view.totals_index import TotalsColumns
from geo.vocab import COORD_DECIMALS

__all__ = ["COLUMNS", "RANKED_BY", "PlaceRanking", "rank_places", "store_rank_places"]

COLUMNS: tuple[str, ...] = (
    "lat", "lon", "place", "written_as", "spellings", "adm1_pcode", "adm2_pcode",
    "source_admin1", "source_admin2", "incidents", "first", "last", "claimants",
    "killed_min", "killed_max", "killed_unknown", "killed_best", "killed_best_unknown",
    "killed_open",
)
"""Columns of :attr:`PlaceRanking.rows`: the point, its name as most records write it,
its other spellings with their counts ("Raqqah (12), الرقة (3)"), how many spellings,
governorate and district P-codes ('' for none), the governorate and district the source
names (UCDP ``adm_1``/``adm_2``, ACLED ``admin1``/``admin2`` as written; the first in
code-point order where the records there differ, '' for none), incidents, first and last
day, how many claimants report there, and the chosen claimant's killed range and its
incidents without a figure (NA range: none of its incidents there gives one), and its
best estimates added up (UCDP ``best``; NA where none there gives one) with the incidents
without one; and the incidents of the claimant there with a low killed figure and no
high one ("at least 16": the high is then a floor)."""

_NO_DAY = np.iinfo(np.int64).min
_EPOCH = date(1970, 1, 1).toordinal()


@dataclass(frozen=True)
class PlaceRanking:
    """One page of the places of a view, ranked.

    Attributes
    ----------
    rows : pandas.DataFrame
        :data:`COLUMNS`, best ranked first.
    places : int
        How many places the view's incidents are at (all pages).
    placed : int
        How many of the view's incidents are at a place (the others have no point on
        the map: located only to a country, or not at all).
    """

    rows: pd.DataFrame
    places: int
    placed: int


def _empty() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in COLUMNS})


def _check(by: str, limit: int, offset: int) -> None:
    if by not in RANKED_BY:
        raise ValueError(f"places are ranked by {', '.join(RANKED_BY)}, not {by!r}")
    if limit < 1 or offset < 0:
        raise ValueError(f"a page of places needs limit >= 1 and offset >= 0, not "
                         f"{limit} and {offset}")


def _point_codes(frame: pd.DataFrame, positions: np.ndarray
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per position, its place code, and per place its rounded latitude and longitude."""
    scale = 10**COORD_DECIMALS
    lat = pd.to_numeric(frame["latitude"].iloc[positions], errors="coerce").to_numpy(float)
    lon = pd.to_numeric(frame["longitude"].iloc[positions], errors="coerce").to_numpy(float)
    ilat, ilon = np.rint(lat * scale).astype(np.int64), np.rint(lon * scale).astype(np.int64)
    code, uniques = pd.factorize(ilat * (1 << 32) + ilon)
    first = np.full(len(uniques), len(positions), dtype=np.int64)
    np.minimum.at(first, code, np.arange(len(positions)))
    return code.astype(np.int64), ilat[first] / scale, ilon[first] / scale


def _smallest(codes: np.ndarray, values: np.ndarray, names: np.ndarray, k: int) -> np.ndarray:
    """Per place, the smallest non-empty text among its incidents' (codes of sorted
    ``names``), '' when none."""
    big = len(names)
    empty = np.flatnonzero(names == "")
    coded = values.astype(np.int64)
    if len(empty):
        coded = np.where(coded == empty[0], big, coded)
    least = np.full(k, big, dtype=np.int64)
    np.minimum.at(least, codes, coded)
    return np.asarray([names[c] if c < big else "" for c in least], dtype=object)


def rank_places(incidents: pd.DataFrame, columns: TotalsColumns, mask: np.ndarray,
                by: str = "incidents", claimant: str | None = None, limit: int = 20,
                offset: int = 0) -> PlaceRanking:
    """The places of the incidents in ``mask``, ranked, one page of them.

    Parameters
    ----------
    incidents : pandas.DataFrame
        The dataset's incident frame (``latitude``, ``longitude``, ``off_map``,
        ``place``, ``claimant``, area P-codes, dates, figures).
    columns : TotalsColumns
        The frame's totals arrays (:func:`geo.view.totals_index.totals_columns`).
    mask : numpy.ndarray of bool
        The incidents in view; those drawn on the map (``off_map`` empty) are ranked.
    by : str
        One of :data:`RANKED_BY`: incidents, or the claimant's killed low or high
        figure or best estimate (places without one last); ties by incidents, then south to north,
        west to east.
    claimant : str, optional
        Whose killed figures (None: every incident's, for data of one claimant).
    limit, offset : int
        The page: how many places, after how many.

    Returns
    -------
    PlaceRanking
    """
    _check(by, limit, offset)
    drawn = (incidents["off_map"] == "").to_numpy(dtype=bool)
    positions = np.flatnonzero(mask & drawn)
    if not len(positions):
        return PlaceRanking(_empty(), 0, 0)
    code, lat, lon = _point_codes(incidents, positions)
    k = len(lat)
    count = np.bincount(code, minlength=k)
    claimants = columns.codes("claimant")
    who = claimants.codes[positions]
    pairs = np.unique(code * (len(claimants.names) + 1) + who)
    n_claimants = np.bincount(pairs // (len(claimants.names) + 1), minlength=k)
    mine = np.ones(len(positions), dtype=bool) if claimant is None \
        else claimants.names[who] == claimant
    lo, hi = (v[positions] for v in columns.values["killed"])
    unknown = columns.unknown["killed"][positions]
    given = mine & ~unknown
    low = np.bincount(code, weights=np.where(given, lo, 0), minlength=k)
    high = np.bincount(code, weights=np.where(given, hi, 0), minlength=k)
    has_figure = np.bincount(code, weights=given, minlength=k) > 0
    best_values = columns.values["killed_best"][0][positions]
    best_given = mine & ~columns.unknown["killed_best"][positions]
    best = np.bincount(code, weights=np.where(best_given, best_values, 0), minlength=k)
    has_best = np.bincount(code, weights=best_given, minlength=k) > 0
    ranked = {"killed_min": (low, has_figure), "killed_max": (high, has_figure),
              "killed_best": (best, has_best)}
    key = count.astype(float) if by == "incidents" else \
        np.where(ranked[by][1], ranked[by][0], -np.inf)
    order = np.lexsort((lon, lat, -count, -key))
    page = order[offset:offset + limit]
    start, end = columns.start[positions], columns.end[positions]
    end = np.where(end == _NO_DAY, start, end)
    first = np.full(k, np.iinfo(np.int64).max)
    np.minimum.at(first, code, np.where(start == _NO_DAY, np.iinfo(np.int64).max, start))
    last = np.full(k, _NO_DAY)
    np.maximum.at(last, code, end)
    areas = {}
    for name in ("adm1_pcode", "adm2_pcode", "admin1", "admin2"):
        if columns.has(name):
            coded = columns.codes(name)
            areas[name] = _smallest(code, coded.codes[positions], coded.names, k)
        else:
            areas[name] = np.full(k, "", dtype=object)
    names = columns.codes("place")
    spelled = _spellings(code, names.codes[positions], names.names, page)
    rows = pd.DataFrame({
        "lat": lat[page], "lon": lon[page],
        "place": [spelled[p][0] for p in page],
        "written_as": [spelled[p][1] for p in page],
        "spellings": [spelled[p][2] for p in page],
        "adm1_pcode": areas["adm1_pcode"][page], "adm2_pcode": areas["adm2_pcode"][page],
        "source_admin1": areas["admin1"][page], "source_admin2": areas["admin2"][page],
        "incidents": count[page].astype(np.int64),
        "first": [_day(d) for d in first[page]], "last": [_day(d) for d in last[page]],
        "claimants": n_claimants[page].astype(np.int64),
        "killed_min": _figures(low[page], has_figure[page]),
        "killed_max": _figures(high[page], has_figure[page]),
        "killed_unknown": np.bincount(code, weights=mine & unknown,
                                      minlength=k)[page].astype(np.int64),
        "killed_best": _figures(best[page], has_best[page]),
        "killed_best_unknown": np.bincount(code, weights=mine & ~best_given,
                                           minlength=k)[page].astype(np.int64),
        "killed_open": np.bincount(code, weights=mine & columns.open["killed"][positions],
                                   minlength=k)[page].astype(np.int64),
    })
    return PlaceRanking(rows[list(COLUMNS)], k, int(len(positions)))


def _figures(values: np.ndarray, present: np.ndarray) -> pd.arrays.IntegerArray:
    out = pd.array(np.round(values).astype(np.int64), dtype="Int64")
    out[~present] = pd.NA
    return out


def _day(number: int) -> date | None:
    if number in (_NO_DAY, np.iinfo(np.int64).max):
        return None
    return date.fromordinal(_EPOCH + int(number))


def _spellings(code: np.ndarray, name: np.ndarray, names: np.ndarray, page: np.ndarray
               ) -> dict[int, tuple[str, str, int]]:
    """For the places of ``page``: the name most written (first among equals), the
    others with their counts, and how many spellings."""
    wanted = np.isin(code, page)
    at = np.flatnonzero(wanted)
    counts: dict[int, dict[str, list[int]]] = {int(p): {} for p in page}
    for position, place, text in zip(at, code[at], names[name[at]], strict=True):
        seen = counts[int(place)].setdefault(str(text), [0, int(position)])
        seen[0] += 1
    return {place: written(seen) for place, seen in counts.items()}


def written(seen: dict[str, list[int]]) -> tuple[str, str, int]:
    """``(name, others, spellings)`` of one place from ``{name: [count, first]}``: the
    name most written (the first written among equals), the others by count then first
    written as "Raqqah (12), الرقة (3)", and how many names.

    Parameters
    ----------
    seen : dict
        Each name written at the place -> ``[incidents, order of its first incident]``.

    Returns
    -------
    tuple
    """
    ranked = sorted(seen.items(), key=lambda item: (-item[1][0], item[1][1]))
    others = ", ".join(f"{text or '(no name)'} ({n:,})" for text, (n, _) in ranked[1:])
    return (ranked[0][0] if ranked else ""), others, len(ranked)


def store_rank_places(query: PostGISQuery, spec: QueryFilter, by: str = "incidents",
                      claimant: str | None = None, limit: int = 20, offset: int = 0,
                      extra: Clause | None = None) -> PlaceRanking:
    """:func:`rank_places` of the records ``spec`` lets through, asked of the store.

    Parameters
    ----------
    query : PostGISQuery
    spec : QueryFilter
    by, claimant, limit, offset
        As :func:`rank_places`.
    extra : tuple, optional
        One more condition the records must meet (a part of the view, see
        :func:`geo.view.store_totals.part_clause`).

    Returns
    -------
    PlaceRanking
    """
    _check(by, limit, offset)
    found: PlaceRows = place_rows(query, spec, by, claimant, limit, offset, extra)
    if found.places == 0:
        return PlaceRanking(_empty(), 0, 0)
    seen: dict[tuple[float, float], dict[str, list[int]]] = {}
    for lat, lon, text, n, first in found.names:
        seen.setdefault((lat, lon), {})[text] = [n, first]
    table = found.rows
    spelled = [written(seen.get((a, b), {})) for a, b in zip(table["lat"], table["lon"],
                                                                strict=True)]
    table.insert(2, "place", [s[0] for s in spelled])
    table.insert(3, "written_as", [s[1] for s in spelled])
    table.insert(4, "spellings", np.asarray([s[2] for s in spelled], dtype=np.int64))
    return PlaceRanking(table[list(COLUMNS)].reset_index(drop=True), found.places,
                        found.placed)
