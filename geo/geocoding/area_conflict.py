"""Where a source's own governorate and the governorate its point falls in disagree.

UCDP (``adm_1``) and ACLED (``admin1``) name the governorate of each event; the import
keeps it as ``admin1``. The app places incidents in the OCHA boundaries by their point
(:meth:`geo.geocoding.areas.AdminAreas.assign`). When the source's governorate is a
different one ("Ar Raqqah Governorate" for a point that falls in Aleppo › Menbij), the
incident's details say so (trial of issue 14: the disagreement was hidden).
"""

from __future__ import annotations

import pandas as pd

from geo.geocoding.areas import AdminAreas, bare_area_name

SOURCE_AREA_COLUMN = "source_area"
"""Column of the source's governorate where it disagrees with the point's ('' else)."""


def source_area_conflicts(incidents: pd.DataFrame, adm1_pcode: pd.Series,
                          areas: AdminAreas) -> pd.Series:
    """The source's governorate, as it names it, where the point falls in another one.

    Parameters
    ----------
    incidents : pandas.DataFrame
        With ``admin1`` (the source's governorate) and ``latitude``.
    adm1_pcode : pandas.Series
        The governorate each incident's point falls in ('' when none), aligned.
    areas : AdminAreas

    Returns
    -------
    pandas.Series of str
        "Ar Raqqah" (the source's name without "Governorate") where the source's
        governorate resolves to another area than the point's; '' where they agree,
        where either is unknown, and for incidents without a point.
    """
    out = pd.Series("", index=incidents.index, dtype=object)
    if "admin1" not in incidents or incidents.empty:
        return out.astype(str)
    given = incidents["admin1"].fillna("").astype(str).str.strip()
    placed = incidents["latitude"].notna() & (given != "") & (adm1_pcode.astype(str) != "")
    if not placed.any():
        return out.astype(str)
    names = given[placed]
    resolved = {n: areas.resolve(n, 1) or "" for n in pd.unique(names)}
    codes = names.map(resolved)
    differ = (codes != "") & (codes != adm1_pcode[placed].astype(str))
    out.loc[differ[differ].index] = names[differ].map(
        {n: bare_area_name(n) for n in pd.unique(names[differ])})
    return out.astype(str)
