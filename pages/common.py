"""Shared, cached resources of the pages (the only place they are loaded)."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from geo.dataset import Dataset, load_dataset
from geo.geocoder import Geocoder, default_geocoder
from geo.settings import Settings, load_settings


@st.cache_resource(show_spinner="Loading the gazetteer…")
def geocoder() -> Geocoder:
    """The geocoder, built once per server process."""
    return default_geocoder(load_settings())


@st.cache_resource(show_spinner="Loading incidents…", max_entries=4)
def _dataset(path: str, _mtime: float, _geocoder_version: int) -> Dataset:
    return load_dataset(Path(path), geocoder())


def settings() -> Settings:
    """Settings of this run (environment variables are read on every call)."""
    return load_settings()


def dataset() -> Dataset:
    """The incidents of the configured file, reloaded when the file changes."""
    path = settings().incidents_path
    mtime = path.stat().st_mtime if path.exists() else 0.0
    version = st.session_state.get("geocoder_version", 0)
    return _dataset(str(path), mtime, version)
