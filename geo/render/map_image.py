"""A printable image of the map (PNG or PDF), drawn on the server with Matplotlib.

The image needs no tile server and no external service: incidents are drawn over
the admin boundaries the app ships (or the analyst configured), in the UTM zone of
the extent so that the scale bar is true. Beside the map go the legend, the date
range, the filters and the permalink, so that a printout says what it shows and how
to reopen it.
"""

from __future__ import annotations

import contextlib
import io
import json
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import geopandas as gpd
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.backends.backend_pdf import FigureCanvasPdf
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from mpl_toolkits.axes_grid1.anchored_artists import AnchoredSizeBar
from shapely.geometry import box
from shapely.geometry.base import BaseGeometry

from geo.render.layers import SEVERAL_COLOR, UNCERTAINTY_METRES, casualty_figure
from geo.vocab import CRS, EVENT_COLORS, PRECISION_LABELS

ImageFormat = Literal["png", "pdf"]
IMAGE_FORMATS: dict[str, str] = {"png": "image/png", "pdf": "application/pdf"}
"""Image format -> MIME type."""

#: Page size in inches (A4 landscape) and resolution of the PNG.
PAGE_INCHES = (11.69, 8.27)
PNG_DPI = 150

_NICE = (1, 2, 2.5, 5)
CIRCLE_LIMIT = 1_500
"""Up to this many incidents, approximate ones get their uncertainty circle."""


@dataclass(frozen=True)
class MapSheet:
    """What the sheet says besides the map.

    Attributes
    ----------
    title : str
    lines : sequence of str
        Date range, filters and counts, one per line.
    permalink : str
        The link that reopens the view.
    credits : sequence of str
        Attribution of the boundaries and of the data.
    """

    title: str
    lines: Sequence[str] = field(default_factory=tuple)
    permalink: str = ""
    credits: Sequence[str] = field(default_factory=tuple)


def scale_length(width_m: float) -> float:
    """A round scale-bar length (1, 2, 2.5 or 5 x 10^k metres) near a fifth of ``width_m``.

    Parameters
    ----------
    width_m : float
        Width of the map in metres (> 0).

    Returns
    -------
    float
        Length in metres.
    """
    target = max(width_m, 1.0) / 5
    power = 10 ** np.floor(np.log10(target))
    best = max((n * power for n in _NICE if n * power <= target), default=power)
    return float(best)


def _scale_label(metres: float) -> str:
    return f"{metres / 1000:g} km" if metres >= 1000 else f"{metres:g} m"


def map_image(
    incidents: gpd.GeoDataFrame,
    sheet: MapSheet,
    *,
    areas: Sequence[gpd.GeoDataFrame] = (),
    bounds: tuple[float, float, float, float] | None = None,
    drawn: BaseGeometry | None = None,
    fmt: ImageFormat = "png",
    located: int | None = None,
) -> bytes:
    """Draw the incidents of a view on one printable page.

    Parameters
    ----------
    incidents : geopandas.GeoDataFrame
        The incidents the view shows (those with ``off_map != ''`` are not drawn),
        with ``latitude``, ``longitude``, ``event_type``, ``geo_precision`` and the
        casualty columns.
    sheet : MapSheet
        Title, legend lines and permalink.
    areas : sequence of geopandas.GeoDataFrame
        Admin areas to draw under the incidents, coarsest first.
    bounds : tuple of float, optional
        Lon/lat extent (minx, miny, maxx, maxy) to show, e.g. what the map on
        screen shows; default: the incidents' extent, else the areas'.
    drawn : shapely geometry, optional
        A drawn area filter (lon/lat), outlined.
    fmt : {"png", "pdf"}
    located : int, optional
        How many located incidents the view holds, when ``incidents`` holds only those
        inside ``bounds`` (store mode asks the database for those alone). ``incidents``
        may also be markers: a ``count`` column (incidents each stands for) and a
        ``figure`` column (its casualty figure) instead of the casualty columns.

    Returns
    -------
    bytes
        The PNG or PDF file.
    """
    if fmt not in IMAGE_FORMATS:
        raise ValueError(f"unknown image format {fmt!r} (expected one of {list(IMAGE_FORMATS)})")
    drawable = incidents[incidents["off_map"] == ""] if "off_map" in incidents else incidents
    points = _marks(drawable)
    extent = _extent(points, areas, bounds)
    frame = gpd.GeoSeries([extent], crs=CRS)
    utm = frame.estimate_utm_crs()
    window = frame.to_crs(utm).total_bounds

    fig = Figure(figsize=PAGE_INCHES)
    ax = fig.add_axes((0.02, 0.16, 0.70, 0.80))
    side = fig.add_axes((0.74, 0.16, 0.24, 0.80))
    side.set_axis_off()
    ax.set_facecolor("#eef2f4")
    for level, layer in enumerate(areas):
        if layer.empty:
            continue
        shown = layer[layer.intersects(extent)].to_crs(utm)
        shown.plot(ax=ax, facecolor="#fbfbf8" if level == 0 else "none",
                   edgecolor="#777" if level == 0 else "#bbb",
                   linewidth=0.9 if level == 0 else 0.4, zorder=1 + level)
    inside = points[points.intersects(extent)].to_crs(utm)
    _draw_points(ax, inside)
    if drawn is not None and not drawn.is_empty:
        gpd.GeoSeries([drawn], crs=CRS).to_crs(utm).plot(
            ax=ax, facecolor="none", edgecolor="#1f4e9c", linewidth=1.6, linestyle="--",
            zorder=8,
        )
    ax.set_xlim(window[0], window[2])
    ax.set_ylim(window[1], window[3])
    ax.set_aspect("equal", adjustable="box")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("")
    ax.set_ylabel("")
    length = scale_length(window[2] - window[0])
    ax.add_artist(AnchoredSizeBar(ax.transData, length, _scale_label(length), "lower left",
                                  pad=0.6, frameon=True, size_vertical=0))
    ax.annotate("N ↑", xy=(0.97, 0.96), xycoords="axes fraction", ha="right", va="top",
                fontsize=11, fontweight="bold")
    _legend(side, inside, sheet)
    total = int(points["count"].sum()) if located is None else located
    _footer(fig, sheet, total, int(inside["count"].sum()))
    out = io.BytesIO()
    if fmt == "png":
        fig.set_dpi(PNG_DPI)
        FigureCanvasAgg(fig).print_png(out)
    else:
        FigureCanvasPdf(fig).print_pdf(out)
    return out.getvalue()


