"""The timeline chart: incidents over time, imprecise dates drawn as their interval."""

from __future__ import annotations

from datetime import date

import altair as alt
import pandas as pd

#: Label of each date precision in the chart.
PRECISION_ROWS = {"day": "known day", "month": "month", "year": "year", "range": "range"}


def timeline_data(incidents: pd.DataFrame) -> pd.DataFrame:
    """Aggregate dated incidents into chart marks.

    Incidents known to the day are counted per day; an incident dated to a
    month, a year or a range becomes a bar over its whole interval (incidents
    with the same interval are counted together).

    Parameters
    ----------
    incidents : pandas.DataFrame
        With ``date_start``, ``date_end``, ``date_precision``.

    Returns
    -------
    pandas.DataFrame
        Columns ``start``, ``end`` (exclusive), ``precision``, ``count``.
    """
    dated = incidents[incidents["date_start"].notna()]
    frame = pd.DataFrame(
        {
            "start": dated["date_start"].to_numpy(),
            "end": (dated["date_end"] + pd.Timedelta(days=1)).to_numpy(),
            "precision": dated["date_precision"].map(PRECISION_ROWS).fillna("range").to_numpy(),
        }
    )
    out = frame.groupby(["start", "end", "precision"], sort=True).size().rename("count")
    return out.reset_index()


def timeline_chart(
    data: pd.DataFrame, span: tuple[date, date], selected: tuple[date, date]
) -> alt.LayerChart:
    """Chart of incidents over time with the selected range shaded.

    Parameters
    ----------
    data : pandas.DataFrame
        Output of :func:`timeline_data` for the incidents passing every other filter.
    span : tuple of date
        Whole date span of the data (the x axis).
    selected : tuple of date
        Selected date range (inclusive).

    Returns
    -------
    altair.LayerChart
    """
    x_scale = alt.Scale(domain=[span[0].isoformat(), (pd.Timestamp(span[1]) + pd.Timedelta(days=1)).isoformat()])
    shade = pd.DataFrame(
        {"start": [pd.Timestamp(selected[0])], "end": [pd.Timestamp(selected[1]) + pd.Timedelta(days=1)]}
    )
    band = (
        alt.Chart(shade)
        .mark_rect(color="#1f77b4", opacity=0.12)
        .encode(x=alt.X("start:T", scale=x_scale, title=None), x2="end:T")
    )
    bars = (
        alt.Chart(data)
        .mark_bar(opacity=0.75, stroke="#333", strokeWidth=0.5, minBandSize=2)
        .encode(
            x=alt.X("start:T", scale=x_scale, title=None),
            x2="end:T",
            y=alt.Y("precision:N", title=None, sort=list(PRECISION_ROWS.values())),
            color=alt.Color("precision:N", legend=None,
                            sort=list(PRECISION_ROWS.values())),
            opacity=alt.Opacity("count:Q", legend=None, scale=alt.Scale(range=[0.45, 1])),
            tooltip=[
                alt.Tooltip("start:T", title="from"),
                alt.Tooltip("end:T", title="until (exclusive)"),
                alt.Tooltip("precision:N", title="dated to"),
                alt.Tooltip("count:Q", title="incidents"),
            ],
        )
    )
    return alt.layer(band, bars).properties(height=110)
