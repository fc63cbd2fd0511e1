"""Folium layers for incidents: a constant base map and a compact incident layer.

The base map never changes between reruns (so streamlit-folium keeps the same
Leaflet map); the incidents travel as one :class:`IncidentPoints` element inside
a ``FeatureGroup`` passed as ``feature_group_to_add``. Points are drawn in the
browser from column arrays, one marker per distinct location, which keeps both
the server time and the bytes sent small for 100,000 incidents.

Every script and stylesheet is served by the app itself (see :func:`asset_urls`).
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, field
from functools import cached_property

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
from branca.element import Element, MacroElement
from jinja2 import Template

from geo.settings import Settings
from geo.vocab import COORD_DECIMALS, EVENT_COLORS, EVENT_TYPES, PRECISION_LABELS

SEVERAL_COLOR = "#444444"
"""Colour of a place where incidents of several types meet."""

#: Radius in metres of the uncertainty circle drawn for each location precision.
UNCERTAINTY_METRES: dict[int, int] = {2: 10_000, 3: 50_000}

DETAIL_LIMIT = 5_000
"""Up to this many places, markers get tooltips, counts and uncertainty circles
and are drawn as SVG; above it they are drawn on a canvas without them."""


_LEAFLET = "vendor/leaflet/leaflet.js"
_LEAFLET_CSS = "vendor/leaflet/leaflet.css"


def asset_urls(settings: Settings) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Local URLs of the scripts and stylesheets the map needs.

    Parameters
    ----------
    settings : Settings
        Gives the URL prefix of the app's static files.

    Returns
    -------
    tuple
        ``(default_js, default_css)`` in folium's ``[(name, url), ...]`` form.
    """
    prefix = "/" + settings.static_url.strip("/") + "/"
    return [("leaflet", prefix + _LEAFLET)], [("leaflet_css", prefix + _LEAFLET_CSS)]


def casualty_figure(incidents: pd.DataFrame) -> pd.Series:
    """Best single casualty figure per incident, for marker size (NA if unknown).

    Dead and injured are added, each at its upper bound when known; a combined
    ``casualties_*`` figure is used when it is larger.
    """

    def best(low: str, high: str) -> pd.Series:
        return incidents[high].fillna(incidents[low])

    killed, injured = best("killed_min", "killed_max"), best("injured_min", "injured_max")
    separate = killed.add(injured, fill_value=0)
    combined = best("casualties_min", "casualties_max")
    return pd.concat([separate, combined], axis=1).max(axis=1, skipna=True).astype("Float64")


def marker_radius(figure: pd.Series) -> np.ndarray:
    """Marker radius in pixels: 6 for unknown or none, growing with sqrt(casualties)."""
    values = figure.fillna(0).to_numpy(dtype=float)
    return np.clip(6 + 2.5 * np.sqrt(values), 6, 30).round(1)


@dataclass(frozen=True)
class PlaceGroups:
    """Incidents drawn on the map, grouped by location.

    Attributes
    ----------
    places : pandas.DataFrame
        One row per distinct location: ``lat``, ``lon``, ``count``, ``color``
        (index into the palette), ``radius``, ``precision``, ``label``.
    members : pandas.DataFrame
        ``lat``, ``lon`` (rounded), ``id`` and ``date`` of every drawn incident.
    """

    places: pd.DataFrame
    members: pd.DataFrame = field(repr=False)

    @cached_property
    def member_ids(self) -> dict[tuple[float, float], list[str]]:
        """``(lat, lon)`` rounded -> incident ids at that place, by date then id.

        Built on first use only: a rerun of the map page does not need it.
        """
        ordered = self.members.sort_values(["date", "id"], na_position="last")
        return {
            (float(a), float(b)): list(ids)
            for (a, b), ids in ordered.groupby(["lat", "lon"], sort=False)["id"]
        }


def group_by_place(incidents: gpd.GeoDataFrame) -> PlaceGroups:
    """Group drawable incidents (``off_map == ''``) by rounded location.

    Parameters
    ----------
    incidents : geopandas.GeoDataFrame
        Filtered output of :func:`geo.geocoding.join.to_geodataframe`.

    Returns
    -------
    PlaceGroups
    """
    drawn = incidents[incidents["off_map"] == ""]
    lat = drawn["latitude"].round(COORD_DECIMALS).to_numpy()
    lon = drawn["longitude"].round(COORD_DECIMALS).to_numpy()
    palette = {t: i for i, t in enumerate(EVENT_TYPES)}
    frame = pd.DataFrame(
        {
            "lat": lat,
            "lon": lon,
            "type": drawn["event_type"].map(palette).fillna(len(EVENT_TYPES)).to_numpy(int),
            "figure": casualty_figure(drawn).fillna(0).to_numpy(dtype=float),
            "precision": drawn["geo_precision"].fillna(1).to_numpy(dtype=int),
            "unc_m": _uncertainty_metres(drawn),
            "place": _place_labels(drawn),
            "id": drawn["id"].to_numpy(dtype=object),
            "date": drawn["date_start"].to_numpy(),
        }
    )
    grouped = frame.groupby(["lat", "lon"], sort=False)
    places = grouped.agg(
        count=("id", "size"),
        type_min=("type", "min"),
        type_max=("type", "max"),
        figure=("figure", "sum"),
        precision=("precision", "max"),
        unc_m=("unc_m", "max"),
        label=("place", "first"),
    ).reset_index()
    places["color"] = np.where(
        places["type_min"] == places["type_max"], places["type_min"], len(EVENT_TYPES)
    )
    places["radius"] = marker_radius(places["figure"])
    return PlaceGroups(places, frame[["lat", "lon", "id", "date"]])


