"""Drawing an area on the map (Leaflet.draw, served by the app) and showing the one in view.

:class:`DrawArea` goes on the constant base map: a toolbar to draw one polygon or
rectangle, edit it or delete it. The shape lives in ``window.drawnItems``, where
streamlit-folium reads it (``all_drawings``) after every draw event. Starting a new
shape removes the old one: the view holds one drawn area.

:class:`AreaSync`, in the layer passed on every rerun, makes the map show the area
the view holds: the one from a link (drawn into ``drawnItems``, so it can be edited
or deleted like a drawn one), or none when the analyst cleared it.
"""

from __future__ import annotations

import json

from branca.element import MacroElement
from folium.elements import JSCSSMixin
from jinja2 import Template

from geo.settings import Settings
from geo.view.params import Polygon

_DRAW_JS = "vendor/leaflet-draw/leaflet.draw.js"
_DRAW_CSS = "vendor/leaflet-draw/leaflet.draw.css"
AREA_COLOR = "#1f4e9c"
"""Outline colour of a drawn area."""


def draw_asset_urls(settings: Settings) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Local URLs of Leaflet.draw's script and stylesheet (``default_js``, ``default_css``)."""
    prefix = "/" + settings.static_url.strip("/") + "/"
    return [("leaflet_draw_js", prefix + _DRAW_JS)], [("leaflet_draw_css", prefix + _DRAW_CSS)]


class DrawArea(JSCSSMixin):
    """A toolbar to draw, edit and delete one polygon or rectangle.

    Parameters
    ----------
    settings : Settings
        Gives the URL prefix of the app's static files (no CDN is used).
    """

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function (map) {
  var items = new L.FeatureGroup().addTo(map);
  window.drawnItems = items;
  var shape = {color: {{ this.color }}, weight: 2, dashArray: "6 4", fillOpacity: 0.05};
  new L.Control.Draw({
    position: "topleft",
    draw: {polygon: {allowIntersection: false, showArea: false, shapeOptions: shape},
           rectangle: {shapeOptions: shape, showArea: false},
           polyline: false, circle: false, marker: false, circlemarker: false},
    edit: {featureGroup: items, edit: true, remove: true}
  }).addTo(map);
  // One drawn area at a time; registered before streamlit-folium reads drawnItems.
  map.on("draw:drawstart", function () { items.clearLayers(); });
  map.on("draw:created", function (e) { items.addLayer(e.layer); });
})({{ this._parent.get_name() }});
{% endmacro %}
"""
    )

    def __init__(self, settings: Settings) -> None:
        super().__init__()
        self._name = "DrawArea"
        self.color = json.dumps(AREA_COLOR)
        self.default_js, self.default_css = draw_asset_urls(settings)


class AreaSync(MacroElement):
    """Make ``drawnItems`` hold the view's drawn area (or nothing).

    Parameters
    ----------
    polygon : Polygon
        (lon, lat) vertices of the view's drawn area; empty for none.
    """

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function () {
  var items = window.drawnItems, ring = {{ this.ring }};
  if (!items || typeof items.getLayers !== "function") { return; }
  if (!ring.length) { items.clearLayers(); return; }
  var same = items.getLayers().some(function (layer) {
    var g = layer.toGeoJSON().geometry, c = g && g.coordinates && g.coordinates[0];
    return c && c.length - 1 === ring.length && ring.every(function (p, i) {
      return Math.abs(c[i][0] - p[1]) < 1e-4 && Math.abs(c[i][1] - p[0]) < 1e-4;
    });
  });
  if (same) { return; }
  items.clearLayers();
  L.polygon(ring, {color: {{ this.color }}, weight: 2, dashArray: "6 4",
                   fillOpacity: 0.05}).addTo(items);
})();
{% endmacro %}
"""
    )

    def __init__(self, polygon: Polygon) -> None:
        super().__init__()
        self._name = "AreaSync"
        self.ring = json.dumps([[lat, lon] for lon, lat in polygon])
        self.color = json.dumps(AREA_COLOR)
