"""Totals of the incidents in a mask, from per-dataset arrays: no copy of the rows.

:mod:`geo.view.totals` totals a frame of incidents; at a million incidents in view,
taking those rows out of the shared frame and grouping them by text columns costs
seconds per rerun. Here the figures and the grouping columns are turned once per
dataset into NumPy arrays (:class:`TotalsColumns`: casualty figures as numbers,
categories as integer codes, dates as day numbers), and every total of a view is a
few :func:`numpy.bincount` calls over the row positions the view's mask selects.

The results are the same tables :mod:`geo.view.totals` gives (same columns, same
rules: figures of different claimants are never added together, a figure no
incident gives is NA, an incident without a figure is counted as unknown).
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from geo.view.totals import (
    FIGURE_COLUMNS,
    FIGURES,
    FREQUENCIES,
    SINGLE_FIGURES,
    Totals,
    inverted,
    mark_mixed,
    open_top,
)

_NO_DAY = np.iinfo(np.int64).min
"""Day number of an undated incident."""

_COARSE_PLACE = "coarse place"
"""Key of the place-vagueness array among the arrays derived on first use."""

COARSE_PRECISION = 3
"""From this location precision on (region or country level), an incident is placed too
vaguely for the totals of a view to count it without saying so."""


@dataclass(frozen=True)
class _Codes:
    """One grouping column as integer codes and the text of each code (sorted)."""

    codes: np.ndarray
    names: np.ndarray


@dataclass(frozen=True)
class TotalsColumns:
    """Per-incident arrays the totals add up, aligned with the incident frame.

    Built once per dataset by :func:`totals_columns`; grouping columns are coded
    the first time a total asks for them.

    Attributes
    ----------
    values : dict
        ``<figure>`` -> (low, high) as float32 with 0 where unknown, for each of
        :data:`geo.view.totals.FIGURES` (civilian deaths: low = high).
    unknown : dict
        ``<figure>`` -> bool array, True where the incident gives no figure.
    start, end : numpy.ndarray of int64
        First and last day of each incident, as days since 1970-01-01 (undated:
        the smallest int64).
    inverted : numpy.ndarray of bool
        True where the incident gives a casualty range with its high below its low
        (see :func:`geo.view.totals.inverted`).
    open : dict
        ``<figure>`` -> bool array, True where the incident gives a low figure and no
        high one (:func:`geo.view.totals.open_top`), for the figures given as ranges.
    """

    values: dict[str, tuple[np.ndarray, np.ndarray]]
    unknown: dict[str, np.ndarray]
    start: np.ndarray
    end: np.ndarray
    inverted: np.ndarray
    open: dict[str, np.ndarray]
    # A weak reference: the arrays are cached per dataset beside others, and must not keep
    # an old frame alive after an edit (whoever totals a frame holds it while doing so).
    _frame_ref: weakref.ref[pd.DataFrame] = field(repr=False, compare=False)
    _codes: dict[str, _Codes] = field(default_factory=dict, repr=False, compare=False)
    _derived: dict[str, np.ndarray] = field(default_factory=dict, repr=False, compare=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def __len__(self) -> int:
        return len(self.start)

    def built_from(self, incidents: pd.DataFrame) -> bool:
        """Whether these arrays were built from this very frame (held weakly)."""
        return self._frame_ref() is incidents

    @property
    def _frame(self) -> pd.DataFrame:
        frame = self._frame_ref()
        if frame is None:
            raise RuntimeError("the incident frame these totals were built from is gone")
        return frame

    def dated(self, mask: np.ndarray) -> bool:
        """Whether any incident in ``mask`` has a known date."""
        return bool(np.any(mask & (self.start != _NO_DAY)))

    def coarse(self, window: tuple[date, date] | None) -> tuple[np.ndarray, np.ndarray]:
        """Incidents vaguer than a view, by their dates and by their place.

        Parameters
        ----------
        window : tuple of date or None
            The selected dates (None: no incident is vague by its dates).

        Returns
        -------
        tuple of numpy.ndarray of bool
            Dated over more days than the window holds; placed only at region or
            country level (location precision 3 or 4).
        """
        if window is None:
            by_date = np.zeros(len(self), dtype=bool)
        else:
            dated = self.start != _NO_DAY
            end = np.where(self.end == _NO_DAY, self.start, self.end)
            span = np.where(dated, end - self.start + 1, 0)
            by_date = dated & (span > (window[1] - window[0]).days + 1)
        return by_date, self._coarse_place()

    def _coarse_place(self) -> np.ndarray:
        """Placed only at region or country level (computed once: it needs no window)."""
        found = self._derived.get(_COARSE_PLACE)
        if found is not None:
            return found
        with self._lock:
            frame = self._frame
            precision = pd.to_numeric(frame["geo_precision"], errors="coerce").to_numpy(
                dtype=float, na_value=np.nan) if "geo_precision" in frame \
                else np.full(len(self), np.nan)
            coarse = np.nan_to_num(precision, nan=1.0) >= COARSE_PRECISION
            coarse.setflags(write=False)
            self._derived[_COARSE_PLACE] = coarse
        return coarse

    def constant(self, kind: str, name: str) -> bool | None:
        """Whether the flag ``kind`` (``unknown`` or ``open``) of figure ``name`` is True
        for every incident (True), for none (False), or varies (None); found once."""
        key = f"{kind}:{name}"
        found = self._derived.get(key)
        if found is None:
            flags = getattr(self, kind)[name]
            found = np.array(2 if not flags.any() else 1 if flags.all() else 0, dtype=np.int8)
            self._derived[key] = found  # set whole: a race computes it twice, alike
        return {0: None, 1: True, 2: False}[int(found)]

    def has(self, column: str) -> bool:
        """Whether the incident frame has ``column``."""
        return column in self._frame

    def codes(self, column: str) -> _Codes:
        """The column as integer codes over its sorted text values (coded once)."""
        found = self._codes.get(column)
        if found is not None:
            return found
        with self._lock:
            found = self._codes.get(column)
            if found is None:
                text = self._frame[column].fillna("").astype(str).to_numpy(dtype=object)
                codes, names = pd.factorize(text, sort=True)
                found = _Codes(codes.astype(np.int32), np.asarray(names, dtype=object))
                self._codes[column] = found
        return found

    def first_values(self, key: str, column: str) -> np.ndarray:
        """For each code of ``key``, the text of ``column`` at its first incident."""
        coded = self.codes(key)
        first = np.full(len(coded.names), -1, dtype=np.int64)
        positions = np.arange(len(coded.codes))[::-1]
        first[coded.codes[::-1]] = positions
        values = self._frame[column].fillna("").astype(str).to_numpy(dtype=object)
        return np.asarray([values[p] if p >= 0 else "" for p in first], dtype=object)


def _days(values: pd.Series) -> np.ndarray:
    days = pd.to_datetime(values).to_numpy(dtype="datetime64[D]")
    out = days.astype(np.int64)
    out[np.isnat(days)] = _NO_DAY
    return out


def _figure(frame: pd.DataFrame, low: str, high: str) -> tuple[np.ndarray, np.ndarray]:
    if low not in frame:
        empty = np.full(len(frame), np.nan)
        return empty, empty
    lo = pd.to_numeric(frame[low], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    hi = pd.to_numeric(frame[high], errors="coerce").to_numpy(dtype=float, na_value=np.nan) \
        if high in frame else lo
    lo, hi = np.where(np.isnan(lo), hi, lo), np.where(np.isnan(hi), lo, hi)
    return np.fmin(lo, hi), np.fmax(lo, hi)  # inverted bounds: the range between them


def totals_columns(incidents: pd.DataFrame) -> TotalsColumns:
    """The arrays the totals of any view of ``incidents`` add up.

    Parameters
    ----------
    incidents : pandas.DataFrame
        The dataset's incident frame, with ``claimant`` (see
        :func:`geo.geocoding.join.to_geodataframe`). It is kept (not copied) to
        code grouping columns on first use: do not change it.

    Returns
    -------
    TotalsColumns
    """
    values, unknown, tops = {}, {}, {}
    for name, low, high in FIGURES:
        lo, hi = _figure(incidents, low, high)
        missing = np.isnan(lo)
        unknown[name] = missing
        values[name] = (np.where(missing, 0, lo).astype(np.float32),
                        np.where(missing, 0, hi).astype(np.float32))
        if name not in SINGLE_FIGURES:
            tops[name] = open_top(incidents, low, high).to_numpy(dtype=bool)
    return TotalsColumns(values, unknown, _days(incidents["date_start"]),
                         _days(incidents["date_end"]), inverted(incidents).to_numpy(dtype=bool),
                         tops, weakref.ref(incidents))


def _table(
    columns: TotalsColumns, positions: np.ndarray, keys: Sequence[_Codes], names: Sequence[str],
) -> pd.DataFrame:
    """:func:`geo.view.totals.figure_table` over the incidents at ``positions``."""
    if not len(positions):
        return pd.DataFrame(columns=[*names, "incidents", *FIGURE_COLUMNS])
    return _grid_table(_grid(columns, positions, keys), keys, names)


def _grid(
    columns: TotalsColumns, positions: np.ndarray, keys: Sequence[_Codes],
) -> dict[str, np.ndarray]:
    """Incidents, unknown figures and figure sums for every combination of the keys' codes
    (an array of shape ``(len(key.names), ...)``, or ``(1,)`` without keys)."""
    sizes = tuple(max(1, len(k.names)) for k in keys) or (1,)
    group = np.ravel_multi_index(tuple(k.codes[positions] for k in keys), sizes) \
        if keys else np.zeros(len(positions), dtype=np.int64)
    n_groups = int(np.prod(sizes))
    incidents = np.bincount(group, minlength=n_groups)
    grid: dict[str, np.ndarray] = {"incidents": incidents.reshape(sizes)}

    def flagged(kind: str, name: str) -> np.ndarray:
        # a flag no incident of the dataset has, or every one has: no pass over the rows
        constant = columns.constant(kind, name)
        if constant is None:
            flags = getattr(columns, kind)[name][positions]
            return np.bincount(group, weights=flags, minlength=n_groups).reshape(sizes)
        return (incidents if constant else np.zeros(n_groups)).astype(np.float64).reshape(sizes)

    for name, _, _ in FIGURES:
        lo, hi = columns.values[name]
        grid[f"{name}/unknown"] = flagged("unknown", name)
        if name in columns.open:
            grid[f"{name}/open"] = flagged("open", name)
        for bound, values in (("lo", lo), ("hi", hi)):
            if bound == "hi" and name in SINGLE_FIGURES:
                continue
            # a figure no incident gives is 0 for every one (its sum too)
            grid[f"{name}/{bound}"] = np.zeros(sizes) if columns.constant("unknown", name) \
                else np.bincount(group, weights=values[positions],
                                 minlength=n_groups).reshape(sizes)
    return grid


def _collapse(grid: dict[str, np.ndarray], axis: int) -> dict[str, np.ndarray]:
    """The grid summed over one key (the figures are whole numbers: sums stay exact)."""
    return {k: v.sum(axis=axis) for k, v in grid.items()}


def _grid_table(
    grid: dict[str, np.ndarray], keys: Sequence[_Codes], names: Sequence[str],
) -> pd.DataFrame:
    """The figure table of the combinations of ``grid`` holding incidents."""
    out_columns = [*names, "incidents", *FIGURE_COLUMNS]
    shape = grid["incidents"].shape
    count = grid["incidents"].ravel()
    present = np.flatnonzero(count)
    table: dict[str, object] = {}
    if keys:
        index = np.unravel_index(present, shape)
        for key, name, at in zip(keys, names, index, strict=True):
            table[name] = key.names[at]
    table["incidents"] = count[present]
    for name, _, _ in FIGURES:
        unknown = grid[f"{name}/unknown"].ravel()[present].astype(int)
        none = unknown == count[present]
        bounds = ("lo",) if name in SINGLE_FIGURES else ("lo", "hi")
        figures = [pd.array(np.round(grid[f"{name}/{b}"].ravel()[present]), dtype="Int64")
                   for b in bounds]
        for figure in figures:
            figure[none] = pd.NA
        if name in SINGLE_FIGURES:
            table[name] = figures[0]
            table[f"{name}_unknown"] = unknown
        else:
            table[f"{name}_min"], table[f"{name}_max"] = figures
            table[f"{name}_unknown"] = unknown
            table[f"{name}_open"] = grid[f"{name}/open"].ravel()[present].astype(int)
    frame = pd.DataFrame(table)[out_columns]
    if names:  # the order figure_table gives: sorted by the groups' text
        frame = frame.sort_values(list(names), kind="stable")
    return frame.reset_index(drop=True)


def totals_of(columns: TotalsColumns, mask: np.ndarray) -> Totals:
    """:func:`geo.view.totals.totals` of the incidents in ``mask``.

    Parameters
    ----------
    columns : TotalsColumns
    mask : numpy.ndarray of bool
        The incidents to total, aligned with the frame ``columns`` was built from.

    Returns
    -------
    Totals
    """
    positions = np.flatnonzero(mask)
    claimant, status = columns.codes("claimant"), columns.codes("claim_status")
    if len(positions):
        # One pass over the incidents; the two one-key tables are sums of its grid.
        grid = _grid(columns, positions, [claimant, status])
        breakdown = _grid_table(grid, [claimant, status], ["claimant", "claim_status"])
        by_claimant = _grid_table(_collapse(grid, 1), [claimant], ["claimant"])
        by_status = _grid_table(_collapse(grid, 0), [status], ["claim_status"])
    else:
        breakdown = _table(columns, positions, [claimant, status], ["claimant", "claim_status"])
        by_claimant = _table(columns, positions, [claimant], ["claimant"])
        by_status = _table(columns, positions, [status], ["claim_status"])
    counts = breakdown.groupby("claim_status")["claimant"].nunique()
    by_status = mark_mixed(by_status, "claim_status", counts, 2) if len(positions) else \
        by_status.assign(claimants=pd.Series(dtype=int))[
            ["claim_status", "incidents", "claimants", *FIGURE_COLUMNS]]
    return Totals(len(positions), by_claimant, by_status, breakdown,
                  int(np.count_nonzero(columns.inverted[positions])))


def area_stats_of(
    columns: TotalsColumns, mask: np.ndarray, level: int = 1, claimant: str | None = None,
) -> pd.DataFrame:
    """:func:`geo.view.totals.area_stats` of the incidents in ``mask``."""
    code, name = f"adm{level}_pcode", f"adm{level}_name"
    out = ["pcode", "name", "incidents", "claimants", *FIGURE_COLUMNS]
    if not columns.has(code):
        return pd.DataFrame(columns=out)
    area = columns.codes(code)
    keep = mask & (area.names[area.codes] != "") if len(area.names) else mask
    claimants = columns.codes("claimant")
    if claimant is not None:
        keep = keep & (claimants.names[claimants.codes] == claimant)
    positions = np.flatnonzero(keep)
    table = _table(columns, positions, [area], ["pcode"])
    if not len(positions):
        return table.assign(name=pd.Series(dtype=str), claimants=pd.Series(dtype=int))[out]
    names = dict(zip(area.names, columns.first_values(code, name), strict=True))
    table.insert(1, "name", table["pcode"].map(names))
    pairs = pd.DataFrame({"pcode": area.codes[positions], "c": claimants.codes[positions]})
    per_area = pairs.drop_duplicates().groupby("pcode").size()
    per_area.index = area.names[per_area.index.to_numpy()]
    return mark_mixed(table, "pcode", per_area, 3)[out].reset_index(drop=True)


def _periods(days: np.ndarray, freq: str) -> np.ndarray:
    """First day (as datetime64[D]) of the period each day falls in."""
    day = days.astype("datetime64[D]")
    if freq == "day":
        return day
    if freq == "week":  # pandas' W-MON: weeks ending on Monday, starting on Tuesday
        return (days - (days + 2) % 7).astype("datetime64[D]")
    unit = "M" if freq == "month" else "Y"
    return day.astype(f"datetime64[{unit}]").astype("datetime64[D]")


def straddling_of(columns: TotalsColumns, mask: np.ndarray, period: tuple[date, date]
                  ) -> tuple[np.ndarray, np.ndarray]:
    """The incidents in ``mask`` whose dates cross an edge of ``period``.

    Returns
    -------
    tuple of numpy.ndarray
        Positions of those starting before it and running into it (counted in the
        period they start in), and of those starting in it and running past its end.
    """
    lo, hi = (np.datetime64(d, "D").astype(np.int64) for d in period)
    dated = mask & (columns.start != _NO_DAY)
    before = dated & (columns.start < lo) & (columns.end >= lo)
    after = dated & (columns.start >= lo) & (columns.start <= hi) & (columns.end > hi)
    return np.flatnonzero(before), np.flatnonzero(after)


def time_series_of(
    columns: TotalsColumns, mask: np.ndarray, freq: str = "month", by: str = "event_type",
) -> pd.DataFrame:
    """:func:`geo.view.totals.time_series` of the incidents in ``mask``."""
    if freq not in FREQUENCIES:
        raise ValueError(f"freq must be one of {', '.join(FREQUENCIES)}, not {freq!r}")
    if not columns.has(by):
        raise ValueError(f"no column {by!r} to split by")
    out = ["period", by, "claimant", "incidents", *FIGURE_COLUMNS]
    positions = np.flatnonzero(mask & (columns.start != _NO_DAY))
    if not len(positions):
        return pd.DataFrame(columns=out)
    period_days = _periods(columns.start[positions], freq)
    names, codes = np.unique(period_days, return_inverse=True)
    full = np.zeros(len(columns), dtype=np.int32)
    full[positions] = codes
    period = _Codes(full, names)
    table = _table(columns, positions, [period, columns.codes(by), columns.codes("claimant")],
                   ["period", by, "claimant"])
    table["period"] = pd.to_datetime(table["period"]).dt.date
    return table[out].sort_values(["period", by, "claimant"]).reset_index(drop=True)


def compare_periods_of(
    columns: TotalsColumns, mask: np.ndarray, periods: Sequence[tuple[date, date]],
    by: Sequence[str] = ("claimant",),
) -> pd.DataFrame:
    """:func:`geo.view.totals.compare_periods` of the incidents in ``mask``.

    An incident counts in the period its start day falls in, as on the timeline's
    figures (:func:`time_series_of`): months added up count it once (trial 24).
    """
    tables = []
    undated = columns.start == _NO_DAY
    for start, end in periods:
        lo = np.datetime64(start, "D").astype(np.int64)
        hi = np.datetime64(end, "D").astype(np.int64)
        inside = mask & ~undated & (columns.start <= hi) & (columns.start >= lo)
        table = _table(columns, np.flatnonzero(inside), [columns.codes(c) for c in by],
                       list(by))
        table.insert(0, "period", f"{start.isoformat()} to {end.isoformat()}")
        tables.append(table)
    if not tables:
        return pd.DataFrame(columns=["period", *by, "incidents", *FIGURE_COLUMNS])
    return pd.concat(tables, ignore_index=True)