def _uncertainty_metres(drawn: pd.DataFrame) -> np.ndarray:
    """Radius (m) each drawn point may be off by: the frame's ``uncertainty_km`` (the
    source's stated radius or the size of the area it stands for), else the default
    of its precision."""
    precision = drawn["geo_precision"].fillna(1).astype(int)
    default = precision.map(lambda p: UNCERTAINTY_METRES.get(int(p), 0)).astype(float)
    if "uncertainty_km" in drawn:
        given = pd.to_numeric(drawn["uncertainty_km"], errors="coerce") * 1000.0
        default = given.where(given.notna(), default)
    return default.fillna(0).round().to_numpy(dtype=float)


def _place_labels(drawn: pd.DataFrame) -> np.ndarray:
    """Place as written, or 'near <town>' for points named after their nearest town."""
    place = drawn["place"].astype(str)
    if "nearest_place" in drawn:
        near = "near " + drawn["nearest_place"].astype(str)
        place = place.where((place != "") | (drawn["nearest_place"] == ""), near)
    return place.to_numpy(dtype=object)


def ids_at(incidents: gpd.GeoDataFrame, lat: float, lon: float) -> list[str]:
    """Ids of the drawn incidents at a clicked location, by date then id."""
    drawn = incidents[incidents["off_map"] == ""]
    at = (drawn["latitude"].round(COORD_DECIMALS) == round(lat, COORD_DECIMALS)) & (
        drawn["longitude"].round(COORD_DECIMALS) == round(lon, COORD_DECIMALS)
    )
    return drawn[at].sort_values(["date_start", "id"], na_position="last")["id"].tolist()


def _script_json(value: object) -> str:
    """JSON safe to place inside a <script> element."""
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


class IncidentPoints(MacroElement):
    """Client-side drawn incident markers (one per place) inside a FeatureGroup.

    Parameters
    ----------
    groups : PlaceGroups
        Places to draw.
    selected : tuple of float, optional
        Location of the selected incident, drawn with a heavy ring.
    """

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function () {
  var group = {{ this._parent.get_name() }};
  var d = {{ this.payload }};
  var colors = d.colors, canvas = d.detail ? null : L.canvas({padding: 0.5});
  for (var i = 0; i < d.lat.length; i++) {
    var ll = [d.lat[i], d.lon[i]], p = d.p[i], c = colors[d.c[i]];
    var sel = (i === d.sel), approx = p >= 2;
    if (d.detail && d.u[i] > 0) {
      L.circle(ll, {radius: d.u[i], color: c, weight: 1, dashArray: "4 4",
        fillOpacity: 0.05, interactive: false}).addTo(group);
    }
    var opts = {radius: d.r[i], color: sel ? "#111" : c, weight: sel ? 4 : (approx ? 2 : 1),
      dashArray: approx ? "3 3" : null, fill: true, fillColor: c,
      fillOpacity: approx ? 0.35 : 0.8, className: "incident-place"};
    if (canvas) { opts.renderer = canvas; }
    var marker = L.circleMarker(ll, opts);
    marker.feature = {type: "Feature", properties: {kind: "incident-place"}};
    if (d.detail) {
      var tip = document.createElement("span");
      tip.textContent = d.tip[i];
      marker.bindTooltip(tip);
    }
    marker.addTo(group);
    if (d.detail && d.n[i] > 1) {
      L.marker(ll, {interactive: false, keyboard: false, icon: L.divIcon({
        className: "incident-count", iconSize: [22, 14], iconAnchor: [11, -6],
        html: String(d.n[i])})}).addTo(group);
    }
  }
})();
{% endmacro %}
"""
    )

    def __init__(self, groups: PlaceGroups, selected: tuple[float, float] | None = None):
        super().__init__()
        self._name = "IncidentPoints"
        places = groups.places
        detail = len(places) <= DETAIL_LIMIT
        sel = -1
        if selected is not None and len(places):
            hit = np.flatnonzero(
                (places["lat"].to_numpy() == round(selected[0], COORD_DECIMALS))
                & (places["lon"].to_numpy() == round(selected[1], COORD_DECIMALS))
            )
            sel = int(hit[0]) if len(hit) else -1
        payload: dict[str, object] = {
            "lat": places["lat"].tolist(),
            "lon": places["lon"].tolist(),
            "c": places["color"].astype(int).tolist(),
            "r": places["radius"].tolist(),
            "p": places["precision"].astype(int).tolist(),
            "n": places["count"].astype(int).tolist(),
            "sel": sel,
            "detail": detail,
            "u": places["unc_m"].astype(float).round().tolist(),
            "colors": [*EVENT_COLORS.values(), SEVERAL_COLOR],
        }
        if detail:
            payload["tip"] = [
                f"{label} — {n} incident{'s' if n > 1 else ''}"
                for label, n in zip(places["label"], places["count"], strict=True)
            ]
        self.payload = _script_json(payload)
        self.place_count = len(places)


class Legend(MacroElement):
    """Legend of event colours, marker size and location precision."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function () {
  var legend = L.control({position: "bottomright"});
  legend.onAdd = function () {
    var div = L.DomUtil.create("div", "incident-legend");
    div.innerHTML = {{ this.body }};
    L.DomEvent.disableClickPropagation(div);
    return div;
  };
  legend.addTo({{ this._parent.get_name() }});
})();
{% endmacro %}
"""
    )

    def __init__(self, event_types: tuple[str, ...] = EVENT_TYPES) -> None:
        super().__init__()
        self._name = "Legend"
        entries = [(t, EVENT_COLORS.get(t, SEVERAL_COLOR)) for t in event_types]
        if len(event_types) > 1:
            entries.append(("several types", SEVERAL_COLOR))
        rows = [
            f'<div><span class="swatch" style="background:{color}"></span>'
            f"{html.escape(name)}</div>"
            for name, color in entries
        ]
        body = (
            "<details open><summary>Legend</summary>"
            + "".join(rows)
            + "<div class='legend-note'>Ring: incidents grouped at this zoom, by event type"
            + " (hover: breakdown; click: zoom in).<br>"
            + "Dot size: dead + injured. Number: incidents there.<br>"
            + "Dashed, with a circle: approximate place<br>"
            + f"(±10 km {html.escape(PRECISION_LABELS[2])}, "
            + f"±50 km {html.escape(PRECISION_LABELS[3].split(' / ')[-1])}).</div></details>"
        )
        self.body = json.dumps(body)


class _FocusWithoutScroll(MacroElement):
    """Focus the map on click without scrolling the page around its frame.

    Leaflet focuses the map container on mousedown for keyboard navigation;
    when the map's frame is partly out of view the browser then scrolls the
    page between mousedown and mouseup, and the click misses its marker.
    """

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function (map) {
  if (!map.keyboard) { return; }
  map.keyboard.disable();
  map.keyboard._onMouseDown = function () {
    if (!this._focused) { this._map._container.focus({preventScroll: true}); }
  };
  map.keyboard.enable();
})({{ this._parent.get_name() }});
{% endmacro %}
"""
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "FocusWithoutScroll"


