"""Per-dataset arrays the map page computes once and every session shares."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from geo.render.clusters import MapColumns, map_columns
from geo.render.table import date_order


@st.cache_resource(show_spinner=False, max_entries=2)
def _columns(fingerprint: str, _incidents: pd.DataFrame) -> MapColumns:
    return map_columns(_incidents)


@st.cache_resource(show_spinner=False, max_entries=2)
def _order(fingerprint: str, _incidents: pd.DataFrame) -> np.ndarray:
    return date_order(_incidents)


def columns(incidents: pd.DataFrame, fingerprint: str) -> MapColumns:
    """The aggregation arrays of the dataset with this fingerprint (built once)."""
    return _columns(fingerprint, incidents)


def order(incidents: pd.DataFrame, fingerprint: str) -> np.ndarray:
    """The table order of the dataset with this fingerprint (sorted once)."""
    return _order(fingerprint, incidents)
