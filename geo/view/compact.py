"""Compact incident frames: low-cardinality text as categoricals, Arrow text in one chunk.

A million incidents as plain text weigh about 290 MB more than with the columns of
:data:`CATEGORY_COLUMNS` as categoricals; :class:`geo.view.dataset.Dataset` keeps its
frame compact, and the chunked loads (:mod:`geo.view.assemble`) compact each chunk.
"""

from __future__ import annotations

from typing import TypeVar

import pandas as pd
import pyarrow as pa

#: Text columns with few distinct values (vocabularies, codes, names of areas, places and
#: sources), kept as categoricals: one byte or two a row instead of at least eight (about
#: 230 MB less at a million incidents). The empty text is always one of their categories,
#: so ``fillna("")`` and ``where(..., "")`` keep working on them.
CATEGORY_COLUMNS: tuple[str, ...] = (
    "date_precision", "date_note", "place", "country", "admin1", "geocode_source",
    "event_type", "actors", "source_name", "claimed_by", "claim_status", "type_of_violence",
    "source_event_type", "source_sub_event_type", "deaths_a", "deaths_b", "deaths_civilians",
    "deaths_unknown", "location_uncertainty_km", "quality", "geocode_status", "place_names",
    "adm1_pcode", "adm1_name", "adm2_pcode", "adm2_name", "claimant", "violence_label",
    "off_map", "place_keys", "admin2", "nearest_place", "source_area",
)


def _categories(values: pd.Series, extra: pd.Index | None = None) -> pd.CategoricalDtype:
    """The categories of a column: its distinct texts (and ``extra``'s), with the empty one."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        found = pd.Index(values.cat.categories)
    else:
        found = pd.Index(pd.unique(values.fillna("").astype(str)))
    if extra is not None:
        found = found.union(extra, sort=False)
    if "" not in found:
        found = found.append(pd.Index([""]))
    return pd.CategoricalDtype(found.sort_values())


_Frame = TypeVar("_Frame", bound=pd.DataFrame)


def compact_frame(incidents: _Frame) -> _Frame:
    """The incidents with the columns of :data:`CATEGORY_COLUMNS` as categoricals.

    Values are unchanged (missing text becomes the empty text, as elsewhere); a new frame
    is returned, sharing the other columns.

    Parameters
    ----------
    incidents : pandas.DataFrame or geopandas.GeoDataFrame

    Returns
    -------
    pandas.DataFrame or geopandas.GeoDataFrame
        Of the same type.
    """
    todo = [c for c in CATEGORY_COLUMNS if c in incidents.columns
            and not isinstance(incidents[c].dtype, pd.CategoricalDtype)
            and (incidents[c].dtype == object or pd.api.types.is_string_dtype(incidents[c]))]
    if not todo:
        return incidents
    out = incidents.copy(deep=False)
    for column in todo:
        values = out[column].fillna("").astype(str)
        out[column] = values.astype(_categories(values))
    return out


def without_points(incidents: pd.DataFrame) -> pd.DataFrame:
    """The incidents as a plain frame, without the ``geometry`` column of Shapely points.

    The views read ``latitude`` and ``longitude``; a point object per incident weighs
    about 200 MB at a million incidents (a Python object and a GEOS geometry each), for
    the same coordinates. Other columns are shared, not copied.

    Parameters
    ----------
    incidents : pandas.DataFrame or geopandas.GeoDataFrame

    Returns
    -------
    pandas.DataFrame
        ``incidents`` itself when it is a plain frame without ``geometry``.
    """
    if "geometry" not in incidents.columns and type(incidents) is pd.DataFrame:
        return incidents
    return pd.DataFrame(incidents.drop(columns="geometry", errors="ignore"), copy=False)


def single_chunks(incidents: _Frame) -> _Frame:
    """The incidents with each Arrow-backed text column in one contiguous chunk.

    A file read in parts, or a frame patched after an edit, keeps its text columns as
    several Arrow chunks, and taking rows from such a column (``frame.iloc[rows]``: the
    table's page, the incidents at a place) first joins every chunk, about 10 ms per
    column and per take at 1,000,000 incidents. Joined once here, a take of 100 rows
    costs microseconds. Values and dtypes are unchanged; a new frame is returned
    (sharing the other columns), or ``incidents`` itself when nothing is chunked.

    Parameters
    ----------
    incidents : pandas.DataFrame or geopandas.GeoDataFrame

    Returns
    -------
    pandas.DataFrame or geopandas.GeoDataFrame
        Of the same type.
    """
    joined: dict[str, pd.Series] = {}
    for column in incidents.columns:
        given = incidents[column]
        values = single_chunk(given)
        if values is not given:
            joined[column] = values
    if not joined:
        return incidents
    out = incidents.copy(deep=False)
    for column, series in joined.items():
        out[column] = series
    return out


def single_chunk(values: pd.Series) -> pd.Series:
    """An Arrow-backed text column in one chunk (see :func:`single_chunks`); any other
    column, or one already in one chunk, is returned as it is."""
    array = values.array
    if not isinstance(array, pd.arrays.ArrowStringArray):
        return values
    chunked = array.__arrow_array__()
    if chunked.num_chunks <= 1:
        return values
    whole = pa.chunked_array([chunked.combine_chunks()], type=chunked.type)
    return pd.Series(type(array)(whole, dtype=array.dtype), index=values.index,
                     name=values.name)


def align_categories(old: _Frame, fresh: _Frame) -> tuple[_Frame, _Frame]:
    """``old`` and ``fresh`` with the same categories in each categorical column of ``old``.

    So that ``pandas.concat`` of the two keeps those columns categorical (categoricals
    with different categories concatenate to plain text). Only the codes of ``old`` are
    rewritten (a few MB at a million rows), not its texts.

    Parameters
    ----------
    old : pandas.DataFrame or geopandas.GeoDataFrame
        Compacted (see :func:`compact_frame`).
    fresh : pandas.DataFrame or geopandas.GeoDataFrame
        Records to add to it, compacted or not.

    Returns
    -------
    tuple of pandas.DataFrame or geopandas.GeoDataFrame
    """
    old, fresh = old.copy(deep=False), fresh.copy(deep=False)
    for column in old.columns:
        if not isinstance(old[column].dtype, pd.CategoricalDtype) or column not in fresh:
            continue
        incoming = fresh[column]
        if isinstance(incoming.dtype, pd.CategoricalDtype):
            incoming = incoming.astype(str)
        incoming = incoming.fillna("").astype(str)
        dtype = _categories(old[column], pd.Index(pd.unique(incoming)))
        if dtype != old[column].dtype:
            old[column] = old[column].cat.set_categories(dtype.categories)
        fresh[column] = incoming.astype(dtype)
    return old, fresh
