"""Incidents aggregated by zoom: what the map draws at a given position.

The map never receives every incident. For the position on screen, incidents in
(and around) the view are binned into square cells of :data:`CELL_PIXELS` screen
pixels in Web Mercator: a cell holding a single place is drawn as that place's
marker; a cell holding several places is drawn as one aggregate, which carries
its count, the range of casualty figures per incident (figures are never added
across incidents, whose claimants differ) and a breakdown by event type and claim
status. The payload is thus bounded by the number of cells on screen, whatever
the number of incidents.

:func:`map_columns` prepares compact per-incident arrays once per dataset (shared
by every session); :func:`aggregate` runs on every rerun over a filter mask.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from pyproj import Transformer

from geo.render.cell_details import empty_figures, empty_top, frame_details
from geo.render.cell_merge import merge_close
from geo.render.layers import casualty_figure, uncertainty_metres
from geo.render.place_details import empty_place_figures, place_days, place_figures
from geo.view.totals import OPEN_FIGURES, open_top
from geo.vocab import CLAIM_STATUSES, COORD_DECIMALS, CRS, EVENT_TYPES, WEB_MERCATOR

CELL_PIXELS = 56
"""Side of an aggregation cell, in screen pixels."""

AGGREGATE_BELOW_ZOOM = 18
"""From this zoom on every place is drawn on its own (nothing is aggregated)."""

MERGE_PIXELS = 44
"""Grid cells whose centres are closer than this many pixels are drawn as one."""

CLOSE_ZOOM = 10
"""From this zoom on, approximate places are drawn with their uncertainty circle (those
no wider than :data:`UNCERTAINTY_MAX_PIXELS`; the others while the pointer is on them)."""

UNCERTAINTY_MAX_PIXELS = 60
"""Largest radius, in screen pixels, of an uncertainty circle drawn without a hover or a
selection: a few marker widths. Wider circles (a 25 km radius spans 200 px at zoom 10)
overlap one another and tint the whole view, hiding the basemap and its labels."""

VIEW_PIXELS = (2400, 1600)
"""Width and height in pixels of the window, centred on the map centre, whose
incidents are sent: larger than any map frame, so that panning shows data."""

_EARTH_METRES = 2 * math.pi * 6_378_137
"""Width of the Web Mercator world in metres (EPSG:3857)."""

_TO_MERCATOR = Transformer.from_crs(CRS, WEB_MERCATOR, always_xy=True)


@dataclass(frozen=True, eq=False)
class MapColumns:
    """Per-incident arrays the aggregation needs, aligned with the incident frame.

    Built once per dataset by :func:`map_columns`. Rows not on the map
    (``drawn`` False) hold NaN coordinates.

    Attributes
    ----------
    drawn : numpy.ndarray of bool
        The incident has a map location.
    lat, lon : numpy.ndarray of float64
        Coordinates rounded to :data:`geo.vocab.COORD_DECIMALS` (place key).
    x, y : numpy.ndarray of float64
        Web Mercator metres.
    place : numpy.ndarray of int64
        Code of the distinct rounded location (-1 off the map).
    event : numpy.ndarray of int8
        Index into :data:`geo.vocab.EVENT_TYPES` (``len`` for anything else).
    claim : numpy.ndarray of int8
        Index into :data:`geo.vocab.CLAIM_STATUSES` (``len`` for anything else).
    precision : numpy.ndarray of int8
        Location precision (1 when unknown).
    uncertainty : numpy.ndarray of float32
        Radius (m) the point may be off by (see :func:`geo.render.layers.uncertainty_metres`).
    figure : numpy.ndarray of float32
        Best single casualty figure, for marker size (0 when unknown).
    killed, injured, casualties : tuple of numpy.ndarray of float32
        ``(low, high)`` per incident, NaN when unknown; each bound falls back on
        the other when only one is given.
    open_top : dict
        ``killed``/``injured``/``casualties`` -> bool per incident: a low figure and no
        high one ("at least 16"), so its high is a floor.
    label_code : numpy.ndarray of int32
        Per incident, the index of its label in ``labels``.
    labels : numpy.ndarray of object
        The distinct labels: place as written (or "near <town>"). One string per
        distinct label, not per incident (a million Python strings would weigh
        about 80 MB).
    day_start, day_end : numpy.ndarray of float32
        Days since 1970-01-01 of the first and last day (NaN when undated).
    claimant : numpy.ndarray of int32
        Per incident, the index of its claimant in ``claimants`` (whose figures they are,
        :func:`geo.geocoding.join.claimants`).
    claimants : numpy.ndarray of object
        The distinct claimants.
    best : numpy.ndarray of float32
        Best estimate of the killed (NaN when none).
    civilians : numpy.ndarray of float32 or None
        Civilian deaths (UCDP ``deaths_civilians``; NaN when none; None: not known).
    """

    drawn: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    x: np.ndarray
    y: np.ndarray
    place: np.ndarray
    event: np.ndarray
    claim: np.ndarray
    precision: np.ndarray
    uncertainty: np.ndarray
    figure: np.ndarray
    killed: tuple[np.ndarray, np.ndarray]
    injured: tuple[np.ndarray, np.ndarray]
    casualties: tuple[np.ndarray, np.ndarray]
    open_top: dict[str, np.ndarray]
    label_code: np.ndarray
    labels: np.ndarray
    day_start: np.ndarray
    day_end: np.ndarray
    claimant: np.ndarray
    claimants: np.ndarray
    best: np.ndarray
    civilians: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.drawn)


def _bounds(frame: pd.DataFrame, low: str, high: str) -> tuple[np.ndarray, np.ndarray]:
    lo = pd.to_numeric(frame[low], errors="coerce").astype("float64")
    hi = pd.to_numeric(frame[high], errors="coerce").astype("float64")
    lo, hi = lo.fillna(hi), hi.fillna(lo)
    return (lo.to_numpy(dtype=np.float32, na_value=np.nan),
            hi.to_numpy(dtype=np.float32, na_value=np.nan))


def _days(dates: pd.Series) -> np.ndarray:
    days = dates.to_numpy(dtype="datetime64[ns]").astype("datetime64[D]")
    out = days.astype(np.int64).astype(np.float32)  # exact for any day of 45,000 years
    out[np.isnat(days)] = np.nan
    return out


def _figure(frame: pd.DataFrame, column: str) -> np.ndarray:
    """A figure column as float32 (NaN when unknown or absent)."""
    if column not in frame:
        return np.full(len(frame), np.nan, dtype=np.float32)
    return pd.to_numeric(frame[column], errors="coerce").to_numpy(
        dtype=np.float32, na_value=np.nan)


def _claimants(incidents: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """A claimant code per incident and the distinct claimants (the frame's ``claimant``,
    else :func:`geo.geocoding.join.claimants`)."""
    if "claimant" in incidents:
        names = incidents["claimant"].fillna("unattributed").astype(str)
    else:
        from geo.geocoding.join import claimants

        names = claimants(incidents)
    codes, uniques = pd.factorize(names)
    return codes, np.asarray(uniques, dtype=object)


def _codes(values: pd.Series, vocabulary: tuple[str, ...]) -> np.ndarray:
    lookup = {name: i for i, name in enumerate(vocabulary)}
    return values.map(lookup).fillna(len(vocabulary)).to_numpy(dtype=np.int8)


def _labels(incidents: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Place as written, or 'near <town>' for points named after their nearest town:
    a code per incident and the distinct labels."""
    place = incidents["place"].fillna("").astype(str)
    if "nearest_place" in incidents:
        nearest = incidents["nearest_place"].fillna("").astype(str)
        place = place.where((place != "") | (nearest == ""), "near " + nearest)
    codes, names = pd.factorize(place)
    return codes.astype(np.int32), np.asarray(names, dtype=object)


