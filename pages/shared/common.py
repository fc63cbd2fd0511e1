"""Shared, cached resources of the pages and the small displays they share.

The geocoder is built only by the pages that geocode (review, import, extract) and, once,
to place the seed incidents of a new store; the map only displays stored coordinates.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import gc
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import streamlit as st

from geo.access import Identity
from geo.errors import StoreUnavailable
from geo.geocoding.geocoder import Geocoder, GeocodeResult, default_geocoder
from geo.geocoding.join import OFF_MAP_REASONS, relocations
from geo.geocoding.learned_context import LearnedGeocoder
from geo.geocoding.learned_index import LearnedNames, LearnedSearch
from geo.geocoding.learned_keys import LearnedKeys
from geo.geocoding.overrides import CorrectionStore, OverrideIndex, OverrideStore
from geo.geocoding.review import name_groups as review_name_groups
from geo.geocoding.review import queue_from_groups, starts_with
from geo.geocoding.review import review_queue as queue_of
from geo.geocoding.stored import GAZETTEER_SOURCES
from geo.io.worker import use_system_allocator
from geo.render.details import escape_markdown, incident_label
from geo.schema import INCIDENT_COLUMNS, RowError
from geo.settings import Settings, load_settings
from geo.store import IncidentStore, move_corrections, open_store, seed_store
from geo.store.pg_query import Counts
from geo.store.pg_review import geocodable_batches, name_groups
from geo.store.records import rows_to_frame
from geo.view.dataset import Dataset, load_dataset
from geo.view.filters import FilterContext, FilterResult, apply_view
from geo.view.live import LiveDataset
from geo.view.state import ViewState
from pages.shared import router

use_system_allocator()  # once per server process: freed Arrow memory goes back (see there)

_TRIMMED: set[str] = set()


def release_memory(fingerprint: str) -> None:
    """Give the memory freed during this run back to the operating system (call last).

    Loading a million incidents allocates and frees gigabytes of transient copies, and
    every rerun a few hundred megabytes of masks and columns; glibc's allocator keeps
    freed pages (in the arena of each script thread) unless asked to return them
    (``malloc_trim``, a few milliseconds), and Arrow's allocator (which backs pandas'
    strings) keeps its own (``release_unused``: about 300 MB after loading a million
    incidents). The first run on a dataset also collects garbage once. Elsewhere than
    glibc ``malloc_trim`` does nothing.
    """
    if fingerprint not in _TRIMMED:
        _TRIMMED.add(fingerprint)
        gc.collect()
    with contextlib.suppress(ImportError):
        import pyarrow

        pyarrow.default_memory_pool().release_unused()
    with contextlib.suppress(OSError, AttributeError):  # not glibc: nothing to do
        _libc().malloc_trim(0)


@functools.cache
def _libc() -> ctypes.CDLL:
    return ctypes.CDLL("libc.so.6")


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


@st.cache_resource(max_entries=2)
def _uncorrected(base_key: tuple) -> Geocoder:
    """The cached geocoder without any correction (the cached base is never changed)."""
    return _geocoder(*base_key).with_overrides(OverrideIndex())


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


@st.cache_resource(show_spinner="Reading the names learned from imports…", max_entries=1)
def _learned_names(location: str, learned_revision: int) -> LearnedNames:
    """The store's learned places, compact: read once per learned revision (an analyst's
    correction does not read them again)."""
    s = settings()
    opened = _store(location, str(s.incidents_path), s.seed_new_store)[0]
    names = LearnedNames.from_source(opened)
    # the read's transient columns (about 200 MB at 800,000 learned rows) go back now,
    # not at the end of the run: the search index and the new view come on top of it
    release_memory(f"learned:{location}:{learned_revision}")
    return names


@st.cache_resource(show_spinner="Reading the names learned from imports…", max_entries=1)
def _learned_keys(location: str, learned_revision: int) -> LearnedKeys:
    """The store's distinct learned names, read once per learned revision (a few
    thousand at 1,000,000 incidents, not their 800,000 rows: a term's rows are read
    when it could match them; the full read only for a correction that names a
    learned place, shared with :func:`_learned_names`)."""
    s = settings()
    opened = _store(location, str(s.incidents_path), s.seed_new_store)[0]
    return LearnedKeys.from_source(
        opened, full=functools.partial(_learned_names, location, learned_revision))


@st.cache_resource(max_entries=2)
def _learned_search(base_key: tuple, where: str, revision: int, location: str,
                    learned_revision: int) -> LearnedSearch:
    """The corrected geocoder with the store's learned places for search terms, indexed
    per term only where the term could match them (same answers as :func:`geocoder`'s)."""
    return LearnedSearch(_corrected(base_key, where, revision),
                         _learned_keys(location, learned_revision))


def learned_points() -> pd.DataFrame | None:
    """The main point of each learned name per country and source (switched-off sources
    too: :func:`geo.geocoding.disagreements.main_points`), None for a file."""
    s = settings()
    opened = store()
    if opened is None:
        return None
    return _learned_names(s.database, opened.learned_revision()).main_points()


@st.cache_resource(max_entries=2)
def _learned_context(base_key: tuple, where: str, revision: int, location: str,
                     learned_revision: int) -> LearnedGeocoder:
    """:func:`geocoder`'s answers for records in their whole context, from the learned
    names the search reads (one read of the names per learned revision, shared with the
    map's search; each batch reads its rows)."""
    return LearnedGeocoder(_learned_search(base_key, where, revision, location,
                                           learned_revision))


def records_geocoder() -> Geocoder | LearnedGeocoder:
    """What the review page, the import page and a record's relocation geocode records
    with: :func:`geocoder`'s answers. Up to ``learned_index_max`` incidents, that geocoder
    itself (one index of every learned place: a queue of thousands of names in seconds);
    above, without indexing every learned place (see ``geo.geocoding.learned_context``:
    each batch of names reads only the learned places it could match; at 1,000,000 the
    full index alone took 1.6 GB). The extraction page always uses :func:`geocoder`."""
    s = settings()
    corrected = (_base_key(s), *_corrections_key())
    opened = store()
    if opened is None:
        return _corrected(*corrected)
    if opened.count() <= s.learned_index_max:
        return _learned_geocoder(*corrected, s.database, opened.learned_revision())
    return _learned_context(*corrected, s.database, opened.learned_revision())


def _search_geocoder() -> Geocoder | LearnedSearch:
    """What answers a search term (a name and its country only): :func:`geocoder`'s
    answers, without indexing every learned place (see ``geo.geocoding.learned_index``)."""
    s = settings()
    corrected = (_base_key(s), *_corrections_key())
    opened = store()
    if opened is None:
        return _corrected(*corrected)
    return _learned_search(*corrected, s.database, opened.learned_revision())


class _LazyGeocoder:
    """The geocoder, built on first use: a page that may geocode a search term builds it
    only when a search names a place."""

    def geocode(self, name: str, **context: object) -> GeocodeResult:
        if set(context) <= {"country", "abroad"}:  # a search term's context
            return _search_geocoder().geocode(name, **context)  # type: ignore[arg-type]
        return records_geocoder().geocode(name, **context)  # type: ignore[arg-type]

    def curated_geocode(self, name: str, **context: object) -> GeocodeResult:
        """``geocode`` without the store's learned places (the corrections kept): a
        search term also takes the curated gazetteer place's spellings, so learned
        places only add to what it finds (see ``geo.view.spellings``)."""
        return _corrected(_base_key(settings()), *_corrections_key()).geocode(
            name, **context)  # type: ignore[arg-type]

    def gazetteer_geocode(self, name: str, **context: object) -> GeocodeResult:
        """``geocode`` of the gazetteer alone (no corrections, no learned places): a
        search term also takes the spellings of the place it names there, so that a
        correction only adds to what it finds (see ``geo.view.spellings``)."""
        return _uncorrected(_base_key(settings())).geocode(
            name, **context)  # type: ignore[arg-type]

    @property
    def gazetteer(self) -> object:
        return geocoder().gazetteer

    @property
    def overrides(self) -> object:
        return geocoder().overrides


_LAZY = _LazyGeocoder()


def lazy_geocoder() -> _LazyGeocoder:
    """The geocoder for display pages: built only when they actually look a name up
    (one object, so that what depends on it is cached across reruns)."""
    return _LAZY


def _geocoder_inputs(s: Settings) -> tuple[object, ...]:
    return (*_base_key(s), *_corrections_key())


@st.cache_resource(show_spinner="Loading incidents…", max_entries=1)
def _file_dataset(path: str, mtime: float, geocoder_key: tuple) -> Dataset:
    # The geocoder is built only when the file has places without coordinates.
    return load_dataset(Path(path), geocoder)


@st.cache_resource(show_spinner="Opening the incident store…")
def _store(location: str, seed: str, seed_new: bool) -> tuple[IncidentStore, list[RowError]]:
    opened = open_store(location)
    move_corrections(opened)
    # Seed records are placed before they are stored (first start only).
    # (a new store has no corrections yet: the base geocoder, not one read from the store)
    errors = seed_store(
        opened, seed, geocoder=lambda: _geocoder(*_base_key(settings()))
    )[1] if seed_new else []
    return opened, errors


@st.cache_resource(show_spinner="Loading incidents…")
def _live(location: str, seed: str, seed_new: bool) -> LiveDataset:
    opened, errors = _store(location, seed, seed_new)
    return LiveDataset(opened, errors, settings())


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
    if (opened.created and not s.seed_new_store and opened.count() == 0
            and router.first_in_run("new-empty-store")):
        st.info(escape_markdown(f"A new, empty incident store was created at {opened.location}"
                                " (INCIDENT_DB). If you meant an existing store, check the name."),
                icon=":material/info:")
    return opened


def live() -> LiveDataset | None:
    """The store's incidents shared by every session, or None when the app shows a file."""
    s = settings()
    if s.data_file is not None:
        return None
    store()  # a store that cannot be used stops the page with its reason
    return _live(s.database, str(s.incidents_path), s.seed_new_store)


def dataset() -> Dataset:
    """The incidents the app shows: the store's, or the file's (``INCIDENT_MAP_DATA``).

    The store's are shared by every session and follow its changes record by record
    (see :class:`geo.view.live.LiveDataset`); they use the stored coordinates, so pages
    that only display never build a geocoder.
    """
    s = settings()
    where = str(s.data_file) if s.data_file is not None else "the incident store"
    try:
        if s.data_file is not None:
            return _file_dataset(str(s.data_file), _mtime(s.data_file), _geocoder_inputs(s))
        shared = live()
        assert shared is not None
        return shared.current()
    except Exception as exc:  # noqa: BLE001 - the analyst gets a message, never a traceback
        st.error(escape_markdown(f"Could not load incidents from {where}: {exc}"),
                 icon=":material/error:")
        st.stop()
        raise  # unreachable: st.stop ends the run


def dataset_later() -> Callable[[], Dataset]:
    """The incidents as they are when called (a download made on click), not this run's.

    What a session keeps after its run (download callables, widget callbacks) must not
    hold the run's frame: after an edit it would keep an old frame alive per session.
    """
    shared = live()
    if shared is None:
        data = dataset()  # a file: its one cached frame
        return lambda: data
    return shared.current


def filter_context(data: Dataset) -> FilterContext:
    """The filter context the pages count with (search terms may name places)."""
    return data.filter_context(lazy_geocoder())  # type: ignore[arg-type]


def shown_later(source: Callable[[], Dataset], state: ViewState) -> Callable[[], pd.DataFrame]:
    """The incidents ``state`` shows, taken when called from the data ``source`` gives."""

    def rows() -> pd.DataFrame:
        data = source()
        return data.incidents[apply_view(data.incidents, state, filter_context(data)).mask]

    return rows


@st.cache_resource(show_spinner="Geocoding place names…", max_entries=2)
def _frame_queue(location: str, revision: int, geocoder_key: tuple,
                 include_resolved: bool) -> pd.DataFrame:
    # the names of the records the geocoder places, each answered once: the frame is
    # neither copied nor geocoded whole
    groups = review_name_groups(dataset().incidents, include_geocoded=include_resolved)
    return queue_from_groups(groups, records_geocoder(), include_resolved)


def store_mode() -> bool:
    """Whether the pages ask the PostGIS store for what they show instead of reading it
    whole into the shared frame (``INCIDENT_MAP_QUERY_MODE``)."""
    from pages.shared import map_store  # it imports this module

    return map_store.active()


@st.cache_resource(show_spinner="Geocoding place names…", max_entries=2)
def _store_queue(location: str, revision: int, geocoder_key: tuple,
                 include_resolved: bool) -> pd.DataFrame:
    opened = store()
    assert opened is not None
    groups = name_groups(opened, include_geocoded=include_resolved)  # type: ignore[arg-type]
    return queue_from_groups(groups, records_geocoder(), include_resolved)


def review_queue(include_resolved: bool = False) -> pd.DataFrame:
    """The names waiting for review (:func:`geo.geocoding.review.review_queue`).

    The distinct names of the records the geocoder places (the database gives them in
    store mode, the shared frame otherwise) are answered once each: the store is never
    read whole for it, nor the frame copied. A file's incidents were geocoded when it
    was loaded.
    """
    s = settings()
    opened = store()
    if opened is None:
        return queue_of(dataset().incidents, include_resolved=include_resolved)
    key = (*_geocoder_inputs(s), opened.learned_revision())
    if store_mode():
        return _store_queue(s.database, opened.revision(), key, include_resolved)
    shared = live()
    assert shared is not None
    shared.current()
    return _frame_queue(s.database, shared.revision, key, include_resolved)


def relocate(ids: list[str], who: Identity) -> int:
    """Geocode again records whose place an analyst just corrected; how many moved."""
    opened = store()
    if opened is None:
        return 0
    stored = [opened.get(i) for i in ids]
    rows = [tuple(r[c] for c in INCIDENT_COLUMNS) for r in stored if r is not None]
    if not rows:
        return 0
    changes = relocations(rows_to_frame(rows), records_geocoder())
    opened.edit_many(changes, who=who, reason="place corrected")
    return len(changes)


def apply_geocoding(who: Identity) -> int:
    """Write what the geocoder now says (after a correction) to the stored records.

    Only the records whose location changes are written, in one transaction with their
    history; every session's map follows at its next rerun.

    Returns
    -------
    int
        Number of records moved.
    """
    opened = store()
    if opened is None:
        return 0
    coder = records_geocoder()
    if store_mode():  # the records the geocoder may move, a page at a time
        changes: dict[str, dict[str, object]] = {}
        for batch in geocodable_batches(opened):  # type: ignore[arg-type]
            changes.update(relocations(batch, coder))
        opened.edit_many(changes, who=who, reason="geocoding correction")
        return len(changes)
    incidents = dataset().incidents
    # only the records relocations() may move are copied (not the whole frame)
    own = starts_with(incidents["geocode_source"], GAZETTEER_SOURCES)
    movable = ((incidents["place"] != "").to_numpy(bool)
               & (incidents["latitude"].isna().to_numpy(bool) | own))
    records = pd.DataFrame(incidents.loc[movable, list(INCIDENT_COLUMNS)])
    changes = relocations(records, coder)
    opened.edit_many(changes, who=who, reason="geocoding correction")
    return len(changes)


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


def count_line(total: int, result: FilterResult | Counts, on_map: int) -> str:
    """'Showing 3 of 5 incidents (hidden by: date 2) · 1 shown incident not on the map'."""
    text = f"**Showing {result.shown:,} of {total:,} incidents**"
    if result.hidden_by:
        hidden = ", ".join(f"{name} {n:,}" for name, n in result.hidden_by.items())
        text += f" · filtered out by {hidden}"
    not_on_map = result.shown - on_map
    if not_on_map:
        text += f" · {not_on_map:,} of them not on the map"
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
