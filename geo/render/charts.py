"""Charts (Altair) of the map page: the timeline heat strip.

The counts come from :mod:`geo.view.timeline`; this module only draws them.
"""

from __future__ import annotations

import copy
import hashlib
import json
from datetime import date
from functools import lru_cache
from typing import Any

import altair as alt
import pandas as pd
from altair.utils.data import to_values

from geo.view.timeline import BRUSH, PRECISION_ROWS

__all__ = ["BRUSH", "timeline_chart", "timeline_spec", "vega_lite_spec"]


def timeline_chart(
    data: pd.DataFrame,
    span: tuple[date, date],
    selected: tuple[date, date],
    brush: bool = False,
) -> alt.LayerChart:
    """Heat strip of incidents over time, with the selected range outlined.

    Parameters
    ----------
    data : pandas.DataFrame
        Output of :func:`geo.view.timeline.timeline_counts`.
    span : tuple of date
        Dates the x axis shows: the data's span, or the part zoomed into.
    selected : tuple of date
        Selected date range (inclusive).
    brush : bool
        Add the interval selection :data:`BRUSH` (read it with
        :func:`geo.view.timeline.brushed_range`).

    Returns
    -------
    altair.LayerChart
    """
    end = pd.Timestamp(span[1]) + pd.Timedelta(days=1)
    x_scale = alt.Scale(
        domain=[_parts(pd.Timestamp(span[0])), _parts(end)]
    )
    rows = list(PRECISION_ROWS.values())
    shade = pd.DataFrame(
        {
            "start": [pd.Timestamp(selected[0])],
            "end": [pd.Timestamp(selected[1]) + pd.Timedelta(days=1)],
        }
    )
    cells = (
        alt.Chart(data)
        .mark_rect(stroke="white", strokeWidth=0.3)
        .encode(
            x=alt.X("start:T", scale=x_scale, title=None),
            x2="end:T",
            y=alt.Y(
                "precision:N", title=None, sort=rows, scale=alt.Scale(domain=rows),
                axis=alt.Axis(labelOverlap=False),
            ),
            color=alt.Color(
                "count:Q", title="incidents", scale=alt.Scale(scheme="oranges"),
                legend=alt.Legend(format="d", tickMinStep=1),
            ),
            tooltip=[
                alt.Tooltip("start:T", title="from"),
                alt.Tooltip("end:T", title="until (exclusive)"),
                alt.Tooltip("precision:N", title="dated to"),
                alt.Tooltip("count:Q", title="incidents"),
            ],
        )
    )
    band = (
        alt.Chart(shade)
        .mark_rect(fill="#1f77b4", fillOpacity=0.08, stroke="#1f77b4", strokeWidth=2)
        .encode(x=alt.X("start:T", title=None), x2="end:T")
    )
    if brush:
        # A view name of its own: Altair would otherwise name the view after a hash of
        # the data's printed form, and the spec could not be reused for other counts.
        cells = cells.properties(name="timeline_cells").add_params(
            alt.selection_interval(name=BRUSH, encodings=["x"]))
    return alt.LayerChart(layer=[cells, band]).properties(height=150)


def _parts(stamp: pd.Timestamp) -> dict[str, int]:
    return {"year": stamp.year, "month": stamp.month, "date": stamp.day}


def vega_lite_spec(chart: alt.TopLevelMixin) -> dict[str, Any]:
    """The Vega-Lite spec of an Altair chart, for ``st.vega_lite_chart``.

    Not validated against the schema again, and without Altair's default view size
    (Streamlit sizes its charts).
    """
    spec: dict[str, Any] = chart.to_dict(validate=False)
    config = spec.get("config", {})
    config.pop("view", None)
    if not config:
        spec.pop("config", None)
    return spec


def timeline_spec(
    data: pd.DataFrame,
    span: tuple[date, date],
    selected: tuple[date, date],
    brush: bool = False,
) -> dict[str, Any]:
    """:func:`vega_lite_spec` of :func:`timeline_chart`, the same dict, made faster.

    Altair builds and converts the chart (most of the cost: walking its schema
    objects) once per span, selected dates and brush, around placeholder counts; the
    counts are then put in as Altair itself puts inline data (its data transformer,
    a dataset named by a hash of the values). Every call returns a new dict.

    Parameters
    ----------
    data, span, selected, brush
        See :func:`timeline_chart`.

    Returns
    -------
    dict
    """
    template, placeholder = _timeline_template(span, selected, brush, tuple(data.columns),
                                               tuple(str(t) for t in data.dtypes))
    values = _values(data)
    name = _dataset_name(values)
    spec = _renamed(template, placeholder, name)
    spec["datasets"] = {(name if key == placeholder else key):
                        (values if key == placeholder else copy.deepcopy(rows))
                        for key, rows in template["datasets"].items()}
    return spec


@lru_cache(maxsize=32)
def _timeline_template(
    span: tuple[date, date], selected: tuple[date, date], brush: bool,
    columns: tuple[str, ...], dtypes: tuple[str, ...],
) -> tuple[dict[str, Any], str]:
    empty = pd.DataFrame({c: pd.Series(dtype=t) for c, t in zip(columns, dtypes, strict=True)})
    values = _values(empty)
    return vega_lite_spec(timeline_chart(empty, span, selected, brush)), _dataset_name(values)


def _values(data: pd.DataFrame) -> Any:
    """Inline values of a frame as Altair's default data transformer makes them.

    Called directly, not through ``alt.data_transformers.get()``: the active transformer
    is global, and Streamlit switches it while another session draws an Altair chart
    (``KeyError: 'values'`` under concurrent sessions).
    """
    return to_values(data)["values"]


def _dataset_name(values: object) -> str:
    """The name Altair gives an inline dataset (``altair.vegalite.v6.api._dataset_name``)."""
    if values == [{}]:
        return "empty"
    text = json.dumps(values, sort_keys=True, default=str)
    return "data-" + hashlib.sha256(text.encode()).hexdigest()[:32]


def _renamed(node: Any, old: str, new: str) -> Any:
    """A copy of a spec (without its datasets) where the dataset ``old`` is called ``new``."""
    if isinstance(node, dict):
        if node.get("name") == old and set(node) <= {"name", "format"}:
            return {**node, "name": new}
        return {k: _renamed(v, old, new) for k, v in node.items() if k != "datasets"}
    if isinstance(node, list):
        return [_renamed(v, old, new) for v in node]
    return node
