"""Candidates' places as the analyst leaves them: a renamed place is geocoded again, a
place never confirmed is stored without its doubtful point.

A trial renamed an "unsure" candidate's place in the review grid, the point stayed at the
first match (another governorate), and *Accept* stored it as "site or town". Here a
changed name (or governorate, or country) is looked up again, and a candidate still
unsure or ambiguous at accept keeps its name but loses the point, the gazetteer id and
the governorate that came from the doubted match, with a precision no finer than
:data:`UNCONFIRMED_PRECISION` and ``geocode_source`` saying it is unconfirmed
(:data:`geo.geocoding.stored.UNCONFIRMED_SOURCE`): every later geocoding keeps it off the
map and on the review list, with its candidates, until an analyst's correction of the
name places it (the first load after a trial's accept placed it in another governorate).
"""

from __future__ import annotations

import pandas as pd

from geo.geocoding.protocol import PlaceResolver
from geo.geocoding.stored import UNCONFIRMED_SOURCE

#: ``geocode_status`` values of a candidate whose place nobody confirmed.
UNCONFIRMED_STATUSES: tuple[str, ...] = ("unsure", "ambiguous")
#: Finest precision an unconfirmed place is stored with (2: "near / district").
UNCONFIRMED_PRECISION = 2
#: ``geocode_status`` of a candidate whose coordinates the analyst typed in.
BY_HAND = "placed by hand"

_POINT = ("latitude", "longitude", "geocode_source")


def _cell(frame: pd.DataFrame, label: object, column: str) -> str:
    return str(frame.at[label, column]).strip() if column in frame.columns else ""


def regeocode_edited(edited: pd.DataFrame, original: pd.DataFrame,
                     geocoder: PlaceResolver) -> tuple[pd.DataFrame, list[int]]:
    """Geocode again the rows whose place, governorate or country the analyst changed.

    Parameters
    ----------
    edited, original : pandas.DataFrame
        The review frame with the analyst's edits, and as it was before them (same rows).
    geocoder : PlaceResolver

    Returns
    -------
    tuple
        The frame (a copy) with each changed row's point, precision, gazetteer id and
        ``geocode_status`` from the new answer (no point when the name does not resolve),
        and the positions of the rows looked up again. A row whose coordinates alone were
        changed counts as placed by hand (:data:`BY_HAND`).
    """
    out = edited.copy()
    changed: list[int] = []
    for position, label in enumerate(out.index):
        if label not in original.index:
            continue
        renamed = _cell(out, label, "place") != _cell(original, label, "place")
        moved_area = any(_cell(out, label, c) != _cell(original, label, c)
                         for c in ("admin1", "country"))
        if not renamed and not moved_area:
            if any(_cell(out, label, c) != _cell(original, label, c)
                   for c in ("latitude", "longitude")):
                out.at[label, "geocode_status"] = BY_HAND
                out.at[label, "geocode_source"] = ""
            continue
        changed.append(position)
        # a governorate the analyst did not touch came with the old name's place
        admin1 = _cell(out, label, "admin1") if moved_area else ""
        name = _cell(out, label, "place")
        if not name:
            out.loc[label, [*_POINT, "geo_precision", "admin1"]] = ""
            out.at[label, "geocode_status"] = "no site"
            continue
        result = geocoder.geocode(name, country=_cell(out, label, "country") or None,
                                  admin1=admin1 or None)
        best = result.best
        if best is None:
            out.loc[label, [*_POINT, "geo_precision"]] = ""
            out.at[label, "admin1"] = admin1
            out.at[label, "geocode_status"] = result.status
            continue
        out.at[label, "latitude"] = str(best.place.latitude)
        out.at[label, "longitude"] = str(best.place.longitude)
        out.at[label, "geo_precision"] = str(best.precision)
        out.at[label, "geocode_source"] = result.source or best.place.gazetteer_id
        out.at[label, "admin1"] = admin1 or str(best.place.admin1 or "")
        out.at[label, "geocode_status"] = "region" if best.precision >= 3 else "resolved"
    return out, changed


def settle_unconfirmed(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[int]]:
    """Take the doubtful point off the candidates whose place nobody confirmed.

    Parameters
    ----------
    frame : pandas.DataFrame
        A reviewed frame (``geocode_status`` as :func:`regeocode_edited` leaves it).

    Returns
    -------
    tuple
        A copy where every :data:`UNCONFIRMED_STATUSES` row has no coordinates, no
        governorate, ``geocode_source`` :data:`~geo.geocoding.stored.UNCONFIRMED_SOURCE`
        and a precision no finer than :data:`UNCONFIRMED_PRECISION` (its place name
        kept), and those rows' positions.
    """
    out = frame.copy()
    doubtful = out["geocode_status"].astype(str).str.strip().isin(UNCONFIRMED_STATUSES)
    positions = [int(p) for p in doubtful.to_numpy().nonzero()[0]]
    if not positions:
        return out, positions
    labels = out.index[doubtful.to_numpy()]
    stated = pd.to_numeric(out.loc[labels, "geo_precision"], errors="coerce").fillna(0)
    out.loc[labels, "geo_precision"] = [str(int(max(p, UNCONFIRMED_PRECISION)))
                                        for p in stated]
    out.loc[labels, [*_POINT, "admin1"]] = ""
    out.loc[labels, "geocode_source"] = UNCONFIRMED_SOURCE
    return out, positions
