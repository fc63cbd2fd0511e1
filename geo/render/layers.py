"""Folium base map of the incident map, and what incident layers share.

The base map never changes between reruns (so streamlit-folium keeps the same
Leaflet map); the incidents travel as an aggregate layer
(:mod:`geo.render.aggregate_layer`) inside a ``FeatureGroup`` passed as
``feature_group_to_add``. This module also holds the marker colours, sizes and
uncertainty radii the layers and the printed map share, and :func:`ids_at`.

Every script and stylesheet is served by the app itself (see :func:`asset_urls`).
"""

from __future__ import annotations

import html
import json

import folium
import numpy as np
import pandas as pd
from branca.element import Element, MacroElement
from jinja2 import Template

from geo.render.basemap import TOPOJSON_URL
from geo.render.basemap_layer import OfflineBasemap
from geo.render.basemap_style import BASEMAP_CSS
from geo.settings import Settings
from geo.vocab import COORD_DECIMALS, EVENT_COLORS, EVENT_TYPES

SEVERAL_COLOR = "#444444"
"""Colour of a place where incidents of several types meet."""

#: Radius in metres of the uncertainty circle drawn for each location precision.
UNCERTAINTY_METRES: dict[int, int] = {2: 10_000, 3: 50_000}

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
    scripts = [("leaflet", prefix + _LEAFLET), ("topojson", prefix + TOPOJSON_URL)]
    return scripts, [("leaflet_css", prefix + _LEAFLET_CSS)]


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


def uncertainty_metres(drawn: pd.DataFrame) -> np.ndarray:
    """Radius (m) each point may be off by, for its uncertainty circle.

    The frame's ``uncertainty_km`` (the source's stated radius, or the size of the
    district or governorate it stands for), else :data:`UNCERTAINTY_METRES` of its
    precision; 0 for exact points.
    """
    precision = drawn["geo_precision"].fillna(1).astype(int)
    default = precision.map(lambda p: UNCERTAINTY_METRES.get(int(p), 0)).astype(float)
    if "uncertainty_km" in drawn:
        given = pd.to_numeric(drawn["uncertainty_km"], errors="coerce") * 1000.0
        default = given.where(given.notna(), default)
    return default.fillna(0).round().to_numpy(dtype=float)


def ids_at(incidents: pd.DataFrame, lat: float, lon: float) -> list[str]:
    """Ids of the drawn incidents at a clicked location, by date then id."""
    drawn = incidents[incidents["off_map"] == ""]
    at = (drawn["latitude"].round(COORD_DECIMALS) == round(lat, COORD_DECIMALS)) & (
        drawn["longitude"].round(COORD_DECIMALS) == round(lon, COORD_DECIMALS)
    )
    return drawn[at].sort_values(["date_start", "id"], na_position="last")["id"].tolist()


class Legend(MacroElement):
    """Legend of event colours, marker size and location precision.

    It starts collapsed to its title (opened, it covers a good part of a small map and
    the aggregates under it); a click on "Legend" opens it.
    """

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
            "<details><summary>Legend</summary>"
            + "".join(rows)
            + "<div class='legend-note'>Ring: incidents grouped at this zoom, by event type"
            + " (hover: breakdown; click: zoom in).<br>"
            + "Dot size: dead + injured. Number: incidents there.<br>"
            + "Dashed, with a circle: approximate place<br>"
            + "(radius as the source states, else its area).</div></details>"
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
        With local Leaflet assets, the configured tiles (or none), the app's own vector
        basemap under them (see :mod:`geo.render.basemap`) and a legend.
    """
    fmap = folium.Map(location=list(center), zoom_start=zoom, tiles=None, control_scale=True,
                      prefer_canvas=False)
    fmap.default_js, fmap.default_css = asset_urls(settings)
    if settings.tiles.strip().lower() != "none":
        folium.TileLayer(
            tiles=settings.tiles, attr=settings.attribution, name="basemap",
            max_zoom=19,
        ).add_to(fmap)
    fmap.add_child(OfflineBasemap(settings))
    fmap.get_root().header.add_child(Element(_MAP_CSS + BASEMAP_CSS))  # type: ignore[attr-defined]
    if event_types:
        fmap.add_child(Legend(event_types))
    fmap.add_child(_FocusWithoutScroll())
    return fmap
