"""Folium layers of the review pages: geocoding candidates and extracted candidates."""

from __future__ import annotations

import html

import folium
import pandas as pd

from geo.geocoding.areas import AdminAreas
from geo.view.extent import fit_view
from geo.vocab import EVENT_COLORS


def candidate_layer(
    candidates: pd.DataFrame, pin: tuple[float, float] | None = None,
    before: tuple[float, float] | None = None, before_label: str = "the source's point",
) -> folium.FeatureGroup:
    """Numbered candidate markers (and the analyst's pin) for the review map.

    Parameters
    ----------
    candidates : pandas.DataFrame
        Output of :func:`candidate_table`; places learned from the analyst's datasets
        are drawn orange, gazetteer places blue, each with its source in the tooltip.
    pin : tuple of float, optional
        A hand-placed location (lat, lon).
    before : tuple of float, optional
        Where a place's records stand now (lat, lon): a grey dashed circle, under the others.
    before_label : str
        Its tooltip.

    Returns
    -------
    folium.FeatureGroup
    """
    group = folium.FeatureGroup(name="candidates")
    if before is not None:
        folium.CircleMarker(
            before, radius=12, weight=2, color="#333", dash_array="4 3",
            fill=True, fill_color="#999", fill_opacity=0.5,
            tooltip=folium.Tooltip(html.escape(before_label)),
        ).add_to(group)
    for row in candidates.itertuples(index=False):
        source = str(getattr(row, "source", "") or "")
        learned = source.startswith("learned")
        label = f"{row.rank}. {row.name}" + (f" ({source})" if source else "")
        folium.CircleMarker(
            (row.latitude, row.longitude), radius=9, weight=2,
            color="#7f2704" if learned else "#1f3b73", fill=True,
            fill_color="#fd8d3c" if learned else "#6baed6", fill_opacity=0.8,
            tooltip=folium.Tooltip(html.escape(label)),
        ).add_to(group)
    if pin is not None:
        folium.CircleMarker(
            pin, radius=7, weight=3, color="#b30000", fill=True, fill_color="#ff4d4d",
            fill_opacity=0.9, tooltip=folium.Tooltip("your pin"),
        ).add_to(group)
    return group


def candidate_view(
    candidates: pd.DataFrame, pin: tuple[float, float] | None = None,
    area: tuple[float, float, float, float] | None = None,
    before: tuple[float, float] | None = None,
) -> tuple[tuple[float, float], int]:
    """Map centre and zoom showing every candidate (and the pin) and the name's area.

    Parameters
    ----------
    candidates : pandas.DataFrame
    pin : tuple of float, optional
    area : tuple of float, optional
        ``(west, south, east, north)`` of the governorate the name's context gives
        (see :func:`area_bounds`). With no candidate and no pin the map opens on it;
        with a candidate outside it, on both; with every candidate inside, on them.
    before : tuple of float, optional
        A place's current point (shown too).

    Returns
    -------
    tuple
        ``((lat, lon), zoom)``; the Levant at zoom 5 when there is nothing to show
        (trial of issue 14: "Sheikh Maqsoud (Aleppo)" opened on the whole Middle East).
    """
    extra = [p for p in (pin, before) if p]
    lats = list(candidates["latitude"]) + [p[0] for p in extra]
    lons = list(candidates["longitude"]) + [p[1] for p in extra]
    if area is not None:
        west, south, east, north = area
        inside = all(west <= x <= east and south <= y <= north
                     for x, y in zip(lons, lats, strict=True))
        if not lats or not inside:
            lats, lons = [*lats, south, north], [*lons, west, east]
    if not lats:
        return (34.8, 38.9), 5
    center, zoom = fit_view((min(lons), min(lats), max(lons), max(lats)))
    return center, min(zoom, 11)


def area_bounds(areas: AdminAreas | None, name: str, country: str = ""
                ) -> tuple[float, float, float, float] | None:
    """``(west, south, east, north)`` of the governorate ``name`` denotes, if known.

    Parameters
    ----------
    areas : AdminAreas or None
    name : str
        A governorate's name in any spelling ("Aleppo", "Halab governorate").
    country : str
        ISO code the area must belong to ('' for any).

    Returns
    -------
    tuple of float or None
    """
    if not areas or not name or 1 not in areas.levels:
        return None
    pcode = areas.find(name, country, 1)
    if pcode is None:
        return None
    shapes = areas.levels[1]
    shapes = shapes[shapes["pcode"] == pcode]
    if shapes.empty:
        return None
    west, south, east, north = (float(v) for v in shapes.total_bounds)
    return west, south, east, north


def extract_candidate_layer(frame: pd.DataFrame) -> tuple[folium.FeatureGroup, list[list[float]]]:
    """A folium layer with one marker per placed candidate, and their bounds.

    Parameters
    ----------
    frame : pandas.DataFrame
        A review frame.

    Returns
    -------
    tuple
        The feature group (for ``st_folium(feature_group_to_add=...)``) and the
        ``[[south, west], [north, east]]`` bounds of the markers (empty if none).
    """
    group = folium.FeatureGroup(name="candidates")
    lats, lons = [], []
    for number, row in enumerate(frame.to_dict("records"), start=1):
        try:
            lat, lon = float(row["latitude"]), float(row["longitude"])
        except (TypeError, ValueError):
            continue
        color = EVENT_COLORS.get(str(row["event_type"]), "#444444")
        label = html.escape(f"{number}. {row['place']}: {row['event_type']}")
        folium.CircleMarker(
            [lat, lon], radius=8, color=color, fill=True, fill_opacity=0.7, tooltip=label,
        ).add_to(group)
        lats.append(lat)
        lons.append(lon)
    bounds = [[min(lats), min(lons)], [max(lats), max(lons)]] if lats else []
    return group, bounds
