"""Charts (Altair) of the map page: the timeline heat strip.

The counts come from :mod:`geo.view.timeline`; this module only draws them.
"""

from __future__ import annotations

from datetime import date

import altair as alt
import pandas as pd

from geo.view.timeline import BRUSH, PRECISION_ROWS

__all__ = ["BRUSH", "timeline_chart"]


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
        cells = cells.add_params(alt.selection_interval(name=BRUSH, encodings=["x"]))
    return alt.LayerChart(layer=[cells, band]).properties(height=150)


def _parts(stamp: pd.Timestamp) -> dict[str, int]:
    return {"year": stamp.year, "month": stamp.month, "date": stamp.day}