def _marks(drawable: pd.DataFrame) -> gpd.GeoDataFrame:
    """One marker per position, type, figure and precision, with how many incidents it
    stands for, in a fixed order: the same incidents give the same image however they
    come (rows of the frame, or groups from the store)."""
    table = pd.DataFrame({
        "lon": drawable["longitude"].to_numpy(dtype=float),
        "lat": drawable["latitude"].to_numpy(dtype=float),
        "event_type": drawable["event_type"].astype(str).to_numpy(),
        "figure": (drawable["figure"] if "figure" in drawable
                   else casualty_figure(drawable)).fillna(0).to_numpy(dtype=float),
        "precision": drawable["geo_precision"].fillna(1).to_numpy(dtype=int),
        "count": drawable["count"].to_numpy(dtype=int) if "count" in drawable
        else np.ones(len(drawable), dtype=int),
    })
    keys = ["lon", "lat", "event_type", "figure", "precision"]
    table = table.groupby(keys, sort=True, as_index=False)["count"].sum()
    return gpd.GeoDataFrame(table.drop(columns=["lon", "lat"]),
                            geometry=gpd.points_from_xy(table["lon"], table["lat"]), crs=CRS)


def _extent(
    points: gpd.GeoDataFrame,
    areas: Sequence[gpd.GeoDataFrame],
    bounds: tuple[float, float, float, float] | None,
) -> BaseGeometry:
    if bounds is not None:
        minx, miny, maxx, maxy = bounds
        minx, maxx = max(minx, -180.0), min(maxx, 180.0)
        miny, maxy = max(miny, -85.0), min(maxy, 85.0)
        if maxx > minx and maxy > miny:
            return box(minx, miny, maxx, maxy)
    source = points if not points.empty else next((a for a in areas if not a.empty), None)
    if source is None:
        return box(-180.0, -60.0, 180.0, 75.0)
    minx, miny, maxx, maxy = source.total_bounds
    pad = max(maxx - minx, maxy - miny, 0.2) * 0.08
    return box(minx - pad, miny - pad, maxx + pad, maxy + pad)


def _draw_points(ax: Axes, points: gpd.GeoDataFrame) -> None:
    if points.empty:
        return
    colors = points["event_type"].map(EVENT_COLORS).fillna(SEVERAL_COLOR).to_numpy()
    sizes = (3 + 1.2 * np.sqrt(points["figure"].to_numpy())) ** 2
    approx = points["precision"].to_numpy() >= 2
    x, y = points.geometry.x.to_numpy(), points.geometry.y.to_numpy()
    for precision, metres in UNCERTAINTY_METRES.items():
        ring = points["precision"].to_numpy() == precision
        if ring.any() and int(points["count"].sum()) <= CIRCLE_LIMIT:
            circles = points[ring].geometry.buffer(metres)
            gpd.GeoSeries(circles).plot(ax=ax, facecolor="none", edgecolor=colors[ring],
                                        linewidth=0.4, linestyle=":", alpha=0.6, zorder=4)
    ax.scatter(x[~approx], y[~approx], s=sizes[~approx], c=list(colors[~approx]),
               edgecolors="#222", linewidths=0.4, alpha=0.85, zorder=6)
    ax.scatter(x[approx], y[approx], s=sizes[approx], facecolors="none",
               edgecolors=list(colors[approx]), linewidths=1.2, linestyle="--", zorder=6)


