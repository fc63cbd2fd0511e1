"""The sample incidents of a new default store on the pages: the map says when it shows
them, the Import page offers to remove them and to put them back.

Which records are samples, and removing or restoring them, is :mod:`geo.store.samples`
(only records the seed wrote and nobody changed; nothing of the analyst's).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date

import pandas as pd
import streamlit as st

from geo.access import Action
from geo.errors import IncidentMapError
from geo.render.details import counted, escape_markdown
from geo.store import IncidentStore, Samples, find_samples, remove_samples, restore_samples
from geo.view.dataset import dates_without
from geo.view.state import ViewDomain
from pages.shared import auth, common, router

_DONE = "samples-done"


@st.cache_data(show_spinner=False, max_entries=8)
def _found(location: str, revision: int, seed: str, _store: IncidentStore) -> Samples:
    """The samples of the store at ``location`` at this revision (a few rows read)."""
    return find_samples(_store, seed)


def samples(store: IncidentStore | None) -> Samples | None:
    """The sample incidents of ``store`` (None without a store)."""
    if store is None:
        return None
    seed = str(common.settings().incidents_path)
    try:
        return _found(store.location, store.revision(), seed, store)
    except (IncidentMapError, OSError):  # no seed file: nothing to say about samples
        return None


def data_dates(domain: ViewDomain, store: IncidentStore | None,
               dates_without: Callable[[tuple[str, ...]], tuple[date | None, date | None]]
               ) -> ViewDomain:
    """The domain whose default dates are those of the analyst's data, not the samples'.

    Parameters
    ----------
    domain : ViewDomain
    store : IncidentStore or None
    dates_without : callable
        Ids -> span of the dates of the other records (frame or store).

    Returns
    -------
    ViewDomain
        ``domain`` itself without samples, or when no other record is dated.
    """
    found = samples(store)
    if found is None or not found.present or domain.date_min is None:
        return domain
    # Samples an analyst corrected are still the seed's, not the analyst's data.
    first, last = dates_without(found.present + found.changed)
    if first is None or last is None or (first, last) == (domain.date_min, domain.date_max):
        return domain
    return replace(domain, default_dates=(first, last))


@st.cache_data(show_spinner=False, max_entries=4)
def _frame_dates(frame_key: str, ids: tuple[str, ...], _frame: pd.DataFrame
                 ) -> tuple[date | None, date | None]:
    return dates_without(_frame, ids)


def frame_data_dates(domain: ViewDomain, store: IncidentStore | None,
                     frame: pd.DataFrame) -> ViewDomain:
    """:func:`data_dates` of the loaded frame (frame mode)."""
    return data_dates(domain, store, lambda ids: _frame_dates(domain.frame_key, ids, frame))


def map_note(store: IncidentStore | None, total: int, domain: ViewDomain | None = None
             ) -> None:
    """On the map: say that sample incidents are shown, and where to remove them (an
    embedded store; a PostGIS store keeps them); say when the default dates follow the
    analyst's data rather than the samples'."""
    found = samples(store)
    if found is None or not found.present or store is None:
        return
    n = len(found.present)
    embedded = store.kind == "geopackage"
    remove = ("The Import page can remove them (and put them back)." if embedded else
              "They stay in a PostGIS store (removal is for embedded stores only); the "
              "Source filter can leave them out.")
    if n == total:
        text = (f"**Sample data**: the map shows only the {counted(n, 'sample incident')} of "
                "the seed article. Import your own data on the Import page"
                + ("; it can then remove them." if embedded else "."))
    else:
        text = (f"**Sample data**: {n:,} of the {total:,} incidents in the store "
                f"{'is a sample' if n == 1 else 'are samples'} from the seed article, beside "
                f"your data. {remove}")
    if domain is not None and domain.default_dates is not None:
        first, last = domain.default_dates
        text += (f" The default dates, {first:%Y-%m-%d} to {last:%Y-%m-%d}, follow your "
                 f"data; with the samples the records run from {domain.date_min:%Y-%m-%d} "
                 f"to {domain.date_max:%Y-%m-%d}: widen the dates on the timeline to see "
                 "the samples outside yours.")
    st.info(text, icon=":material/science:")


def empty_note(store: IncidentStore | None, total: int) -> None:
    """On the map of a store with no incident yet: what to do to see some (import a
    file, or put the seed's samples back), instead of an empty map with no word."""
    if store is None or total:
        return
    found = samples(store)
    if not auth.can(Action.IMPORT):
        st.info("**No incidents yet**: this store holds no incident. An analyst or an admin "
                "can import a file of incidents on the Import page.", icon=":material/inbox:")
        return
    back = (" or put back the seed article's sample incidents there"
            if found is not None and found.removed else "")
    st.info("**No incidents yet**: this store holds no incident, so the map shows only "
            "the basemap. Import a file of incidents (CSV, Excel, GeoJSON ...) on the "
            f"Import page{back}; from a terminal, `python -m geo.ingest FILE` does the same.",
            icon=":material/inbox:")
    st.page_link(router.ROOT / "pages" / "import.py", label="Import incidents",
                 icon=":material/upload_file:")


def _remove(store: IncidentStore) -> None:
    try:
        removed = remove_samples(store, auth.current(), common.settings().incidents_path)
    except IncidentMapError as exc:
        st.session_state[_DONE] = ("error", f"Nothing was removed: {exc}")
        return
    left = samples(store)
    kept = len(left.changed) if left is not None else 0
    st.session_state[_DONE] = (
        "success", f"Removed {counted(len(removed), 'sample incident')}. Your records were not "
        "touched." + (f" {counted(kept, 'sample incident')} changed since (corrected, or written "
                      f"over by an import) {'is' if kept == 1 else 'are'} kept."
                      if kept else ""))


def _restore(store: IncidentStore) -> None:
    try:
        back = restore_samples(store, auth.current(), common.settings().incidents_path,
                               geocoder=common.geocoder)
    except IncidentMapError as exc:
        st.session_state[_DONE] = ("error", f"Nothing was put back: {exc}")
        return
    st.session_state[_DONE] = ("success", f"Put back the {counted(len(back), 'sample incident')}.")


def import_offer(store: IncidentStore) -> None:
    """On the Import page: remove the sample incidents (or put them back)."""
    done = st.session_state.pop(_DONE, None)
    if done is not None:
        (st.success if done[0] == "success" else st.error)(escape_markdown(done[1]))
    found = samples(store)
    if found is None or not auth.can(Action.IMPORT):
        return
    if found.present:
        with st.container(border=True):
            n = len(found.present)
            st.markdown(
                f"This store holds the **{counted(n, 'sample incident')}** of the seed article "
                f"({escape_markdown(common.settings().incidents_path.name)}), which a new "
                "store starts with. Remove them to keep only your own data: only records the "
                "seed wrote and nobody changed are removed, nothing of yours; each removal "
                "is kept in the history, and they can be put back here.")
            if found.changed:
                st.caption(f"{counted(len(found.changed), 'sample incident')} changed since "
                           "(corrected, or written over by an import) "
                           f"{'is' if len(found.changed) == 1 else 'are'} kept.")
            st.button("Remove the sample incidents", key="samples-remove", on_click=_remove,
                      args=(store,), icon=":material/delete_sweep:")
    elif found.removed:
        cols = st.columns([4, 1], vertical_alignment="center")
        cols[0].caption(f"The {counted(len(found.removed), 'sample incident')} of the seed "
                        "article were removed from this store.")
        cols[1].button("Put them back", key="samples-restore", on_click=_restore,
                       args=(store,), icon=":material/undo:")