def map_columns(incidents: pd.DataFrame) -> MapColumns:
    """Compact arrays of an incident frame for :func:`aggregate`.

    Parameters
    ----------
    incidents : pandas.DataFrame
        Output of :func:`geo.geocoding.join.to_geodataframe` (``off_map``,
        ``latitude``, ``longitude``, ``geo_precision``, casualty columns ...).

    Returns
    -------
    MapColumns
    """
    drawn = (incidents["off_map"] == "").to_numpy(dtype=bool)
    lat = pd.to_numeric(incidents["latitude"], errors="coerce").round(COORD_DECIMALS)
    lon = pd.to_numeric(incidents["longitude"], errors="coerce").round(COORD_DECIMALS)
    lat = lat.to_numpy(dtype=float, na_value=np.nan, copy=True)
    lon = lon.to_numpy(dtype=float, na_value=np.nan, copy=True)
    lat[~drawn] = np.nan
    lon[~drawn] = np.nan
    x, y = _TO_MERCATOR.transform(np.nan_to_num(lon), np.clip(np.nan_to_num(lat), -85, 85))
    place = np.full(len(incidents), -1, dtype=np.int64)
    if drawn.any():
        scale = 10**COORD_DECIMALS
        ilat = np.rint(lat[drawn] * scale).astype(np.int64)
        ilon = np.rint(lon[drawn] * scale).astype(np.int64)
        place[drawn] = pd.factorize(ilat * (1 << 32) + ilon)[0]
    precision = pd.to_numeric(incidents["geo_precision"], errors="coerce").fillna(1)
    label_code, labels = _labels(incidents)
    claimant_code, claimant_names = _claimants(incidents)
    return MapColumns(
        drawn=drawn,
        lat=lat,
        lon=lon,
        x=np.asarray(x, dtype=float),
        y=np.asarray(y, dtype=float),
        place=place,
        event=_codes(incidents["event_type"], EVENT_TYPES),
        claim=_codes(incidents["claim_status"], CLAIM_STATUSES),
        precision=precision.to_numpy(dtype=np.int8),
        uncertainty=np.asarray(uncertainty_metres(incidents), dtype=np.float32),
        figure=casualty_figure(incidents).fillna(0).to_numpy(dtype=np.float32),
        killed=_bounds(incidents, "killed_min", "killed_max"),
        injured=_bounds(incidents, "injured_min", "injured_max"),
        casualties=_bounds(incidents, "casualties_min", "casualties_max"),
        open_top={name: open_top(incidents, f"{name}_min", f"{name}_max").to_numpy(dtype=bool)
                  for name in OPEN_FIGURES},
        label_code=label_code,
        labels=labels,
        day_start=_days(incidents["date_start"]),
        day_end=_days(incidents["date_end"]),
        claimant=claimant_code.astype(np.int32),
        claimants=np.asarray(claimant_names, dtype=object),
        best=_figure(incidents, "killed_best"),
        civilians=_figure(incidents, "deaths_civilians"),
    )


