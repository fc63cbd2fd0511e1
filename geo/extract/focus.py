"""A geocoder over the countries a report names, for a fast cold start.

Loading the worldwide gazetteer index and building its key indexes takes most of a
command-line extraction (seconds, against milliseconds for the extraction itself). A report
about Syria needs Syria's places and those of the countries it names, so when the report
names countries only their slice of the index is read (the names table filtered as it is
read) and the geocoder is built over it. A report that names no country gets the default
geocoder. Places of countries the report never names are then unknown, which is also what
the extractor's rules ask for (a foreign place needs its country in the context).

Until the geocoder's own compact index (issue 11) lands, this reads the index files that
:func:`geo.geocoding.gazetteer.save_index` writes: a places table and, beside it, its
``.names.parquet`` companion.
"""

from __future__ import annotations

from collections.abc import Collection
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from geo.extract.phrases import country_counts
from geo.geocoding.gazetteer import Gazetteer
from geo.geocoding.geocoder import Geocoder, default_geocoder
from geo.geocoding.overrides import OverrideStore
from geo.geocoding.sources import load_gazetteer
from geo.settings import Settings, load_settings


def report_geocoder(article: str, settings: Settings | None = None) -> Geocoder:
    """The geocoder for one report: its main countries' slice, or the default one.

    Parameters
    ----------
    article : str
        The report's text.
    settings : Settings, optional
        Defaults to ``load_settings()``.

    Returns
    -------
    Geocoder
    """
    settings = settings or load_settings()
    counts = country_counts(article)
    top = max(counts.values(), default=0)
    # The report's own countries: the focus country and those named nearly as often (a
    # passing "Russian warplanes" does not bring in Russia's places).
    countries = frozenset(code for code, n in counts.items() if 3 * n >= top)
    if not countries or not settings.gazetteer_index_path.exists():
        return default_geocoder(settings)
    return country_geocoder(countries, settings)


@lru_cache(maxsize=4)
def country_geocoder(countries: frozenset[str], settings: Settings) -> Geocoder:
    """A geocoder over the index's places in ``countries`` plus the project's place file.

    Parameters
    ----------
    countries : frozenset of str
        ISO alpha-2 codes.
    settings : Settings

    Returns
    -------
    Geocoder
        With the analysts' corrections, like the default one.
    """
    gazetteer = country_slice(settings.gazetteer_index_path, countries)
    local = load_gazetteer(None, settings.places_path)
    return Geocoder(gazetteer.merged(local) if len(local) else gazetteer,
                    OverrideStore(settings.overrides_path))


def country_slice(index: Path, countries: Collection[str]) -> Gazetteer:
    """The places of ``countries`` from an index file, with their spellings.

    Parameters
    ----------
    index : Path
        Places table written by :func:`geo.geocoding.gazetteer.save_index`.
    countries : collection of str
        ISO alpha-2 codes.

    Returns
    -------
    Gazetteer
    """
    places = pd.read_parquet(index)
    keep = np.flatnonzero(places["country"].isin(list(countries)).to_numpy())
    names_path = index.with_name(index.stem + ".names.parquet")
    names = pq.read_table(names_path, filters=[("place", "in", keep.tolist())]).to_pandas()
    renumber = np.full(len(places), -1, dtype=np.int64)
    renumber[keep] = np.arange(len(keep))
    names["place"] = renumber[names["place"].to_numpy()]
    return Gazetteer(places.iloc[keep].reset_index(drop=True), names.reset_index(drop=True))
