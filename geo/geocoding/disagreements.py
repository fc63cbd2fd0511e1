"""Where the datasets that taught places disagree: one name, points far apart.

The analyst decides which source to trust (and may switch one off, see
:meth:`geo.store.IncidentStore.set_source_enabled`) from two tables built here from the
store's learned places (:data:`geo.geocoding.learned.LEARNED_COLUMNS`):

- :func:`source_disagreements`: one row per name and pair of sources whose main points
  (the point of each source with the most records) lie farther apart than one place;
- :func:`sources_overview`: the learned sources with the number of names each one
  disputes.

Names are compared as the geocoder groups them ("Kafr Zeta village" and "Kafr Zeta" are
one name, see :func:`geo.geocoding.compound.parse_place`). Distances are geodesic
(``pyproj.Geod`` on WGS84).
"""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pandas as pd
from pyproj import Geod

from geo.geocoding.compound import parse_place
from geo.geocoding.learned import SAME_PLACE_KM
from geo.geocoding.names import name_key

#: Two points of one name farther apart than this are two places (exact points).
EXACT_KM = SAME_PLACE_KM
#: ... and than this when either point is known only roughly (precision 2, "within 25 km").
APPROXIMATE_KM = 25.0
#: Columns of :func:`source_disagreements`.
DISAGREEMENT_COLUMNS: tuple[str, ...] = (
    "name", "country", "source_a", "records_a", "latitude_a", "longitude_a", "admin1_a",
    "source_b", "records_b", "latitude_b", "longitude_b", "admin1_b", "km",
)
_GEOD = Geod(ellps="WGS84")


def source_disagreements(learned: pd.DataFrame) -> pd.DataFrame:
    """Names two sources learned at points too far apart to be one place.

    Parameters
    ----------
    learned : pandas.DataFrame
        Learned places, :data:`geo.geocoding.learned.LEARNED_COLUMNS` (switched-off
        sources included: the analyst sees what switching them on would bring back).

    Returns
    -------
    pandas.DataFrame
        :data:`DISAGREEMENT_COLUMNS`, one row per name, country and pair of sources;
        ``source_a`` is the side with more records; most records first, then by name.
        ``km`` is the geodesic distance between the two main points, rounded to 0.1 km.
    """
    return disagreements_of(main_points(learned))


def disagreements_of(points: pd.DataFrame) -> pd.DataFrame:
    """:func:`source_disagreements` from the main points of each name, country and
    source (:func:`main_points`, which :class:`geo.geocoding.learned_index.LearnedNames`
    keeps: the page does not read the learned places again for them)."""
    out: list[dict[str, object]] = []
    for (_key, country), group in points.groupby(["key", "country"], sort=False):
        if len(group) < 2:
            continue
        rows = group.sort_values(["records", "source"], ascending=[False, True])
        name = str(rows.iloc[0]["name"])
        for (_i, a), (_j, b) in combinations(rows.iterrows(), 2):
            km = _km(a, b)
            limit = APPROXIMATE_KM if max(int(a["precision"]), int(b["precision"])) > 1 \
                else EXACT_KM
            if km <= limit:
                continue
            out.append({
                "name": name, "country": country,
                **{f"{c}_a": a[c] for c in ("source", "records", "latitude", "longitude",
                                            "admin1")},
                **{f"{c}_b": b[c] for c in ("source", "records", "latitude", "longitude",
                                            "admin1")},
                "km": round(km, 1),
            })
    frame = pd.DataFrame(out, columns=list(DISAGREEMENT_COLUMNS))
    if frame.empty:
        return frame
    total = frame["records_a"] + frame["records_b"]
    order = frame.assign(_total=total).sort_values(["_total", "name"], ascending=[False, True])
    return order.drop(columns="_total").reset_index(drop=True)


def sources_overview(sources: pd.DataFrame, disagreements: pd.DataFrame) -> pd.DataFrame:
    """The learned sources with how many names each one disputes with another source.

    Parameters
    ----------
    sources : pandas.DataFrame
        :data:`geo.geocoding.learned.SOURCE_COLUMNS` (the store's ``learned_sources()``).
    disagreements : pandas.DataFrame
        :func:`source_disagreements` of the same store.

    Returns
    -------
    pandas.DataFrame
        ``sources`` with a ``disputed_names`` column.
    """
    out = sources.copy()
    disputed: dict[str, set[tuple[str, str]]] = {}
    for row in disagreements.itertuples():
        for side in (row.source_a, row.source_b):
            disputed.setdefault(str(side), set()).add((str(row.name), str(row.country)))
    out["disputed_names"] = [len(disputed.get(str(s), ())) for s in out["source"]]
    return out


