"""Every spelling of the places stored records were placed at, without a geocoder.

Display pages search a place under any of its spellings (``place_names``). The stored
``geocode_source`` names the place (a gazetteer id, or an analyst's correction), so the
spellings of just those places are read by id from the memory-mapped index and the
project's place file, and corrections from their file: no geocoder is built and no
name is looked up.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path

import pandas as pd

from geo.geocoding.gazetteer import Gazetteer
from geo.geocoding.overrides import Override, OverrideStore
from geo.geocoding.sources import load_gazetteer
from geo.settings import Settings

#: ``geocode_source`` prefixes that name a gazetteer entry.
_PLACE_IDS = ("geonames:", "local:", "learned:")


def place_spellings(
    sources: Iterable[str], settings: Settings, corrections: Sequence[Override] | None = None
) -> dict[str, str]:
    """Spellings of the places some geocode sources name, joined by ``" | "``.

    Parameters
    ----------
    sources : iterable of str
        ``geonames:<id>``, ``local:<slug>`` or ``override:<id>`` values of
        ``geocode_source``; others are ignored.
    settings : Settings
        Where the index and the place file are (and the corrections file, by default).
    corrections : sequence of Override, optional
        The analysts' corrections (those of the store); default: the corrections file.

    Returns
    -------
    dict
        Source -> spellings (name first), for the sources found.
    """
    wanted = {s for s in sources if isinstance(s, str) and s}
    if not wanted:
        return {}
    via: dict[str, str] = {}
    pins: dict[str, str] = {}
    if any(s.startswith("override:") for s in wanted):
        if corrections is None:
            path = settings.overrides_path
            corrections = OverrideStore(path).all() if path.exists() else []
        for o in corrections:
            key = f"override:{o.override_id}"
            if key in wanted:
                if o.gazetteer_id:
                    via[key] = o.gazetteer_id
                else:
                    pins[key] = o.name
    ids = {s for s in wanted if s.startswith(_PLACE_IDS)} | set(via.values())
    found: dict[str, str] = {}
    if ids:
        gazetteer = _gazetteer(settings.gazetteer_index_path, _mtime(settings.gazetteer_index_path),
                               settings.places_path, _mtime(settings.places_path))
        for gid in ids:
            row = gazetteer.row(gid)
            if row is not None:
                found[gid] = " | ".join(gazetteer.place(row).spellings)
    out = {s: found[s] for s in wanted if s in found}
    out.update({k: found[g] for k, g in via.items() if g in found})
    out.update(pins)
    return out


def _mtime(path: Path) -> float:
    return path.stat().st_mtime if path.exists() else 0.0


@lru_cache(maxsize=1)
def _gazetteer(index: Path, index_mtime: float, places: Path, places_mtime: float) -> Gazetteer:
    """The memory-mapped index with the project's places (no geocoder, no name lookups)."""
    return load_gazetteer(index if index.exists() else None,
                          places if places.exists() else None)


def with_spellings(
    frame: pd.DataFrame, settings: Settings, corrections: Sequence[Override] | None = None
) -> pd.DataFrame:
    """Fill ``place_names`` of geocoded records from :func:`place_spellings` (in place)."""
    sources = frame["geocode_source"].astype(str)
    names = place_spellings(pd.unique(sources), settings, corrections)
    if names:
        frame["place_names"] = sources.map(names).fillna("").astype(str)
    return frame
