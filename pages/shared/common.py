"""Shared, cached resources of the pages and the small displays they share."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from geo.errors import StoreUnavailable
from geo.geocoding.geocoder import Geocoder, default_geocoder
from geo.geocoding.join import OFF_MAP_REASONS
from geo.geocoding.overrides import CorrectionStore, OverrideIndex, OverrideStore
from geo.render.details import escape_markdown, incident_label
from geo.schema import RowError
from geo.settings import Settings, load_settings
from geo.store import IncidentStore, move_corrections, open_store, seed_store
from geo.view.dataset import Dataset, load_dataset, load_store_dataset
from geo.view.filters import FilterResult


def _mtime(path: Path) -> float:
    return path.stat().st_mtime if path.exists() else 0.0


@st.cache_resource(show_spinner="Loading the gazetteer…", max_entries=2)
def _geocoder(places: str, places_mtime: float, index: str, index_mtime: float,
              calibration: str = "", calibration_mtime: float = 0.0) -> Geocoder:
    return default_geocoder(load_settings())


@st.cache_resource(max_entries=4)
def _corrected(base_key: tuple, where: str, revision: int) -> Geocoder:
    """The cached geocoder with a snapshot of the corrections (a new object per revision;
    the cached base geocoder is never changed)."""
    return _geocoder(*base_key).with_overrides(OverrideIndex(corrections().corrections()))


def corrections() -> CorrectionStore:
    """Where geocoding corrections live: the incident store (shared by every app
    instance), or the corrections file when the app shows a file (``INCIDENT_MAP_DATA``)."""
    opened = store()
    if opened is not None:
        return opened
    return OverrideStore(settings().overrides_path)


def _base_key(s: Settings) -> tuple[str, float, str, float, str, float]:
    return (
        str(s.places_path), _mtime(s.places_path),
        str(s.gazetteer_index_path), _mtime(s.gazetteer_index_path),
        str(s.calibration_path), _mtime(s.calibration_path),
    )


def _corrections_key() -> tuple[str, int]:
    source = corrections()
    where = getattr(source, "location", "") or str(getattr(source, "path", ""))
    return where, source.corrections_revision()


@st.cache_resource(show_spinner="Indexing the places learned from imports…", max_entries=2)
def _learned_geocoder(base_key: tuple, where: str, revision: int, location: str,
                      learned_revision: int) -> Geocoder:
    """The corrected geocoder with the store's learned places (a new object per learned
    revision; the cached geocoders it derives from are never changed)."""
    s = settings()
    opened = _store(location, str(s.incidents_path), s.seed_new_store)[0]
    return _corrected(base_key, where, revision).with_learned(opened)


def geocoder() -> Geocoder:
    """The geocoder: the gazetteer is loaded once; analysts' corrections are re-read
    when another session or app instance changed them; the places learned from the
    store's imports are indexed again when its learned revision changes (an import, a
    source switched on or off).

    Cached objects are never changed: new corrections or learned places give a new
    geocoder that shares the loaded gazetteer."""
    s = settings()
    corrected = (_base_key(s), *_corrections_key())
    opened = store()
    if opened is None:
        return _corrected(*corrected)
    return _learned_geocoder(*corrected, s.database, opened.learned_revision())


def _geocoder_inputs(s: Settings) -> tuple[object, ...]:
    return (*_base_key(s), *_corrections_key())


@st.cache_resource(show_spinner="Loading incidents…", max_entries=4)
def _file_dataset(path: str, mtime: float, geocoder_key: tuple) -> Dataset:
    return load_dataset(Path(path), geocoder())


@st.cache_resource(show_spinner="Opening the incident store…")
def _store(location: str, seed: str, seed_new: bool) -> tuple[IncidentStore, list[RowError]]:
    opened = open_store(location)
    errors = seed_store(opened, seed)[1] if seed_new else []
    move_corrections(opened)
    return opened, errors


@st.cache_resource(show_spinner="Loading incidents…", max_entries=4)
def _store_dataset(location: str, revision: int, geocoder_key: tuple) -> Dataset:
    s = settings()
    opened, errors = _store(location, str(s.incidents_path), s.seed_new_store)
    return load_store_dataset(opened, geocoder(), errors)


def settings() -> Settings:
    """Settings of this run (environment variables are read on every call)."""
    return load_settings()


def store() -> IncidentStore | None:
    """The incident store (the default one seeded when first created), or None when the
    app shows a file. A store that cannot be used stops the page with its reason."""
    s = settings()
    if s.data_file is not None:
        return None
    try:
        opened = _store(s.database, str(s.incidents_path), s.seed_new_store)[0]
    except StoreUnavailable as exc:
        st.error(escape_markdown(f"The incident store cannot be used: {exc}"),
                 icon=":material/error:")
        st.stop()
        raise  # unreachable: st.stop ends the run
    if opened.created and not s.seed_new_store and opened.count() == 0:
        st.info(escape_markdown(f"A new, empty incident store was created at {opened.location}"
                                " (INCIDENT_DB). If you meant an existing store, check the name."),
                icon=":material/info:")
    return opened


def dataset() -> Dataset:
    """The incidents the app shows: the store's, or the file's (``INCIDENT_MAP_DATA``).

    Reloaded when the store is written, the file changes or the geocoder changes.
    """
    s = settings()
    where = str(s.data_file) if s.data_file is not None else "the incident store"
    try:
        if s.data_file is not None:
            return _file_dataset(str(s.data_file), _mtime(s.data_file), _geocoder_inputs(s))
        opened = store()
        assert opened is not None
        key = (*_geocoder_inputs(s), opened.learned_revision())
        return _store_dataset(s.database, opened.revision(), key)
    except Exception as exc:  # noqa: BLE001 - the analyst gets a message, never a traceback
        st.error(escape_markdown(f"Could not load incidents from {where}: {exc}"),
                 icon=":material/error:")
        st.stop()
        raise  # unreachable: st.stop ends the run


def show_load_errors(data: Dataset) -> None:
    """Say which rows of the source could not be loaded, and why."""
    if not data.errors:
        return
    for error in data.errors:
        if error.row is None:
            st.error(escape_markdown(f"Could not read {error.source}: {error.message}"),
                     icon=":material/error:")
    rows = sorted({(e.source, e.row) for e in data.errors if e.row is not None})
    if not rows:
        return
    st.error(
        f"{len(rows)} row{'s' if len(rows) != 1 else ''} of {escape_markdown(data.source)} "
        "could not be loaded and are not shown; every other row is.",
        icon=":material/error:",
    )
    with st.expander(f"Problems in {data.source} ({len(data.errors)})"):
        st.dataframe(
            pd.DataFrame([e.__dict__ for e in data.errors]), hide_index=True, width="stretch"
        )


def count_line(total: int, result: FilterResult, on_map: int) -> str:
    """'Showing 3 of 5 incidents (hidden by: date 2) · 1 shown incident not on the map'."""
    text = f"**Showing {result.shown} of {total} incidents**"
    if result.hidden_by:
        hidden = ", ".join(f"{name} {n}" for name, n in result.hidden_by.items())
        text += f" · filtered out by {hidden}"
    not_on_map = result.shown - on_map
    if not_on_map:
        text += f" · {not_on_map} of them not on the map"
    return text


def off_map_list(shown: pd.DataFrame) -> None:
    """List the incidents in view that the map cannot draw, with the reason."""
    off = shown[shown["off_map"] != ""]
    if off.empty:
        return
    n = len(off)
    with st.expander(f"{n} incident{'s' if n != 1 else ''} not on the map"):
        for record in off.to_dict("records"):
            reason = OFF_MAP_REASONS.get(record["off_map"], record["off_map"])
            st.markdown(
                f"- {escape_markdown(incident_label(record))} — {escape_markdown(reason)}"
            )
