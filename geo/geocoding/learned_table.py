"""The learned places as codes: what the geocoder's compact learned names are built from.

A store holds 800,000 learned places for a million synthetic records, with 5,000
distinct names in four text columns. As a frame (:data:`LEARNED_COLUMNS`) those are
800,000 strings per text column (Arrow string buffers plus every transient copy of a
chunked read); as a :class:`LearnedTable` each text column is a table of its distinct
values and an int32 code per row, and the numbers are plain arrays. The store reads its
table this way directly (:func:`geo.store.learned.learned_table`), so
:class:`geo.geocoding.learned_index.LearnedNames` never sees a column of strings; any
other source's frame is coded here (:meth:`LearnedTable.from_frame`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from geo.geocoding.learned import (
    LEARNED_COLUMNS,
    LearnedPlaceSource,
    empty_learned,
    typed_column,
)

#: Text columns of the learned places.
TEXT_COLUMNS: tuple[str, ...] = ("name", "country", "admin1", "source")
#: Number columns and the dtype each has in a :class:`LearnedTable`.
NUMBER_TYPES: dict[str, type] = {"latitude": np.float64, "longitude": np.float64,
                                 "precision": np.int64, "records": np.int64,
                                 "enabled": np.bool_}


@dataclass(frozen=True)
class LearnedTable:
    """Learned places, each text column as codes into its distinct values.

    Attributes
    ----------
    values : Mapping[str, numpy.ndarray]
        Per text column (:data:`TEXT_COLUMNS`), its distinct values (object array of
        ``str``, no two equal).
    codes : Mapping[str, numpy.ndarray]
        Per text column, each row's int32 index into its ``values``.
    numbers : Mapping[str, numpy.ndarray]
        The other columns (:data:`NUMBER_TYPES`), one value per row.
    """

    values: Mapping[str, np.ndarray]
    codes: Mapping[str, np.ndarray]
    numbers: Mapping[str, np.ndarray]

    @classmethod
    def of(cls, texts: Mapping[str, tuple[object, np.ndarray]],
           numbers: Mapping[str, np.ndarray]) -> LearnedTable:
        """A table from each text column's (values, codes) and the number arrays.

        Values are typed as :func:`geo.geocoding.learned.typed_column` types them
        (``None`` is ``""``, anything else its ``str``); values equal once typed share
        one code. The arrays are taken as they are when already of their type.
        """
        values: dict[str, np.ndarray] = {}
        codes: dict[str, np.ndarray] = {}
        for name in TEXT_COLUMNS:
            raw, row_codes = texts[name]
            values[name], codes[name] = _typed_codes(raw, row_codes)
        typed: dict[str, np.ndarray] = {name: np.asarray(numbers[name], dtype=kind)
                                        for name, kind in NUMBER_TYPES.items()}
        rows = {len(a) for a in (*codes.values(), *typed.values())}
        if len(rows) > 1:
            raise ValueError(f"learned columns of different lengths: {sorted(rows)}")
        return cls(values, codes, typed)

    @classmethod
    def from_frame(cls, frame: pd.DataFrame, *, typed: bool = False) -> LearnedTable:
        """A learned-places frame coded a column at a time (typed as
        :func:`geo.geocoding.learned.typed_learned` types it, unless ``typed``)."""

        def column(name: str) -> pd.Series:
            return frame[name] if typed else typed_column(frame, name)

        texts: dict[str, tuple[object, np.ndarray]] = {}
        for name in TEXT_COLUMNS:
            codes, uniques = pd.factorize(column(name))
            texts[name] = (uniques, codes)
        numbers = {name: column(name).to_numpy(dtype=kind)
                   for name, kind in NUMBER_TYPES.items()}
        return cls.of(texts, numbers)

    def __len__(self) -> int:
        """Number of rows."""
        return len(self.numbers["latitude"])

    def text(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """A text column's (distinct values, int32 code per row)."""
        return self.values[name], self.codes[name]

    def frame(self) -> pd.DataFrame:
        """The rows as :data:`LEARNED_COLUMNS`, typed as a store's ``learned_places()``."""
        if not len(self):
            return empty_learned()
        built: dict[str, object] = {}
        for name in LEARNED_COLUMNS:
            if name in self.codes:
                values = pd.Series(list(self.values[name]))
                built[name] = pd.Series(values.array.take(self.codes[name]))
            else:
                built[name] = self.numbers[name]
        return pd.DataFrame(built, copy=False)


def read_learned_table(source: LearnedPlaceSource) -> LearnedTable:
    """A source's learned places as codes: the source's own ``learned_table()`` when it
    has one (a store: no column of strings is built), else its frame coded."""
    reader = getattr(source, "learned_table", None)
    if callable(reader):
        table = reader()
        if isinstance(table, LearnedTable):
            return table
    return LearnedTable.from_frame(source.learned_places())


def first_seen(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``pandas.factorize`` of non-negative integers, without its hash table.

    ``pandas.factorize`` sizes its hash table for every row (about 40 MB at 800,000
    rows, whatever the number of distinct values); codes into small tables need only
    an array of each value's first row.

    Parameters
    ----------
    codes : numpy.ndarray
        Non-negative integers.

    Returns
    -------
    tuple of numpy.ndarray
        Each row's number (int64, numbered in the order of first appearance) and the
        distinct values in that order: what ``pandas.factorize(codes)`` returns.
    """
    codes = np.asarray(codes)
    rows = len(codes)
    if not rows:
        return np.zeros(0, dtype=np.int64), codes[:0].copy()
    if codes.min() < 0:
        raise ValueError("first_seen numbers non-negative integers")
    size = int(codes.max()) + 1
    if size > max(rows, 1 << 16):  # sparse values: sorted instead
        distinct, where, inverse = np.unique(codes, return_index=True, return_inverse=True)
        by_first = np.argsort(where, kind="stable")
        number = np.empty(len(distinct), dtype=np.int64)
        number[by_first] = np.arange(len(distinct))
        return number[inverse.reshape(-1)], distinct[by_first]
    first = np.full(size, rows, dtype=np.int64)
    np.minimum.at(first, codes, np.arange(rows))
    present = np.flatnonzero(first < rows)
    distinct = present[np.argsort(first[present], kind="stable")]
    del first
    number = np.zeros(size, dtype=np.int64)
    number[distinct] = np.arange(len(distinct))
    return number[codes], distinct.astype(codes.dtype)


def _typed_codes(raw: object, codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(values, int32 codes) with values typed as text and no two equal."""
    items = ["" if v is None or (isinstance(v, float) and v != v) else str(v)
             for v in list(raw)]  # type: ignore[call-overload]
    row_codes = np.asarray(codes)
    if len(row_codes) and (row_codes.min() < 0 or row_codes.max() >= len(items)):
        raise ValueError("learned text codes out of their values' range")
    merged, distinct = pd.factorize(pd.Series(items, dtype=object))
    values = np.asarray(distinct, dtype=object)
    if len(values) == len(items):  # already distinct: the codes stand
        return values, row_codes.astype(np.int32, copy=False)
    return values, merged.astype(np.int32)[row_codes]


__all__ = ["NUMBER_TYPES", "TEXT_COLUMNS", "LearnedTable", "first_seen",
           "read_learned_table"]
