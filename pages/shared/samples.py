"""The sample incidents of a new default store on the pages: the map says when it shows
them, the Import page offers to remove them and to put them back.

Which records are samples, and removing or restoring them, is :mod:`geo.store.samples`
(only records the seed wrote and nobody changed; nothing of the analyst's).
"""

from __future__ import annotations

import streamlit as st

from geo.access import Action
from geo.errors import IncidentMapError
from geo.render.details import counted, escape_markdown
from geo.store import IncidentStore, Samples, find_samples, remove_samples, restore_samples
from pages.shared import auth, common

_DONE = "samples-done"


@st.cache_data(show_spinner=False, max_entries=8)
def _found(location: str, revision: int, seed: str, _store: IncidentStore) -> Samples:
    """The samples of the store at ``location`` at this revision (a few rows read)."""
    return find_samples(_store, seed)


def samples(store: IncidentStore | None) -> Samples | None:
    """The sample incidents of ``store`` (None without an embedded store)."""
    if store is None or store.kind != "geopackage":
        return None
    seed = str(common.settings().incidents_path)
    try:
        return _found(store.location, store.revision(), seed, store)
    except (IncidentMapError, OSError):  # no seed file: nothing to say about samples
        return None


def map_note(store: IncidentStore | None, total: int) -> None:
    """On the map: say that sample incidents are shown, and where to remove them."""
    found = samples(store)
    if found is None or not found.present:
        return
    n = len(found.present)
    if n == total:
        text = (f"**Sample data**: the map shows only the {counted(n, 'sample incident')} of "
                "the seed article. Import your own data on the Import page; it can then "
                "remove them.")
    else:
        text = (f"**Sample data**: {n:,} of the {total:,} incidents in the store "
                f"{'is a sample' if n == 1 else 'are samples'} from the seed article, beside "
                "your data. The Import page can remove them (and put them back).")
    st.info(text, icon=":material/science:")


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