_MAP_CSS = """
<style>
.incident-legend{background:rgba(255,255,255,.9);padding:5px 7px;font:11px/1.3 sans-serif;
 border-radius:4px;box-shadow:0 1px 4px rgba(0,0,0,.3);max-width:210px}
.incident-legend summary{cursor:pointer;font-weight:600}
.incident-legend .swatch{display:inline-block;width:10px;height:10px;border-radius:50%;
 margin-right:6px;vertical-align:middle}
.incident-legend .legend-note{margin-top:4px;color:#333}
.incident-count{font:bold 11px sans-serif;color:#111;text-align:center;
 text-shadow:0 0 2px #fff,0 0 2px #fff}
.leaflet-container{background:#e8eef1}
</style>
"""


def base_map(
    settings: Settings,
    center: tuple[float, float],
    zoom: int,
    event_types: tuple[str, ...] = EVENT_TYPES,
) -> folium.Map:
    """The Leaflet map that stays the same across reruns.

    Parameters
    ----------
    settings : Settings
        Tile source and static URL prefix.
    center : tuple of float
        Initial centre (lat, lon); keep it constant for the same data.
    zoom : int
        Initial zoom.
    event_types : tuple of str
        Event types the legend lists (those of the data); none: no legend.

    Returns
    -------
    folium.Map
        With local Leaflet assets, the configured basemap (or none) and a legend.
    """
    fmap = folium.Map(location=list(center), zoom_start=zoom, tiles=None, control_scale=True,
                      prefer_canvas=False)
    fmap.default_js, fmap.default_css = asset_urls(settings)
    if settings.tiles.strip().lower() != "none":
        folium.TileLayer(
            tiles=settings.tiles, attr=settings.attribution, name="basemap",
            max_zoom=19,
        ).add_to(fmap)
    fmap.get_root().header.add_child(Element(_MAP_CSS))  # type: ignore[attr-defined]
    if event_types:
        fmap.add_child(Legend(event_types))
    fmap.add_child(_FocusWithoutScroll())
    return fmap


def incident_group(
    groups: PlaceGroups, selected: tuple[float, float] | None = None
) -> folium.FeatureGroup:
    """The layer of incidents passed to ``st_folium(feature_group_to_add=...)``.

    Parameters
    ----------
    groups : PlaceGroups
    selected : tuple of float, optional
        Location of the selected incident.

    Returns
    -------
    folium.FeatureGroup
        Possibly empty (an empty group still replaces the previous one).
    """
    group = folium.FeatureGroup(name="incidents")
    group.add_child(IncidentPoints(groups, selected))
    return group
