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

    The text columns are grouped as integer codes (a million learned rows: tens of
    megabytes, not a copy of their strings); only the answer's rows are text again.

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
    columns = ["key", "country", "source", "name", "records", "latitude", "longitude",
               "admin1", "precision"]
    if learned.empty:
        return pd.DataFrame(columns=columns)
    placed = (learned["latitude"].notna() & learned["longitude"].notna()).to_numpy(bool).copy()
    names, name_values = pd.factorize(learned["name"].astype(object).fillna("").astype(str))
    keys = []
    for raw in name_values.tolist():
        parsed = parse_place(raw)
        keys.append("" if parsed.generic else (name_key(parsed.canonical) or raw.lower()))
    key_codes, key_values = pd.factorize(np.asarray(keys, dtype=object))
    key = key_codes[names]
    placed &= np.asarray(keys, dtype=object)[names] != ""
    texts = {}
    values = {}
    for column in ("country", "source", "admin1"):
        codes, uniques = pd.factorize(learned[column].astype(object).fillna("").astype(str))
        texts[column], values[column] = codes[placed], np.asarray(uniques, dtype=object)
    frame = pd.DataFrame({
        "key": key[placed], "country": texts["country"], "source": texts["source"],
        "name": names[placed],
        "records": learned["records"].to_numpy()[placed].astype(int),
        "latitude": learned["latitude"].to_numpy()[placed],
        "longitude": learned["longitude"].to_numpy()[placed],
        "admin1": texts["admin1"],
        "precision": learned["precision"].to_numpy()[placed].astype(int)})
    # one row per point of a source (its rows of several spellings or areas added up)
    at_point = (frame.sort_values("records", ascending=False, kind="stable")
                .groupby(["key", "country", "source", "latitude", "longitude"],
                         as_index=False, sort=False)
                .agg(name=("name", "first"), records=("records", "sum"),
                     admin1=("admin1", "first"), precision=("precision", "min")))
    del frame
    main = (at_point.sort_values(["records", "latitude"], ascending=[False, True],
                                 kind="stable")
            .drop_duplicates(["key", "country", "source"]))[columns].reset_index(drop=True)
    main["key"] = np.asarray(key_values, dtype=object)[main["key"].to_numpy()]
    main["name"] = np.asarray(name_values, dtype=object)[main["name"].to_numpy()]
    for column in ("country", "source", "admin1"):
        main[column] = values[column][main[column].to_numpy()]
    return main


def _km(a: pd.Series, b: pd.Series) -> float:
    _fwd, _back, metres = _GEOD.inv(float(a["longitude"]), float(a["latitude"]),
                                    float(b["longitude"]), float(b["latitude"]))
    return float(metres) / 1000.0
