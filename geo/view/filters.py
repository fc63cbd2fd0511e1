"""Which incidents a view shows, and why the others are hidden."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from geo.geocoding.names import basic_key
from geo.view.state import ViewState


@dataclass(frozen=True)
class FilterResult:
    """The incidents a view shows.

    Attributes
    ----------
    mask : numpy.ndarray
        True for incidents that pass every filter.
    hidden_by : dict
        For each filter, how many incidents it hides (an incident hidden by two
        filters counts in both).
    """

    mask: np.ndarray
    hidden_by: dict[str, int]

    @property
    def shown(self) -> int:
        """Number of incidents shown."""
        return int(self.mask.sum())

    @property
    def hidden(self) -> int:
        """Number of incidents hidden by at least one filter."""
        return int((~self.mask).sum())


def date_overlap(
    starts: pd.Series, ends: pd.Series, date_from: object, date_to: object
) -> np.ndarray:
    """True where an incident's interval [start, end] overlaps [date_from, date_to].

    An incident dated to a month or a year matches when any day of it falls in
    the range. Undated incidents are False.
    """
    lo, hi = pd.Timestamp(date_from), pd.Timestamp(date_to)
    return ((starts <= hi) & (ends >= lo)).fillna(False).to_numpy(dtype=bool)


def apply_view(incidents: pd.DataFrame, state: ViewState) -> FilterResult:
    """Evaluate every filter of ``state`` over ``incidents``.

    Parameters
    ----------
    incidents : pandas.DataFrame
        Output of :func:`geo.geocoding.join.to_geodataframe` (needs ``search_text``).
    state : ViewState

    Returns
    -------
    FilterResult
    """
    n = len(incidents)
    undated = incidents["date_start"].isna().to_numpy()
    checks: dict[str, np.ndarray] = {}
    if state.date_from is not None and state.date_to is not None:
        in_range = date_overlap(
            incidents["date_start"], incidents["date_end"], state.date_from, state.date_to
        )
        checks["date"] = in_range | undated
    checks["undated"] = ~undated if not state.include_undated else np.ones(n, bool)
    checks["event type"] = incidents["event_type"].isin(state.event_types).to_numpy()
    checks["claim status"] = incidents["claim_status"].isin(state.claim_statuses).to_numpy()
    precision = incidents["geo_precision"]
    checks["location precision"] = (
        precision.isna() | precision.isin(list(state.precisions))
    ).to_numpy(dtype=bool)
    if state.query.strip():
        key = basic_key(state.query)
        checks["search"] = (
            incidents["search_text"].str.contains(key, regex=False).to_numpy(dtype=bool)
            if key
            else np.ones(n, bool)
        )
    mask = np.ones(n, dtype=bool)
    hidden_by: dict[str, int] = {}
    for name, passed in checks.items():
        mask &= passed
        if (~passed).any():
            hidden_by[name] = int((~passed).sum())
    return FilterResult(mask, hidden_by)
