"""Fitting the map to bounds in the browser, where its real size is known.

The server cannot know how wide the map is (it is as wide as the page's column); a
centre and zoom fitted on the server for a guessed size opened a 1,920 px wide window
at zoom 6 with Syria a third of the width (trial of issue 14). :class:`FitBounds`
joins the base map and fits it to the bounds as soon as Leaflet has its size; the
map then reports the fitted position like any move, so the app's view and its link
follow it.
"""

from __future__ import annotations

import json

from branca.element import MacroElement
from jinja2 import Template

FIT_MAX_ZOOM = 10
"""Closest zoom a fit goes to (a single place is shown with its surroundings)."""
SELECTED_MAX_ZOOM = 13
"""Closest zoom a fit on one selected incident goes to (a place shown on the map's)."""
FIT_PADDING_PX = 30
"""Margin kept inside the map's edges (aggregates are up to 58 px wide)."""


class FitBounds(MacroElement):
    """Fit the map to ``(west, south, east, north)`` once, when it is drawn.

    Parameters
    ----------
    bounds : tuple of float
        Lon/lat bounds.
    request : int
        Number of the fit asked for: a new request makes a new base map (streamlit-folium
        remounts it), so asking again to fit the same bounds fits again.
    max_zoom : int
        Cap of the fitted zoom.
    """

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function (map) {
  // fit request {{ this.request }}
  var cfg = {{ this.config }};
  var bounds = L.latLngBounds([[cfg.b[1], cfg.b[0]], [cfg.b[3], cfg.b[2]]]);
  function fit() {
    map.invalidateSize(false);
    map.fitBounds(bounds, {padding: [cfg.pad, cfg.pad], maxZoom: cfg.max, animate: false});
  }
  fit();
  // The frame may get its final width just after the map is made: fit again then,
  // unless the analyst moved the map meanwhile.
  var moved = false;
  map.once("mousedown touchstart wheel keydown", function () { moved = true; });
  map.on("resize", function refit() { if (!moved) { fit(); } });
  window.incidentMapFit = {bounds: cfg.b, request: {{ this.request }}};
})({{ this._parent.get_name() }});
{% endmacro %}
"""
    )

    def __init__(self, bounds: tuple[float, float, float, float], request: int,
                 max_zoom: int = FIT_MAX_ZOOM) -> None:
        super().__init__()
        self._name = "FitBounds"
        self.request = int(request)
        self.config = json.dumps({"b": [round(float(v), 5) for v in bounds],
                                  "pad": FIT_PADDING_PX, "max": int(max_zoom)})
