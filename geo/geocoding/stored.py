"""What the stored columns say of a record's place, and a place nobody confirmed.

A record carries no geocode status of its own: ``latitude`` and ``geocode_source`` say
it (:func:`stored_geocodes`). One ``geocode_source`` value stands for a doubt:
:data:`UNCONFIRMED_SOURCE`, written with no point when an analyst accepts an extracted
candidate whose place the extractor marked unsure or ambiguous (a bare "Ghariya":
several villages bear the name). Every later geocoding of the record (the review page,
*Apply geocoding*, a place correction) keeps that doubt: the record is placed only by an
analyst's correction of its name (an answer from :data:`CONFIRMING_SOURCES`); any other
answer leaves it without a point, with the status :data:`UNSURE`, on the review list with
the candidates the geocoder gives (a trial's "Ghariya" was placed confidently in another
governorate by the first load after its accept).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: ``geocode_source`` of a record whose place nobody confirmed (stored without a point).
UNCONFIRMED_SOURCE = "unconfirmed"
#: ``geocode_status`` of such a record while the geocoder has an answer no analyst made.
UNSURE = "unsure"
#: Answers that confirm an unconfirmed place: an analyst's correction of the name.
CONFIRMING_SOURCES = ("override:",)
#: ``geocode_source`` prefixes of coordinates that came from the geocoder.
GAZETTEER_SOURCES = ("geonames:", "local:", "override:", "learned:", "area:")


def unconfirmed(incidents: pd.DataFrame) -> np.ndarray:
    """Which records hold a place nobody confirmed (no point, :data:`UNCONFIRMED_SOURCE`).

    Parameters
    ----------
    incidents : pandas.DataFrame
        With ``latitude`` and ``geocode_source``.

    Returns
    -------
    numpy.ndarray of bool
    """
    source = incidents["geocode_source"].fillna("").astype(str).str.strip()
    return ((source == UNCONFIRMED_SOURCE) & incidents["latitude"].isna()).to_numpy(bool)


def held_answers(answer: np.ndarray, source: np.ndarray, doubted: np.ndarray) -> np.ndarray:
    """The geocoder's statuses with the doubted records' unconfirmed answers held back.

    Parameters
    ----------
    answer, source : numpy.ndarray of object
        The status (resolved, ambiguous, unresolved) and source of each answer.
    doubted : numpy.ndarray of bool
        Whether each record's place is unconfirmed (:func:`unconfirmed`).

    Returns
    -------
    numpy.ndarray of object
        ``answer``, but :data:`UNSURE` where a doubted record's answer resolved without
        an analyst's correction (:data:`CONFIRMING_SOURCES`): such a record is not placed.
    """
    confirmed = np.array([str(s).startswith(CONFIRMING_SOURCES) for s in source], dtype=bool)
    held = doubted & (answer == "resolved") & ~confirmed
    return np.where(held, UNSURE, answer).astype(object)


def stored_geocodes(incidents: pd.DataFrame) -> pd.DataFrame:
    """The geocode status of records as stored, without asking a geocoder.

    Coordinates in the store were given by the source or written by the geocoder (at
    import, or when an analyst's correction was applied, see
    :func:`geo.geocoding.join.relocations`).

    Parameters
    ----------
    incidents : pandas.DataFrame
        Typed incident records.

    Returns
    -------
    pandas.DataFrame
        A copy with ``geocode_status`` (given, resolved, :data:`UNSURE`: a place nobody
        confirmed, unresolved: a place the geocoder could not place, no_place) and an
        empty ``place_names``.
    """
    out = incidents.copy()
    has = out["latitude"].notna()
    source = out["geocode_source"].astype(str)
    out["geocode_source"] = source.where(~has | (source != ""), "given")
    unplaced = np.where(out["place"] != "", "unresolved", "no_place").astype(object)
    unplaced[unconfirmed(out) & (out["place"] != "").to_numpy(bool)] = UNSURE
    status = np.where(has, np.where(source.str.startswith(GAZETTEER_SOURCES), "resolved",
                                    "given"), unplaced)
    out["geocode_status"] = pd.Series(status, index=out.index, dtype=str)
    out["place_names"] = pd.Series("", index=out.index, dtype=str)
    return out
