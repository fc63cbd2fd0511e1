"""Per-dataset arrays the map page computes once and every session shares."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import date

import numpy as np
import pandas as pd
import streamlit as st

from geo.render.clusters import MapColumns, map_columns
from geo.render.table import date_order
from geo.view.filters import FilterContext, apply_view
from geo.view.state import ViewState
from geo.view.timeline import TimelineColumns, timeline_columns, timeline_counts


@st.cache_resource(show_spinner=False, max_entries=2)
def _columns(fingerprint: str, _incidents: pd.DataFrame) -> MapColumns:
    return map_columns(_incidents)


@st.cache_resource(show_spinner=False, max_entries=2)
def _ids(fingerprint: str, _incidents: pd.DataFrame) -> pd.Index:
    return pd.Index(_incidents["id"].astype(str))


@st.cache_resource(show_spinner=False, max_entries=2)
def _timeline_columns(fingerprint: str, _incidents: pd.DataFrame) -> TimelineColumns:
    return timeline_columns(_incidents)


@st.cache_resource(show_spinner=False, max_entries=64)
def _timeline(
    fingerprint: str, mask_key: str, window: tuple[date, date], _columns: TimelineColumns,
    _mask: np.ndarray,
) -> pd.DataFrame:
    return timeline_counts(_columns, _mask, window)


@st.cache_resource(show_spinner=False, max_entries=16)
def _undated_mask(
    fingerprint: str, key: str, _incidents: pd.DataFrame, _state: ViewState,
    _context: FilterContext | None,
) -> np.ndarray:
    mask = apply_view(_incidents, _state, _context, skip={"date"}).mask
    mask.setflags(write=False)
    return mask


@st.cache_resource(show_spinner=False, max_entries=2)
def _order(fingerprint: str, _incidents: pd.DataFrame) -> np.ndarray:
    return date_order(_incidents)


def columns(incidents: pd.DataFrame, fingerprint: str) -> MapColumns:
    """The aggregation arrays of the dataset with this fingerprint (built once)."""
    return _columns(fingerprint, incidents)


def order(incidents: pd.DataFrame, fingerprint: str) -> np.ndarray:
    """The table order of the dataset with this fingerprint (sorted once)."""
    return _order(fingerprint, incidents)


def position(incidents: pd.DataFrame, fingerprint: str, incident_id: str | None) -> int | None:
    """Row position of the incident ``incident_id`` (the first, if ids repeat); None if absent."""
    if not incident_id:
        return None
    ids = _ids(fingerprint, incidents)
    if incident_id not in ids:
        return None
    found = ids.get_loc(incident_id)
    if isinstance(found, slice):
        return int(found.start)
    if isinstance(found, np.ndarray):
        return int(np.flatnonzero(found)[0])
    return int(found)


def timeline(
    incidents: pd.DataFrame, fingerprint: str, mask: np.ndarray, window: tuple[date, date]
) -> pd.DataFrame:
    """The timeline counts of the incidents in ``mask`` over ``window``.

    Cached per dataset, set of incidents (a digest of the mask) and window, for
    every session: a rerun whose filters did not change costs a digest.
    """
    digest = hashlib.blake2b(np.packbits(mask).tobytes(), digest_size=16).hexdigest()
    return _timeline(fingerprint, digest, window,
                     _timeline_columns(fingerprint, incidents), mask)


def undated_mask(
    incidents: pd.DataFrame, fingerprint: str, state: ViewState,
    context: FilterContext | None = None,
) -> np.ndarray:
    """The incidents every filter but the dates lets through (what the timeline counts).

    Cached per dataset and filters (the view without its dates and selection), for
    every session: a change of dates alone (typed, brushed, playback) filters nothing
    again. The array is read-only.
    """
    key = repr(replace(state, date_from=None, date_to=None, selected=None, notes=()))
    return _undated_mask(fingerprint, key, incidents, state, context)
