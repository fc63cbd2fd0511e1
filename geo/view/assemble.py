"""Building a large dataset's frame chunk by chunk, so that the load's peak stays low.

A million incidents joined in one piece pass through several whole-frame copies of
plain text (the stored geocodes, the area join, the GeoDataFrame), over a gigabyte more
than the compact frame the app keeps. Here each chunk of typed records is joined
(:func:`geo.geocoding.join.build_incident_frame`) and compacted
(:func:`geo.view.compact.compact_frame`) on its own, and the compact chunks are put
together once, with the same categories in every chunk (:func:`concat_compact`). Each
step of the join depends on a record alone, so the frame is the one a join of the whole
gives (``tests/test_assemble.py`` compares them).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TypeVar

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.geocoding.areas import AdminAreas
from geo.geocoding.join import build_incident_frame
from geo.geocoding.overrides import Override
from geo.geocoding.protocol import PlaceResolver
from geo.io.load import IncidentChunks
from geo.io.worker import release_memory
from geo.schema import RowError, empty_incidents
from geo.settings import Settings
from geo.store import IncidentStore
from geo.store.gpkg import GeoPackageStore
from geo.view.compact import compact_frame, single_chunk, single_chunks, without_points

_Frame = TypeVar("_Frame", bound=pd.DataFrame)


def concat_compact(parts: list[_Frame]) -> _Frame:
    """Put compacted frames end to end, keeping their categorical columns categorical.

    Each categorical column gets the union of the parts' categories, sorted as
    :func:`geo.view.compact.compact_frame` sorts them (so the result equals the
    compacted frame of the whole); Arrow text columns come in one chunk (see
    :func:`geo.view.compact.single_chunks`). The whole is put together a column at a
    time, and ``parts`` is emptied: each column of the parts is let go once it is joined,
    so the parts and the whole are never both in memory.

    Parameters
    ----------
    parts : list of pandas.DataFrame or geopandas.GeoDataFrame
        At least one; same columns and dtypes (categories aside). Emptied.

    Returns
    -------
    pandas.DataFrame or geopandas.GeoDataFrame
        Of the first part's type, with a fresh ``RangeIndex``.
    """
    if not parts:
        raise ValueError("nothing to put together")
    if len(parts) == 1:
        return single_chunks(parts.pop().reset_index(drop=True))
    names = list(parts[0].columns)
    geometry = parts[0].geometry.name if isinstance(parts[0], gpd.GeoDataFrame) else None
    pieces = []
    while parts:  # each part's columns on their own, so that each goes once it is joined
        pieces.append(owned_columns(parts.pop(0)))
    joined: dict[str, pd.Series] = {}
    for name in names:
        column = [columns.pop(name) for columns in pieces]
        if all(isinstance(c.dtype, pd.CategoricalDtype) for c in column):
            categories = _union(column)
            column = [c.cat.set_categories(categories) for c in column]
        # text in one chunk now, while its pieces go (not all at once at the end)
        joined[name] = single_chunk(pd.concat(column, ignore_index=True))
        del column
        release_memory(collect=False)  # the pieces' pages, before the next column's
    whole = pd.DataFrame(joined, copy=False)
    del joined
    if geometry is not None:  # not copied (GeoPandas copies a frame it is given by default)
        whole = gpd.GeoDataFrame(whole, geometry=geometry, copy=False)
    return single_chunks(whole)


def owned_columns(frame: pd.DataFrame) -> dict[str, pd.Series]:
    """The columns of a frame, each holding its own values (a copy where it is a view).

    pandas keeps columns of one dtype in one two-dimensional block: a column taken
    from a frame is a view of it, and the block is freed only when its last column
    is. Columns of their own are freed one at a time.

    Parameters
    ----------
    frame : pandas.DataFrame

    Returns
    -------
    dict of str to pandas.Series
        In the frame's order, with its index.
    """
    out: dict[str, pd.Series] = {}
    for name in frame.columns:
        values = frame[name]
        array = values.array
        numpy = getattr(array, "_ndarray", None)
        if numpy is None and isinstance(array, pd.arrays.NumpyExtensionArray):
            numpy = array.to_numpy()
        if isinstance(numpy, np.ndarray) and numpy.base is not None:
            values = values.copy(deep=True)
        out[name] = values
    return out


def _union(columns: Sequence[pd.Series]) -> pd.Index:
    found = pd.Index(columns[0].cat.categories)
    for column in columns[1:]:
        found = found.union(column.cat.categories, sort=False)
    return found.sort_values()


def plain(chunk: _Frame) -> _Frame:
    """A chunk with its categorical columns as plain text again (what the join expects)."""
    coded = [c for c in chunk.columns if isinstance(chunk[c].dtype, pd.CategoricalDtype)]
    if not coded:
        return chunk
    out = chunk.copy(deep=False)
    for column in coded:
        out[column] = out[column].astype(str)
    return out


def build_in_chunks(
    chunks: Iterable[pd.DataFrame],
    geocoder: PlaceResolver | None = None,
    areas: AdminAreas | None = None,
    settings: Settings | None = None,
    corrections: Sequence[Override] | None = None,
    points: bool = True,
) -> pd.DataFrame:
    """Join chunks of typed records and put the compacted results together.

    Parameters
    ----------
    chunks : iterable of pandas.DataFrame
        Typed incident records (see :mod:`geo.schema`), one chunk at a time; a chunk
        may be compact (its categoricals become text again before the join).
    geocoder, areas, settings, corrections
        As :func:`geo.geocoding.join.build_incident_frame` takes them.
    points : bool
        False: each chunk's ``geometry`` (a Shapely point per incident) is dropped as
        soon as it is joined (:func:`geo.view.compact.without_points`), and a plain frame
        is returned; the views read the coordinate columns.

    Returns
    -------
    geopandas.GeoDataFrame or pandas.DataFrame
        Compacted: equal to ``compact_frame(build_incident_frame(whole, ...))`` (without
        its ``geometry`` when not ``points``).
    """
    built = []
    for chunk in chunks:
        joined = compact_frame(build_incident_frame(plain(chunk), geocoder, areas, settings,
                                                    corrections))
        built.append(joined if points else without_points(joined))
        del joined
    return concat_compact(built)


def taken(items: list[_Frame]) -> Iterator[_Frame]:
    """The items of a list, each taken out of it as it is given (so that a chunk is let go
    once its consumer is done with it)."""
    items.reverse()
    while items:
        yield items.pop()


def slices(frame: _Frame, rows: int) -> Iterator[_Frame]:
    """Consecutive slices of ``rows`` rows of a frame (one empty slice for an empty frame)."""
    if rows < 1:
        raise ValueError(f"a chunk holds at least one row, not {rows}")
    for first in range(0, max(len(frame), 1), rows):
        yield frame.iloc[first:first + rows]


def store_chunks(store: IncidentStore, rows: int) -> Iterator[pd.DataFrame]:
    """A store's ``incidents(with_flags=True)`` in chunks of ``rows`` records.

    The embedded store reads them chunk by chunk
    (:meth:`geo.store.gpkg.GeoPackageStore.incident_chunks`); another store gives its
    whole frame as one chunk.
    """
    if isinstance(store, GeoPackageStore):
        yield from store.incident_chunks(rows)
    else:
        yield store.incidents(with_flags=True)


def file_chunks(path: Path, rows: int) -> tuple[list[pd.DataFrame], list[RowError]]:
    """A file's valid incidents, read, validated and compacted a chunk at a time.

    Parameters
    ----------
    path : Path
    rows : int
        Rows per chunk.

    Returns
    -------
    tuple
        The chunks of typed records, each compacted (see
        :func:`geo.view.compact.compact_frame`; at least one, empty when the file has
        no valid row), and every problem found, as :func:`geo.io.load.load_incidents`
        gives them.
    """
    chunks = IncidentChunks(path, rows)
    typed = [compact_frame(chunk) for chunk in chunks]
    if not chunks.readable or not typed:
        return [empty_incidents()], chunks.errors
    return typed, chunks.errors