def positions_at(columns: MapColumns, mask: np.ndarray, lat: float, lon: float) -> np.ndarray:
    """Row positions of the drawn incidents in ``mask`` at a clicked location.

    Parameters
    ----------
    columns : MapColumns
        Arrays of the whole frame.
    mask : numpy.ndarray of bool
        Incidents considered (aligned with the frame).
    lat, lon : float
        The location; compared after rounding to :data:`geo.vocab.COORD_DECIMALS`.

    Returns
    -------
    numpy.ndarray of int64
        Positions in frame order.
    """
    at = (columns.lat == round(lat, COORD_DECIMALS)) & (columns.lon == round(lon, COORD_DECIMALS))
    return np.flatnonzero(at & mask & columns.drawn)


def view_window(
    center: tuple[float, float], zoom: int, pixels: tuple[int, int] = VIEW_PIXELS
) -> tuple[float, float, float, float]:
    """Web Mercator box ``(xmin, ymin, xmax, ymax)`` in metres around a map centre.

    Parameters
    ----------
    center : tuple of float
        Map centre (lat, lon).
    zoom : int
        Map zoom.
    pixels : tuple of int
        Width and height of the window in screen pixels.

    Returns
    -------
    tuple of float
    """
    x, y = _TO_MERCATOR.transform(center[1], max(-85.0, min(85.0, center[0])))
    metres = _EARTH_METRES / (256 * 2**zoom)
    half_w, half_h = pixels[0] * metres / 2, pixels[1] * metres / 2
    return x - half_w, y - half_h, x + half_w, y + half_h


