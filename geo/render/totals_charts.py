"""Charts of a view's totals (Altair, drawn by the browser from data the page sends).

Events are stacked by category over time; deaths are stacked only within one
claimant's figures (see :mod:`geo.view.totals`). A choropleth colours admin areas by
a count or a death figure.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import altair as alt
import geopandas as gpd
import pandas as pd
import shapely

from geo.render.layers import SEVERAL_COLOR
from geo.view.totals import range_text
from geo.vocab import EVENT_COLORS

#: Category columns a chart can split by -> label.
CATEGORY_LABELS: dict[str, str] = {
    "event_type": "event type",
    "violence_label": "type of violence (UCDP)",
    "source_event_type": "source's event type",
    "source_sub_event_type": "source's sub-event type",
    "claim_status": "claim status",
}

_TIME_UNITS: dict[str, Any] = {"day": "yearmonthdate", "week": "yearweek",
                                "month": "yearmonth", "year": "year"}


def figure_text(low: object, high: object, unknown: object = 0, open_top: object = 0) -> str:
    """A casualty range as text: '12', '12–30', 'n/k' (not known), '12–30 · 4 n/k', and
    'at least 16', '12–30 or more' when some incidents give only a low figure.

    Parameters
    ----------
    low, high : int or NA
        Lowest and highest total.
    unknown : int
        Incidents that give no figure.
    open_top : int
        Incidents that give a low figure and no high one (the high total is then a
        floor: :func:`geo.view.totals.range_text`).

    Returns
    -------
    str
    """
    missing = _missing(low) and _missing(high)
    text = "n/k"
    if not missing:
        lo = int(high if _missing(low) else low)  # type: ignore[call-overload]
        hi = int(low if _missing(high) else high)  # type: ignore[call-overload]
        text = range_text(lo, hi, _count(open_top))
    count = _count(unknown)
    if count and not missing:
        text += f" · {count:,} n/k"
    return text


def best_text(best: object, lacking: object, incidents: object, low: object = None,
              high: object = None, open_top: object = 0) -> str:
    """A best-estimate total beside its low-high range, honest about incidents without one.

    'best estimate 2,400 (low–high 2,364–2,437)' when every incident gives a best
    estimate; 'best estimate 1,200 for 300 of 361 incidents (61 give none); low–high
    2,364–2,437' when some do not (never a partial sum read as the whole); '' when none do.

    Parameters
    ----------
    best : int or NA
        Sum of the best estimates of the incidents that give one.
    lacking : int
        Incidents that give no best estimate.
    incidents : int
        Incidents in the set.
    low, high : int or NA, optional
        The killed range of the same set.
    open_top : int, optional
        Incidents of the set that give a low killed figure and no high one.

    Returns
    -------
    str
    """
    if _missing(best):
        return ""
    total = 0 if _missing(incidents) else int(incidents)  # type: ignore[call-overload]
    none = 0 if _missing(lacking) else int(lacking)  # type: ignore[call-overload]
    span = "" if _missing(low) and _missing(high) else \
        f"low–high {figure_text(low, high, 0, open_top)}"
    if not none:
        return f"best estimate {int(best):,}" + (f" ({span})" if span else "")  # type: ignore[call-overload]
    text = (f"best estimate {int(best):,} for {total - none:,} of {total:,} "  # type: ignore[call-overload]
            f"incidents ({none:,} give none)")
    return text + (f"; {span}" if span else "")


#: Tooltip titles of the area chart's figures that their column names do not say well.
_AREA_TITLES = {"killed_best": "killed, best estimate",
                "killed_best_unknown": "incidents without a best estimate",
                "killed_open": "incidents with only a lowest killed figure"}


def _opens(table: pd.DataFrame, name: str) -> pd.Series:
    """Per row, incidents giving a low ``name`` figure and no high one (0 if absent)."""
    column = f"{name}_open"
    if column not in table:
        return pd.Series(0, index=table.index, dtype="int64")
    return pd.to_numeric(table[column], errors="coerce").fillna(0).astype("int64")


def _texts(table: pd.DataFrame, name: str) -> pd.Series:
    """Per row, :func:`figure_text` of the ``name`` range (no unknown count)."""
    return pd.Series([figure_text(lo, hi, 0, o) for lo, hi, o in zip(
        table[f"{name}_min"], table[f"{name}_max"], _opens(table, name), strict=True)],
        index=table.index, dtype=object)


def _missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and value != value)


def category_color(data: pd.DataFrame, by: str, label: str) -> alt.Color:
    """The colour channel of a chart split by ``by``: event types in the map's colours
    (:data:`geo.vocab.EVENT_COLORS`; a type it lacks in the map's grey), other
    categories in Vega's own palette.

    Trial 22: "attack on civilians" was yellow on the map and dark blue in the charts.
    """
    if by != "event_type":
        return alt.Color(f"{by}:N", title=label)
    present = {str(v) for v in data[by].dropna()}
    domain = [t for t in EVENT_COLORS if t in present] + sorted(present - set(EVENT_COLORS))
    colours = [EVENT_COLORS.get(t, SEVERAL_COLOR) for t in domain]
    return alt.Color(f"{by}:N", title=label, scale=alt.Scale(domain=domain, range=colours))


def _count(value: object) -> int:
    """A count of incidents as an int (0 when missing)."""
    return 0 if _missing(value) else int(value)  # type: ignore[call-overload]


def auto_frequency(span: tuple[date, date] | None) -> str:
    """A bar width that gives a readable number of bars over ``span``."""
    if span is None:
        return "month"
    days = (span[1] - span[0]).days + 1
    if days <= 92:
        return "day"
    if days <= 2 * 366:
        return "week"
    if days <= 30 * 366:
        return "month"
    return "year"


def events_chart(series: pd.DataFrame, by: str, freq: str) -> alt.Chart:
    """Incidents per period, stacked by category (claimants added: counts may be).

    Parameters
    ----------
    series : pandas.DataFrame
        Output of :func:`geo.view.totals.time_series`.
    by : str
        The category column.
    freq : str
        ``day``, ``week``, ``month`` or ``year``.

    Returns
    -------
    altair.Chart
    """
    data = series.groupby(["period", by], as_index=False)["incidents"].sum()
    data["period"] = pd.to_datetime(data["period"])
    label = CATEGORY_LABELS.get(by, by)
    return (
        alt.Chart(data, title=f"Incidents per {freq}, by {label}")
        .mark_bar()
        .encode(
            x=alt.X("period:T", timeUnit=_TIME_UNITS[freq], title=None),
            y=alt.Y("sum(incidents):Q", title="incidents"),
            color=category_color(data, by, label),
            tooltip=[alt.Tooltip("period:T", timeUnit=_TIME_UNITS[freq], title=freq),
                     alt.Tooltip(f"{by}:N", title=label),
                     alt.Tooltip("sum(incidents):Q", title="incidents")],
        )
        .properties(height=220)
    )


def deaths_chart(series: pd.DataFrame, by: str, freq: str, claimant: str) -> alt.Chart:
    """Killed per period according to one claimant, stacked by category.

    Bars stack the lowest figures; the tooltip gives each range and how many
    incidents give no figure.

    Parameters
    ----------
    series : pandas.DataFrame
        Rows of :func:`geo.view.totals.time_series` of one claimant.
    by, freq : str
        As for :func:`events_chart`.
    claimant : str
        Whose figures these are (in the title).

    Returns
    -------
    altair.Chart
    """
    best = "killed_best" in series
    data = series[["period", by, "killed_min", "killed_max", "killed_unknown",
                   "civilian_deaths", *(["killed_best", "killed_best_unknown"] if best else [])]
                  ].copy()
    # one row per period and category: the range in words ('at least 16', '12–20 or more')
    data["killed"] = _texts(series, "killed")
    data["killed_open"] = _opens(series, "killed")
    data["period"] = pd.to_datetime(data["period"])
    for column in ("killed_min", "killed_max", "civilian_deaths", *(["killed_best"] * best)):
        data[column] = pd.to_numeric(data[column], errors="coerce").astype(float)
    label = CATEGORY_LABELS.get(by, by)
    return (
        alt.Chart(data, title=f"Killed per {freq} according to {claimant} (lowest figures "
                  "stacked)")
        .mark_bar()
        .encode(
            x=alt.X("period:T", timeUnit=_TIME_UNITS[freq], title=None),
            y=alt.Y("sum(killed_min):Q", title="killed (lowest figure)"),
            color=category_color(data, by, label),
            tooltip=[alt.Tooltip("period:T", timeUnit=_TIME_UNITS[freq], title=freq),
                     alt.Tooltip(f"{by}:N", title=label),
                     alt.Tooltip("killed:N", title="killed"),
                     alt.Tooltip("sum(killed_min):Q", title="killed, lowest"),
                     alt.Tooltip("sum(killed_max):Q", title="killed, highest"),
                     alt.Tooltip("sum(killed_unknown):Q", title="incidents without a figure"),
                     alt.Tooltip("sum(killed_open):Q", title="incidents with only a lowest "
                                 "figure (no highest: 'at least')"),
                     alt.Tooltip("sum(civilian_deaths):Q", title="civilian deaths"),
                     *([alt.Tooltip("sum(killed_best):Q", title="killed, best estimate"),
                        alt.Tooltip("sum(killed_best_unknown):Q",
                                    title="incidents without a best estimate")] * best)],
        )
        .properties(height=220)
    )


def period_chart(table: pd.DataFrame, by: str) -> alt.Chart:
    """Incidents of two (or more) periods side by side, per category.

    Bars run across, one band per category and one bar per period in it, so long
    category names read level and the bars keep their length whatever the width
    (trial 22: the page fits the whole chart, labels included, into its height; upright
    labels took all of 220 pixels but 8 for the plot, or none at all).

    Parameters
    ----------
    table : pandas.DataFrame
        Output of :func:`geo.view.totals.compare_periods` split by ``by``.
    by : str

    Returns
    -------
    altair.Chart
    """
    label = CATEGORY_LABELS.get(by, by)
    data = table[["period", by, "incidents"]].copy()
    # Plain floats whatever the store gives (nullable or decimal counts from SQL).
    data["incidents"] = pd.to_numeric(data["incidents"], errors="coerce").astype(float)
    data[by] = data[by].astype(str)
    data["period"] = data["period"].astype(str)
    bands = max(1, data[by].nunique())
    return (
        alt.Chart(data, title=f"Incidents by {label}")
        .mark_bar()
        .encode(
            y=alt.Y(f"{by}:N", title=label, axis=alt.Axis(labelLimit=240)),
            yOffset=alt.YOffset("period:N"),
            x=alt.X("incidents:Q", title="incidents",
                    axis=alt.Axis(format=",d", tickMinStep=1)),
            color=alt.Color("period:N", title="period"),
            tooltip=["period:N", alt.Tooltip(f"{by}:N", title=label),
                     alt.Tooltip("incidents:Q", format=",.0f")],
        )
        .properties(height=_BAND_HEIGHT * bands + _CHART_FRAME)
    )


#: Pixels per category band of :func:`period_chart`, and around the plot (title, axis
#: and its title): the page fits the whole chart, frame included, into the height.
_BAND_HEIGHT = 56
_CHART_FRAME = 110


def area_chart(areas: gpd.GeoDataFrame, stats: pd.DataFrame, measure: str) -> alt.Chart:
    """A choropleth of admin areas coloured by ``measure`` (grey: nothing in view).

    Parameters
    ----------
    areas : geopandas.GeoDataFrame
        One level of admin areas (``pcode``, ``name_en``, geometry), EPSG:4326.
    stats : pandas.DataFrame
        Output of :func:`geo.view.totals.area_stats` (``pcode``, ``incidents``,
        figures).
    measure : str
        Column of ``stats`` to colour by.

    Returns
    -------
    altair.Chart
    """
    columns = ["pcode", "incidents", "killed_best", "killed_best_unknown", "killed_min",
               "killed_max", "killed_open", "civilian_deaths"]
    values = stats[[c for c in columns if c in stats]].copy()
    for column in values.columns[1:]:
        values[column] = pd.to_numeric(values[column], errors="coerce").astype(float)
    text = "killed_min" in stats and "killed_max" in stats
    if text:  # the range in words ('at least 16', '12–20 or more'); '' where none given
        values["killed"] = _texts(stats, "killed").replace("n/k", "")
    shapes = areas[["pcode", "name_en", "geometry"]].merge(values, on="pcode", how="left")
    shapes = gpd.GeoDataFrame(shapes, geometry="geometry", crs=areas.crs)
    # Vega's projections (d3-geo) take clockwise outer rings; GeoJSON's are the other way.
    shapes["geometry"] = shapely.orient_polygons(shapes.geometry.to_numpy(), exterior_cw=True)
    # Inline GeoJSON features: a data frame would go to the page as an Arrow table,
    # which cannot carry the geometries.
    features = json.loads(shapes.to_json(na="null", drop_id=True))["features"]
    data = alt.Data(values=features)
    tooltip = [alt.Tooltip("properties.name_en:N", title="area")] + [
        alt.Tooltip(f"properties.{c}:Q", title=_AREA_TITLES.get(c, c.replace("_", " ")),
                    format=",.0f")
        for c in values.columns[1:]] + (
        [alt.Tooltip("properties.killed:N", title="killed")] if text else [])
    field = f"properties.{measure}"
    return (
        alt.Chart(data)
        .mark_geoshape(stroke="#666", strokeWidth=0.5)
        .project("mercator")
        .encode(
            color=alt.condition(
                f"isValid(datum.properties['{measure}']) && datum.properties['{measure}'] > 0",
                alt.Color(f"{field}:Q", title=measure.replace("_", " "),
                          scale=alt.Scale(scheme="orangered"),
                          legend=alt.Legend(format=",.0f")),
                alt.value("#eeeeee"),
            ),
            tooltip=tooltip,
        )
        .properties(height=420)
    )