def _legend(side: Axes, points: gpd.GeoDataFrame, sheet: MapSheet) -> None:
    types = [t for t in EVENT_COLORS if t in set(points["event_type"])]
    others = sorted(set(points["event_type"]) - set(EVENT_COLORS))
    handles = [
        Line2D([], [], marker="o", linestyle="", markersize=7, markerfacecolor=EVENT_COLORS[t],
               markeredgecolor="#222", label=t)
        for t in types
    ] + [
        Line2D([], [], marker="o", linestyle="", markersize=7, markerfacecolor=SEVERAL_COLOR,
               markeredgecolor="#222", label=t or "(no type)")
        for t in others
    ]
    handles.append(Line2D([], [], marker="o", linestyle="", markersize=7,
                          markerfacecolor="none", markeredgecolor="#444",
                          label="approximate place\n" + _precision_note()))
    side.text(0, 1, sheet.title, fontsize=13, fontweight="bold", va="top",
              wrap=True, transform=side.transAxes)
    body = "\n".join(textwrap.fill(line, 44) for line in sheet.lines)
    side.text(0, 0.93, body, fontsize=8.5, va="top", transform=side.transAxes, linespacing=1.4)
    side.legend(handles=handles, loc="lower left", title="Event type", fontsize=8,
                title_fontsize=9, frameon=False, alignment="left")
    side.text(0, -0.02, "Marker size: dead + injured (upper figure).", fontsize=7.5,
              va="top", transform=side.transAxes, color="#333")


def _precision_note() -> str:
    return "\n".join(
        f"±{m // 1000} km {PRECISION_LABELS[p].split(' / ')[-1]}"
        for p, m in UNCERTAINTY_METRES.items()
    )


def _footer(fig: Figure, sheet: MapSheet, total: int, drawn: int) -> None:
    lines = []
    if total != drawn:
        lines.append(f"{drawn} of the {total} located incidents of this view lie inside "
                     "the map's extent.")
    if sheet.permalink:
        lines.append("Reopen this view: " + sheet.permalink)
    lines.extend(sheet.credits)
    wrapped = "\n".join(textwrap.fill(line, 170, break_long_words=True) for line in lines)
    fig.text(0.02, 0.13, wrapped, fontsize=7.5, va="top", linespacing=1.35)


def describe_params(params: dict[str, str | list[str]], labels: dict[str, str]) -> list[str]:
    """Human lines for a view's URL parameters ('event type: airstrike, shelling').

    Parameters
    ----------
    params : dict
        Output of :func:`geo.view.state.encode_view` (defaults left out).
    labels : dict
        Parameter name -> label; parameters not listed are shown by name, and
        those mapped to ``""`` are left out (map position, fingerprint).

    Returns
    -------
    list of str
    """
    lines = []
    for name, value in params.items():
        label = labels.get(name, name)
        if label == "":
            continue
        values = value if isinstance(value, list) else [value]
        lines.append(f"{label}: {', '.join(values)}")
    return lines


def frame_bounds(frame: pd.DataFrame) -> tuple[float, float, float, float] | None:
    """Lon/lat bounds of the located incidents of a frame, None if there are none."""
    located = frame[frame["off_map"] == ""] if "off_map" in frame else frame
    located = located.dropna(subset=["latitude", "longitude"])
    if located.empty:
        return None
    return (float(located["longitude"].min()), float(located["latitude"].min()),
            float(located["longitude"].max()), float(located["latitude"].max()))


def boundary_credits(paths: Sequence[Path]) -> list[str]:
    """Attribution of boundary files, from an ``ATTRIBUTION.json`` beside them.

    Parameters
    ----------
    paths : sequence of Path
        The admin boundary files drawn.

    Returns
    -------
    list of str
        Each distinct ``attribution`` text found; files without one are named.
    """
    credits: list[str] = []
    for path in paths:
        note = path.parent / "ATTRIBUTION.json"
        text = f"Boundaries: {path.name}"
        if note.is_file():
            with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
                text = str(json.loads(note.read_text(encoding="utf-8"))["attribution"])
        if text not in credits:
            credits.append(text)
    return credits


def incidents_credit(claimants: Sequence[str], most: int = 3) -> str:
    """Attribution of the incidents drawn: who reports them, most frequent first.

    Parameters
    ----------
    claimants : sequence of str
        The claimant of each incident drawn, or each distinct claimant already ordered
        by how many incidents it reports (``''`` for none).
    most : int
        How many names to write before "and N other sources".

    Returns
    -------
    str

    Examples
    --------
    >>> incidents_credit(["UCDP GED", "UCDP GED", "SOHR"])
    'Incidents: UCDP GED, SOHR'
    >>> incidents_credit(["a", "b", "c", "d", "e"], most=2)
    'Incidents: a, b and 3 other sources'
    """
    counts: dict[str, int] = {}
    for name in claimants:
        if name:
            counts[name] = counts.get(name, 0) + 1
    names = sorted(counts, key=lambda n: -counts[n])  # stable: first seen among equals
    if not names:
        return "Incidents: sources not recorded"
    shown = ", ".join(names[:most])
    rest = len(names) - most
    if rest > 0:
        shown += f" and {rest} other source{'s' if rest > 1 else ''}"
    return f"Incidents: {shown}"

