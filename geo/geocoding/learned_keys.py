"""A search term's learned places from the distinct learned names, not every learned row.

:class:`geo.geocoding.learned_index.LearnedNames` is built from every learned row: at a
million synthetic records that is 800,000 rows read from the store (about 6 s of CPU,
most of it SQLite's Python tuples), paid by the map page's first search in a server
process. Yet a search term only needs the spelling keys of the distinct names (a few
thousand) to find the groups of rows it could match, and then the rows of those groups.

:class:`LearnedKeys` answers as ``LearnedNames`` does from a store's
:class:`LearnedKeyTable`: one row per distinct (source, name, country) of the learned
places with their number of rows and whether the source is switched on (one ``GROUP
BY`` over the store's index of the learned places), and a reader of the rows of given
(source, name, country) in the store's order.

Why the answer is the same. A ``LearnedNames`` built on the key table has the same
names, keys, countries and groups (a group is a name's key and a country over the
enabled rows: the key table has one row for each such pair a learned row has), so its
spelling index and its groups for a term are those of the full one, only numbered
differently. The rows of a set of groups are read whole from the store, in the order
the full read puts them (``ORDER BY source, name, fid``), so :meth:`LearnedKeys.frame`
equals the full ``frame`` of the same groups. A correction that points at a learned
place (``groups_of_ids``) needs every row's point: that one case reads the full table
(once, see ``full``), and its groups are carried over by their name key and country.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from geo.geocoding.compound import ParsedPlace
from geo.geocoding.learned import LEARNED_COLUMNS
from geo.geocoding.learned_index import LearnedNames
from geo.geocoding.learned_table import LearnedTable

KeyRow = tuple[str, str, str]
"""A learned key row: source, name, country."""


@dataclass(frozen=True)
class LearnedKeyTable:
    """The distinct learned (source, name, country) of a source, and a reader of rows.

    Attributes
    ----------
    table : LearnedTable
        One row per distinct (source, name, country) whose learned rows have a point,
        in the source's order (by source, then name): ``enabled`` whether the source is
        switched on, ``records`` its number of learned rows (the other numbers are 0,
        ``admin1`` empty).
    revision : int
        The learned revision the table was read at.
    read_rows : callable
        ``read_rows(key_rows)``: the learned rows of these (source, name, country), as
        :data:`geo.geocoding.learned.LEARNED_COLUMNS`, in the order the source's
        ``learned_table()`` gives them.
    """

    table: LearnedTable
    revision: int
    read_rows: Callable[[Sequence[KeyRow]], pd.DataFrame]


class LearnedKeys:
    """:class:`LearnedNames`'s answers for search terms, from a :class:`LearnedKeyTable`.

    Parameters
    ----------
    keys : LearnedKeyTable
    full : callable, optional
        Gives the full :class:`LearnedNames` of the same source (read on first need:
        only for a correction that points at a learned place).
    """

    def __init__(self, keys: LearnedKeyTable,
                 full: Callable[[], LearnedNames] | None = None) -> None:
        self.revision = keys.revision
        self._read_rows = keys.read_rows
        self._index = LearnedNames(keys.table, keys.revision)
        self._full = full
        self._read: LearnedNames | None = None
        self._lock = threading.Lock()

    @classmethod
    def from_source(cls, source: object,
                    full: Callable[[], LearnedNames] | None = None) -> LearnedKeys:
        """Read a store's key table (its ``learned_keys()``); ``full`` defaults to reading
        ``LearnedNames.from_source(source)``."""
        reader = source.learned_keys  # type: ignore[attr-defined]
        if full is None:
            def full() -> LearnedNames:
                return LearnedNames.from_source(source)  # type: ignore[arg-type]
        return cls(reader(), full)

    @property
    def groups(self) -> int:
        """Number of groups (a name's key and a country)."""
        return self._index.groups

    @property
    def group_rows(self) -> np.ndarray:
        """Number of learned rows of each group."""
        return self._index.group_sums("records")

    def groups_for(self, name: str, parsed: ParsedPlace, loose: bool = True
                   ) -> tuple[int, ...]:
        """See :meth:`LearnedNames.groups_for`."""
        return self._index.groups_for(name, parsed, loose)

    def groups_of_ids(self, ids: Iterable[str]) -> tuple[int, ...]:
        """See :meth:`LearnedNames.groups_of_ids` (reads the full table on first need)."""
        wanted = [i for i in ids if i.startswith("learned:")]
        if not wanted or self._full is None:
            return ()
        with self._lock:
            if self._read is None:
                self._read = self._full()
            full = self._read
        return self._index.groups_named(full.identities(full.groups_of_ids(wanted)))

    def frame(self, groups: Sequence[int]) -> pd.DataFrame:
        """The learned rows of these groups, as :meth:`LearnedNames.frame` gives them."""
        chosen = self._index.frame(groups)
        wanted = list(dict.fromkeys(zip(chosen["source"].astype(str),
                                        chosen["name"].astype(str),
                                        chosen["country"].astype(str), strict=True)))
        rows = self._read_rows(wanted) if wanted else pd.DataFrame(
            {c: [] for c in LEARNED_COLUMNS})
        picked = set(wanted)
        keep = np.fromiter(
            ((str(s), str(n), str(c)) in picked for s, n, c in zip(
                rows["source"], rows["name"], rows["country"], strict=True)),
            dtype=bool, count=len(rows))
        lat = rows["latitude"].to_numpy(dtype=np.float64)
        lon = rows["longitude"].to_numpy(dtype=np.float64)
        keep &= ~(np.isnan(lat) | np.isnan(lon))
        out = pd.DataFrame({
            "name": _texts(rows["name"], keep), "country": _texts(rows["country"], keep),
            "admin1": _texts(rows["admin1"], keep),
            "latitude": lat[keep], "longitude": lon[keep],
            "precision": rows["precision"].to_numpy(dtype=np.int64)[keep],
            "source": _texts(rows["source"], keep),
            "records": rows["records"].to_numpy(dtype=np.int64)[keep],
            "enabled": np.ones(int(keep.sum()), dtype=bool),
        })
        return out[list(LEARNED_COLUMNS)]


def _texts(values: pd.Series, keep: np.ndarray) -> np.ndarray:
    """A text column's kept values as an object array of ``str`` (missing: "")."""
    items = ["" if v is None or (isinstance(v, float) and v != v) else str(v)
             for v in values.tolist()]
    return np.asarray(items, dtype=object)[keep] if len(items) else np.zeros(0, dtype=object)


def key_table(rows: Sequence[tuple[object, object, object, object]],
              enabled: dict[str, bool], revision: int,
              read_rows: Callable[[Sequence[KeyRow]], pd.DataFrame]) -> LearnedKeyTable:
    """A :class:`LearnedKeyTable` from (source, name, country, rows) in the source's order.

    Parameters
    ----------
    rows : sequence of tuple
        One per distinct (source, name, country), with its number of learned rows.
    enabled : dict
        Source -> switched on (a source missing from it is on).
    revision : int
    read_rows : callable
        See :class:`LearnedKeyTable`.
    """
    texts: dict[str, tuple[object, np.ndarray]] = {}
    for i, column in enumerate(("source", "name", "country")):
        codes, uniques = pd.factorize(pd.Series([str(r[i]) for r in rows], dtype=object))
        texts[column] = (list(uniques), codes.astype(np.int32))
    n = len(rows)
    texts["admin1"] = ([""], np.zeros(n, dtype=np.int32))
    numbers = {
        "latitude": np.zeros(n), "longitude": np.zeros(n),
        "precision": np.zeros(n, dtype=np.int64),
        "records": np.fromiter((int(str(r[3])) for r in rows), dtype=np.int64, count=n),
        "enabled": np.fromiter((enabled.get(str(r[0]), True) for r in rows), dtype=bool,
                               count=n),
    }
    return LearnedKeyTable(LearnedTable.of(texts, numbers), revision, read_rows)


__all__ = ["KeyRow", "LearnedKeyTable", "LearnedKeys", "key_table"]