@dataclass(frozen=True)
class Aggregates:
    """What the map draws at one position.

    Attributes
    ----------
    cells : pandas.DataFrame
        One row per cell holding several places: ``lat``, ``lon`` (mean of the
        incidents' locations), ``south``, ``west``, ``north``, ``east`` (box of
        its places), ``count``, ``places``, ``killed_lo``/``killed_hi``,
        ``injured_lo``/``injured_hi``, ``casualties_lo``/``casualties_hi`` (range
        of the per-incident figures, NaN when none is known), ``*_known``
        (how many incidents give that figure) and ``*_open`` (how many give a low and
        no high: the range's top is then a floor), ``date_from``/``date_to``.
    types, claims : numpy.ndarray of int
        Per cell, incidents of each event type (``EVENT_TYPES`` + other) and
        claim status (``CLAIM_STATUSES`` + other); one row per row of ``cells``.
    places : pandas.DataFrame
        One row per place drawn on its own: ``lat``, ``lon``, ``count``,
        ``type`` (index, or ``len(EVENT_TYPES)`` for several types),
        ``precision`` (the coarsest there), ``figure`` (sum of the best figures,
        for marker size only), ``label``, ``date_from``/``date_to``.
    total : int
        Incidents in the window.
    zoom : int
    places_at_most : bool
        The cells' ``places`` are upper bounds (summed from a pre-aggregated cube),
        not distinct counts; a cell of one place is still exactly one.
    figures : pandas.DataFrame
        Killed figures per aggregate (row of ``cells``) and claimant
        (:data:`geo.render.cell_details.FIGURE_COLUMNS`).
    top : pandas.DataFrame
        The places holding most incidents of each aggregate
        (:data:`geo.render.cell_details.TOP_COLUMNS`).
    details_left_out : int or None
        Store mode: the most incidents in the window for which ``figures`` and ``top``
        are asked, when this window holds more (they are then empty); else None.
    place_figures : pandas.DataFrame
        Killed and civilian figures per single place (row of ``places``) and claimant
        (:data:`geo.render.place_details.PLACE_FIGURE_COLUMNS`).
    """

    cells: pd.DataFrame
    types: np.ndarray
    claims: np.ndarray
    places: pd.DataFrame
    total: int
    zoom: int
    places_at_most: bool = False
    figures: pd.DataFrame = field(default_factory=empty_figures)
    top: pd.DataFrame = field(default_factory=empty_top)
    details_left_out: int | None = None
    place_figures: pd.DataFrame = field(default_factory=empty_place_figures)


def aggregate(
    columns: MapColumns,
    mask: np.ndarray,
    zoom: int,
    window: tuple[float, float, float, float] | None = None,
    cell_pixels: int = CELL_PIXELS,
) -> Aggregates:
    """Bin the shown incidents in the window into cells of ``cell_pixels``.

    Parameters
    ----------
    columns : MapColumns
        Of the whole dataset.
    mask : numpy.ndarray of bool
        Incidents the view shows (filters), aligned with ``columns``.
    zoom : int
        Map zoom; from :data:`AGGREGATE_BELOW_ZOOM` on, nothing is aggregated.
    window : tuple of float, optional
        Web Mercator box of :func:`view_window`; None: everywhere.
    cell_pixels : int
        Side of a cell in screen pixels.

    Returns
    -------
    Aggregates
    """
    keep = mask & columns.drawn
    if window is not None:
        xmin, ymin, xmax, ymax = window
        keep &= (columns.x >= xmin) & (columns.x <= xmax)
        keep &= (columns.y >= ymin) & (columns.y <= ymax)
    # Per-row intermediates are let go as soon as they are used (``del``): at a million
    # incidents in view each is 8 MB, and the page's peak memory is this function's.
    rows = np.flatnonzero(keep)
    del keep
    total = int(len(rows))
    place = columns.place[rows]
    if zoom >= AGGREGATE_BELOW_ZOOM:
        cell, _ = pd.factorize(place)
    else:
        size = cell_pixels * _EARTH_METRES / (256 * 2**zoom)
        key = np.floor(columns.x[rows] / size).astype(np.int64) * (1 << 31)
        key += np.floor(columns.y[rows] / size).astype(np.int64)
        cell, _ = pd.factorize(key)
        del key
    if zoom < AGGREGATE_BELOW_ZOOM and len(rows):
        pixel = _EARTH_METRES / (256 * 2**zoom)
        cell = merge_close(cell, columns.x[rows] / pixel, columns.y[rows] / pixel,
                           MERGE_PIXELS)
    n_cells = int(cell.max(initial=-1)) + 1
    # A place lies in one cell: count the distinct places of each cell.
    place_cell = np.full(int(place.max(initial=-1)) + 1, -1, dtype=np.int64)
    place_cell[place] = cell
    del place
    n_places = np.bincount(place_cell[place_cell >= 0], minlength=n_cells)
    del place_cell
    multi = np.flatnonzero(n_places > 1)
    local = np.full(n_cells, -1, dtype=np.int64)
    local[multi] = np.arange(len(multi))
    row_local = local[cell]
    del cell
    in_multi = row_local >= 0
    single_rows = rows[~in_multi]
    multi_rows, multi_local = rows[in_multi], row_local[in_multi]
    del rows, row_local, in_multi
    cells, types, claims = _cells(columns, multi_rows, multi_local, n_places[multi])
    places, codes = _places(columns, single_rows)
    alone = place_figures(columns, single_rows, codes, len(places))
    del single_rows, codes
    figures, top = frame_details(columns, multi_rows, multi_local, len(multi))
    return Aggregates(cells, types, claims, places, total, zoom,
                      figures=figures, top=top, place_figures=alone)


