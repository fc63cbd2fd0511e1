"""What a :class:`geo.geocoding.learned_index.LearnedNames` answers from, comparable."""

from __future__ import annotations

from geo.geocoding.learned_index import LearnedNames


def names_state(names: LearnedNames) -> tuple:
    """Its row arrays (values and types), value and key tables, and spelling indexes."""
    arrays = (names._order, names._bounds, names._group_key, names._group_country,
              names._key_of_name, names._enabled, *names._columns.values())
    tables = (names._names, names._countries, names._admin1s, names._sources, names._keys)
    return (tuple(a.tolist() for a in arrays),
            {k: v.dtype.str for k, v in names._columns.items()},
            tuple(list(t) for t in tables),
            sorted((k, sorted(v)) for k, v in names._by_exact.items()),
            sorted((k, sorted(v)) for k, v in names._by_norm.items()),
            sorted((k, sorted(v)) for k, v in names._norms_of_skel.items()),
            names._fuzzy_keys)
