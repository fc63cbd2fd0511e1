"""One shared, current view of the store's incidents, following it change by change.

Every session of an app server reads the same :class:`LiveDataset`. It reads the whole
store once; after that, when the store's revision moves (an import, a correction, a
colleague's edit in another app instance), it reads only the records written since
(:meth:`geo.store.IncidentStore.changed_since`), joins them and swaps them into a new
frame (records removed, e.g. the sample incidents, make it read the store whole
again: the store's count no longer matches). One frame is kept: the one it replaces
is freed as soon as no session still holds it, so server memory stays flat over any
number of edits.

The join uses the stored coordinates (see :func:`geo.geocoding.stored.stored_geocodes`):
display pages never load the gazetteer. The embedded and PostGIS stores both keep the
whole frame in memory (about 1 KB per incident; see the README for the measured sizes).
"""

from __future__ import annotations

import threading

import numpy as np
import pandas as pd

from geo.geocoding.areas import AdminAreas, default_areas
from geo.geocoding.join import build_incident_frame, fingerprint_columns, row_hashes
from geo.io.worker import release_memory
from geo.schema import RowError
from geo.settings import Settings
from geo.store import IncidentStore
from geo.view.assemble import build_in_chunks, store_chunks
from geo.view.compact import without_points
from geo.view.dataset import Dataset, align_categories


class LiveDataset:
    """The incidents of a store, kept current by reading only what changed.

    Parameters
    ----------
    store : IncidentStore
    errors : list of RowError, optional
        Problems met while filling the store (e.g. rows of the seed file), shown with it.
    settings : Settings, optional
        Where to read the spellings of the places records were placed at (for search).
    areas : AdminAreas, optional
        Admin boundaries incidents are joined to (default:
        :func:`geo.geocoding.areas.default_areas`).
    """

    def __init__(
        self,
        store: IncidentStore,
        errors: list[RowError] | None = None,
        settings: Settings | None = None,
        areas: AdminAreas | None = None,
    ) -> None:
        self.store = store
        self.settings = settings
        self.areas = default_areas() if areas is None else areas
        self.errors = list(errors or [])
        self._lock = threading.Lock()
        self._dataset: Dataset | None = None
        self._revision = -1
        self._columns: list[str] = []
        self.full_loads = 0
        self.patches = 0

    @property
    def revision(self) -> int:
        """The store revision the current dataset reflects (-1 before the first load)."""
        return self._revision

    def current(self) -> Dataset:
        """The incidents as the store holds them now (one query when nothing changed)."""
        revision = self.store.revision()
        dataset = self._dataset
        if dataset is not None and revision == self._revision:
            return dataset
        with self._lock:  # one session reads the store; the others wait and share it
            if self._dataset is None:
                self._load()
            elif self.store.revision() != self._revision:
                self._patch()
            assert self._dataset is not None
            return self._dataset

    def _load(self) -> None:
        revision = self.store.revision()  # before reading: later writes are read again
        # In chunks, joined and compacted one at a time (see geo.view.assemble): the
        # store's rows as Python values and the join's copies of a million incidents
        # would otherwise all be alive at once, a gigabyte above the frame kept.
        rows = (self.settings or Settings()).load_chunk_rows
        frame = build_in_chunks(store_chunks(self.store, rows), None, self.areas,
                                self.settings, self.store.corrections(), points=False)
        self._columns = fingerprint_columns(frame)
        hashes = row_hashes(frame, self._columns)
        self._dataset = Dataset(frame, self.errors, self.store.kind, self.areas, hashes)
        self._revision = revision
        self.full_loads += 1
        del frame
        release_memory(collect=False)  # the load's pages, before the page's arrays come

    def _patch(self) -> None:
        assert self._dataset is not None and self._dataset.hashes is not None
        revision = self.store.revision()
        changed = self.store.changed_since(self._revision)
        self._revision = revision
        if changed.empty:
            if self.store.count() != len(self._dataset.incidents):  # records were removed
                self._load()
            return
        old = self._dataset.incidents
        fresh = without_points(build_incident_frame(changed, None, self.areas, self.settings,
                                                    self.store.corrections()))
        position = pd.Index(old["id"]).get_indexer(fresh["id"])
        kept = np.ones(len(old), dtype=bool)
        kept[position[position >= 0]] = False
        # Changed records keep their place in the order; new ones come last, as stored.
        added = position < 0
        position[added] = len(old) + np.arange(int(added.sum()))
        order = np.concatenate([np.flatnonzero(kept), position])
        # Same categories on both sides, so that the frame stays compact (categoricals).
        old, fresh = align_categories(old, fresh)
        frame = pd.concat([old[kept], fresh], ignore_index=True)
        arrange = np.argsort(order, kind="stable")
        frame = frame.take(arrange).reset_index(drop=True)
        columns = fingerprint_columns(frame)
        if columns == self._columns:
            hashes = np.concatenate([self._dataset.hashes[kept], row_hashes(fresh, columns)])
            hashes = hashes[arrange]
        else:  # a source column was filled (or emptied) for the first time: hash all again
            hashes = row_hashes(frame, columns)
            self._columns = columns
        if self.store.count() != len(frame):  # records were removed too: read them all
            self._load()
            return
        self._dataset = Dataset(frame, self.errors, self.store.kind, self.areas, hashes)
        self.patches += 1