def main_points(learned: pd.DataFrame) -> pd.DataFrame:
    """Per name, country and source: the point with the most records.

    Parameters
    ----------
    learned : pandas.DataFrame
        :data:`geo.geocoding.learned.LEARNED_COLUMNS`.

    Returns
    -------
    pandas.DataFrame
        ``key``, ``country``, ``source``, ``name``, ``records``, ``latitude``,
        ``longitude``, ``admin1``, ``precision``.
    """
    if learned.empty:
        return pd.DataFrame(columns=_POINT_COLUMNS)
    placed = (learned["latitude"].notna() & learned["longitude"].notna()).to_numpy(bool)
    frame = learned[placed]
    texts = {}
    for column in ("country", "source", "admin1"):
        codes, uniques = pd.factorize(frame[column].astype(object).fillna("").astype(str))
        texts[column] = (np.asarray(uniques, dtype=object), codes)
    names, name_values = pd.factorize(frame["name"].astype(object).fillna("").astype(str))
    return main_points_of(np.asarray(name_values, dtype=object), names, texts,
                          frame["records"].to_numpy().astype(np.int64),
                          frame["latitude"].to_numpy(dtype=np.float64),
                          frame["longitude"].to_numpy(dtype=np.float64),
                          frame["precision"].to_numpy().astype(np.int64))


_POINT_COLUMNS = ["key", "country", "source", "name", "records", "latitude", "longitude",
                  "admin1", "precision"]


def main_points_of(names: np.ndarray, name: np.ndarray,
                   texts: dict[str, tuple[np.ndarray, np.ndarray]], records: np.ndarray,
                   latitude: np.ndarray, longitude: np.ndarray,
                   precision: np.ndarray) -> pd.DataFrame:
    """:func:`main_points` of placed learned rows given as codes and arrays (in the
    table's order): sorts and reductions of arrays, no frame of the rows.

    Parameters
    ----------
    names : numpy.ndarray of object
        The distinct names; ``name`` their code per row.
    texts : dict
        ``country``, ``source``, ``admin1``: (distinct values, code per row).
    records, latitude, longitude, precision : numpy.ndarray
        Per row.
    """
    keys = []
    for raw in names.tolist():
        parsed = parse_place(str(raw))
        keys.append("" if parsed.generic else (name_key(parsed.canonical) or str(raw).lower()))
    key_codes, key_values = pd.factorize(np.asarray(keys, dtype=object))
    rows = np.flatnonzero(np.asarray(keys, dtype=object)[name] != "") if len(name) else \
        np.zeros(0, dtype=np.int64)
    if not len(rows):
        return pd.DataFrame(columns=_POINT_COLUMNS)
    key = key_codes[name[rows]]
    country, source = texts["country"][1][rows], texts["source"][1][rows]
    lat, lon, recs = latitude[rows], longitude[rows], records[rows]
    # the rows by records, most first, ties in the table's order: a point's first row
    rank = np.empty(len(rows), dtype=np.int64)
    rank[np.argsort(-recs, kind="stable")] = np.arange(len(rows))
    # one group per point of a source (its rows of several spellings or areas added up)
    order = np.lexsort((rank, lon, lat, source, country, key))
    same = ((key[order][1:] == key[order][:-1]) & (country[order][1:] == country[order][:-1])
            & (source[order][1:] == source[order][:-1]) & (lat[order][1:] == lat[order][:-1])
            & (lon[order][1:] == lon[order][:-1]))
    starts = np.flatnonzero(np.concatenate(([True], ~same)))
    first = order[starts]
    summed = np.add.reduceat(recs[order], starts)
    finest = np.minimum.reduceat(precision[rows][order], starts)
    # the points in the order they first appear among the rows by records
    seen = np.argsort(rank[first], kind="stable")
    # per name, country and source the point with the most records (then the southmost,
    # then the first seen)
    best = seen[np.lexsort((np.arange(len(seen)), lat[first][seen], -summed[seen]))]
    width = np.int64(max(len(texts["source"][0]), 1))
    triple = (key[first] * np.int64(max(len(texts["country"][0]), 1))
              + country[first]) * width + source[first]
    _, at = np.unique(triple[best], return_index=True)
    kept = best[np.sort(at)]
    row = rows[first[kept]]
    return pd.DataFrame({
        "key": np.asarray(key_values, dtype=object)[key[first[kept]]],
        "country": texts["country"][0][texts["country"][1][row]],
        "source": texts["source"][0][texts["source"][1][row]],
        "name": names[name[row]],
        "records": summed[kept].astype(np.int64),
        "latitude": latitude[row], "longitude": longitude[row],
        "admin1": texts["admin1"][0][texts["admin1"][1][row]],
        "precision": finest[kept].astype(np.int64),
    })


def _km(a: pd.Series, b: pd.Series) -> float:
    _fwd, _back, metres = _GEOD.inv(float(a["longitude"]), float(a["latitude"]),
                                    float(b["longitude"]), float(b["latitude"]))
    return float(metres) / 1000.0
