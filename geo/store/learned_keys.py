"""The learned places' distinct names, and the rows of a few: what a search term reads.

:func:`read_keys` reads one row per distinct (source, name, country) of the learned
places with its number of rows (a ``GROUP BY`` the store answers from its unique index
of the learned places, which starts with source, name and country: about 0.13 s of
CPU for 800,000 rows and 5,000 names in SQLite), and hands
:class:`geo.geocoding.learned_keys.LearnedKeys` a reader of the rows of given names
(through the same index). See :mod:`geo.geocoding.learned_keys` for why the answers
are those of the full read (:func:`geo.store.learned.learned_table`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import pandas as pd

from geo.geocoding.learned import LEARNED_COLUMNS
from geo.geocoding.learned_keys import KeyRow, LearnedKeyTable, key_table
from geo.store.learned import Dialect, Run, revision

#: Key tables read before one is taken though writes keep moving the revision.
_READ_TRIES = 3


def read_keys(run: Run, d: Dialect) -> LearnedKeyTable:
    """The learned places' distinct (source, name, country), with a reader of their rows.

    Parameters
    ----------
    run : Run
        Runs a read-only statement (the store's own reader: also used later, by the
        reader of rows).
    d : Dialect

    Returns
    -------
    LearnedKeyTable
        In the order of ``ORDER BY source, name`` (the back end's collation), as
        :func:`geo.store.learned.learned_table` orders the rows.
    """
    # NaN points (possible in PostgreSQL only) are left out, as LearnedNames drops them
    sql = f"""SELECT source, name, country, count(*) FROM {d.places}
        WHERE latitude <> 'NaN' AND longitude <> 'NaN'
        GROUP BY source, name, country ORDER BY source, name, country"""
    for _ in range(_READ_TRIES):
        before = revision(run, d)
        rows = run(sql, [])
        enabled = {str(s): int(str(e)) != 0
                   for s, e in run(f"SELECT source, enabled FROM {d.sources}", [])}
        if revision(run, d) == before:
            break

    def read_rows(wanted: Sequence[KeyRow]) -> pd.DataFrame:
        return rows_of(run, d, wanted)

    return key_table(rows, enabled, before, read_rows)  # type: ignore[arg-type]


def rows_of(run: Run, d: Dialect, wanted: Sequence[KeyRow]) -> pd.DataFrame:
    """The learned rows of some sources' names, in the full read's order.

    Parameters
    ----------
    run : Run
    d : Dialect
    wanted : sequence of (source, name, country)
        Rows of these sources and names are read (of any country: the caller keeps
        the countries it wants).

    Returns
    -------
    pandas.DataFrame
        :data:`geo.geocoding.learned.LEARNED_COLUMNS` (``enabled`` all true), by
        ``ORDER BY source, name, fid``.
    """
    sources = sorted({s for s, _, _ in wanted})
    names = sorted({n for _, n, _ in wanted})
    if d.postgres:
        within = f"source = ANY({d.mark}) AND name = ANY({d.mark})"
        params: list[object] = [sources, names]
    else:
        within = (f"source IN (SELECT value FROM json_each({d.mark})) "
                  f"AND name IN (SELECT value FROM json_each({d.mark}))")
        params = [json.dumps(sources), json.dumps(names)]
    rows = run(f"""SELECT name, country, admin1, latitude, longitude, "precision", source,
            records, 1 FROM {d.places} WHERE {within} ORDER BY source, name, fid""", params)
    return pd.DataFrame(rows, columns=list(LEARNED_COLUMNS))


__all__ = ["read_keys", "rows_of"]