def _extremes(
    lows: dict[str, np.ndarray], highs: dict[str, np.ndarray], groups: np.ndarray, k: int
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Per-group min of each array of ``lows`` and max of each of ``highs``, ignoring NaN
    (NaN for a group with none), as float64.

    Unbuffered reductions into the groups (``numpy.fmin.at``; ``fmin`` and ``fmax`` skip
    NaN), in the rows' own order: no sort of the rows and no reordered copy of each array
    (about 2 ms per array at a million rows, where sorting the rows by group and reducing
    each array's runs took 60-70 ms for the twelve).
    """
    low = {name: np.full(k, np.nan) for name in lows}
    high = {name: np.full(k, np.nan) for name in highs}
    if not len(groups):
        return low, high
    for out, arrays, reduce in ((low, lows, np.fmin), (high, highs, np.fmax)):
        for name, values in arrays.items():
            if values.dtype.kind != "f":
                values = values.astype(np.float64)
            into = np.full(k, np.nan, dtype=values.dtype)  # one dtype: numpy's fast path
            reduce.at(into, groups, values)
            out[name] = into.astype(np.float64)
    return low, high


def _count_true(groups: np.ndarray, flags: np.ndarray, k: int) -> np.ndarray:
    """Per group (``groups`` in ``0..k-1``), how many of its rows ``flags`` marks.

    As ``numpy.bincount(groups, flags)`` gives it (float64), but counting the flagged
    rows' groups (no float weight made per row); none flagged or every row flagged: no
    pass over the groups, or one without a selection.
    """
    if not flags.any():
        return np.zeros(k)
    if flags.all():
        return np.bincount(groups, minlength=k).astype(np.float64)
    return np.bincount(groups[flags], minlength=k).astype(np.float64)


def _cells(
    columns: MapColumns, rows: np.ndarray, local: np.ndarray, n_places: np.ndarray
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Aggregates of the cells holding several places (``local``: cell 0..k-1 per row)."""
    k = len(n_places)
    count = np.bincount(local, minlength=k)
    lat, lon = columns.lat[rows], columns.lon[rows]
    lows = {"south": lat, "west": lon}
    highs = {"north": lat, "east": lon}
    known: dict[str, np.ndarray] = {}
    unknown: list[str] = []  # figures no incident here gives: their range is NaN
    for name in ("killed", "injured", "casualties"):
        low, high = (values[rows] for values in getattr(columns, name))
        given = ~np.isnan(low)
        if given.any():
            known[f"{name}_known"] = _count_true(local, given, k)
            # an open top needs a low figure: none where no incident gives one
            known[f"{name}_open"] = _count_true(local, columns.open_top[name][rows], k)
            lows[f"{name}_lo"], highs[f"{name}_hi"] = low, high
        else:
            known[f"{name}_known"], known[f"{name}_open"] = np.zeros(k), np.zeros(k)
            unknown.append(name)
    lows["date_from"] = columns.day_start[rows]
    highs["date_to"] = columns.day_end[rows]
    lows, highs = _extremes(lows, highs, local, k)
    for name in unknown:
        lows[f"{name}_lo"], highs[f"{name}_hi"] = np.full(k, np.nan), np.full(k, np.nan)
    data: dict[str, np.ndarray] = {
        "lat": np.bincount(local, lat, minlength=k) / np.maximum(count, 1),
        "lon": np.bincount(local, lon, minlength=k) / np.maximum(count, 1),
        "south": lows["south"],
        "north": highs["north"],
        "west": lows["west"],
        "east": highs["east"],
        "count": count,
        "places": n_places,
    }
    for name in ("killed", "injured", "casualties"):
        data[f"{name}_lo"] = lows[f"{name}_lo"]
        data[f"{name}_hi"] = highs[f"{name}_hi"]
        data[f"{name}_known"] = known[f"{name}_known"]
        data[f"{name}_open"] = known[f"{name}_open"].astype(np.int64)
    data["date_from"] = lows["date_from"]
    data["date_to"] = highs["date_to"]
    n_types, n_claims = len(EVENT_TYPES) + 1, len(CLAIM_STATUSES) + 1
    types = np.bincount(local * n_types + columns.event[rows], minlength=k * n_types)
    claims = np.bincount(local * n_claims + columns.claim[rows], minlength=k * n_claims)
    return (pd.DataFrame(data), types.reshape(k, n_types).astype(int),
            claims.reshape(k, n_claims).astype(int))


def _places(columns: MapColumns, rows: np.ndarray) -> tuple[pd.DataFrame, np.ndarray]:
    """One row per place of the cells that hold a single place, and the place of each row."""
    codes, uniques = pd.factorize(columns.place[rows])
    k = len(uniques)
    first = np.full(k, len(rows), dtype=np.int64)
    np.minimum.at(first, codes, np.arange(len(rows)))
    event = columns.event[rows].astype(np.int64)
    type_min, type_max = np.full(k, 1 << 30), np.full(k, -1)
    np.minimum.at(type_min, codes, event)
    np.maximum.at(type_max, codes, event)
    precision = np.zeros(k, dtype=np.int64)
    np.maximum.at(precision, codes, columns.precision[rows].astype(np.int64))
    uncertainty = np.zeros(k, dtype=float)
    np.maximum.at(uncertainty, codes, columns.uncertainty[rows])
    at = rows[first]
    day_from, day_to = place_days(columns, rows, codes, k)
    return pd.DataFrame(
        {
            "lat": columns.lat[at],
            "lon": columns.lon[at],
            "count": np.bincount(codes, minlength=k),
            "type": np.where(type_min == type_max, type_min, len(EVENT_TYPES)),
            "precision": precision,
            "uncertainty": uncertainty,
            "figure": np.bincount(codes, columns.figure[rows], minlength=k),
            "label": columns.labels[_common_labels(codes, columns.label_code[rows], k)],
            "date_from": day_from,
            "date_to": day_to,
        }
    ), codes


def _common_labels(codes: np.ndarray, labels: np.ndarray, k: int) -> np.ndarray:
    """Per group (``codes`` in ``0..k-1``), its most frequent label code; among equals
    the one seen first. One record's corrected name does not rename its neighbours."""
    if not len(codes):
        return np.zeros(0, dtype=np.int64)
    pairs = codes.astype(np.int64) * (int(labels.max()) + 1) + labels
    found, first, counts = np.unique(pairs, return_index=True, return_counts=True)
    group = found // (int(labels.max()) + 1)
    order = np.lexsort((first, -counts, group))  # per group: most frequent, then first
    best = np.zeros(k, dtype=np.int64)
    leaders = order[np.r_[True, group[order][1:] != group[order][:-1]]]
    best[group[leaders]] = found[leaders] % (int(labels.max()) + 1)
    return best
