"""Opening the map fitted to the incidents a view shows (both modes of the map page).

A link without a map position (``?admin1=Aleppo``, ``?q=Manbij``, no parameter at all)
and "Reset view" open the map fitted to the incidents the view's filters let through;
a link with a position (``lat``/``lon``/``z`` or ``bbox``) opens exactly there and is
never refitted. "Fit the map to these" asks the same fit. A link that selects an
incident (``?sel=ID``) without a position opens on that incident instead, zoomed so it
and its uncertainty circle are in view (trial of issue 14: such links opened at
country zoom).

The fit is made in the browser (:class:`geo.render.fit.FitBounds`), where the map's
width is known; the server's :func:`geo.view.extent.fit_view` only gives a first guess
for the run that draws the map. The fit belongs to the request it came with: while
``map_request`` is unchanged the base map stays the same (streamlit-folium keeps it),
the map reports the fitted position as any move, and the view and its link follow it
without a rerun loop.
"""

from __future__ import annotations

from collections.abc import Callable

import folium
import pandas as pd
import streamlit as st

from geo.render.aggregate_layer import AggregateAssets, selected_marker
from geo.render.draw import DrawArea
from geo.render.fit import FIT_MAX_ZOOM, SELECTED_MAX_ZOOM, FitBounds
from geo.render.layers import base_map
from geo.settings import Settings
from geo.view.extent import circle_bounds, fit_view
from geo.view.params import BBox
from geo.view.state import round_center

FIT = "map_fit"
"""Session key of the fit asked: ``(request, bounds, number, max_zoom)``."""
_PENDING = "_map_fit_pending"
_COUNT = "_map_fit_count"


def open_fitted(selected: bool = False) -> None:
    """Fit the map on this run: to the view's incidents (a link without a position,
    reset), or to the selected incident when ``selected`` (a link with ``sel``)."""
    st.session_state[_PENDING] = "selected" if selected else "view"


def request_fit(bounds: BBox, max_zoom: int = FIT_MAX_ZOOM) -> None:
    """Ask the map to fit ``bounds`` (west, south, east, north) in the browser, at
    most at ``max_zoom``.

    The view meanwhile holds the server's guess for the same bounds.
    """
    ss = st.session_state
    center, zoom = fit_view(bounds, max_zoom=max_zoom)
    view = (round_center(*center), zoom)
    ss["map_request"] = view
    ss["map_view"] = view
    ss[_COUNT] = int(ss.get(_COUNT, 0)) + 1
    ss[FIT] = (view, tuple(float(v) for v in bounds), ss[_COUNT], int(max_zoom))


def fit_if_opened(bounds_of: Callable[[], BBox | None],
                  selected_of: Callable[[], BBox | None] | None = None) -> bool:
    """Fit the map when the view was just opened without a position.

    Parameters
    ----------
    bounds_of : callable
        Bounds of the incidents the view shows on the map (None when none: the map
        stays at the data's default view).
    selected_of : callable, optional
        Bounds of the selected incident and its uncertainty circle (None when there is
        none on the map): what a link with a selection opens on.

    Returns
    -------
    bool
        Whether a fit was asked (the view's position changed: read it again).
    """
    pending = st.session_state.pop(_PENDING, False)
    if not pending:
        return False
    if pending == "selected" and selected_of is not None:
        around = selected_of()
        if around is not None:
            request_fit(around, SELECTED_MAX_ZOOM)
            return True
    bounds = bounds_of()
    if bounds is None:
        return False
    request_fit(bounds)
    return True


def selection_bounds(incident: pd.Series | None) -> BBox | None:
    """Bounds of a selected incident and its uncertainty circle (the radius the map draws
    around it); None when there is none or it has no point on the map."""
    marker = selected_marker(incident) if incident is not None else None
    if marker is None:
        return None
    return circle_bounds(marker["lat"], marker["lon"], marker["u"])


def requested() -> tuple[BBox, int, int] | None:
    """The bounds, number and closest zoom of the fit asked with the current map
    request, if any."""
    ss = st.session_state
    fit = ss.get(FIT)
    if fit is None or tuple(fit[0]) != tuple(ss.get("map_request") or ()):
        return None  # the map was sent elsewhere since (a link, a place shown)
    return fit[1], fit[2], (fit[3] if len(fit) > 3 else FIT_MAX_ZOOM)


def map_arguments(center: list[float], zoom: int) -> tuple[FitBounds | None, dict]:
    """What the page adds to the base map, and the ``center``/``zoom`` to give st_folium.

    Returns
    -------
    tuple
        ``(element, kwargs)``: while a fit is asked, the :class:`FitBounds` to add to
        the base map and no centre or zoom (st_folium would move the map back to the
        server's guess); else None and the requested centre and zoom.
    """
    fit = requested()
    if fit is None:
        return None, {"center": center, "zoom": zoom}
    return FitBounds(fit[0], fit[1], fit[2]), {"center": None, "zoom": None}


def map_with_tools(settings: Settings, center: list[float], zoom: int,
                   event_types: tuple[str, ...]) -> tuple[folium.Map, dict]:
    """The page's base map with the fit asked (if any), the aggregates' assets and the
    drawing tool, and the ``center``/``zoom`` to give st_folium (both modes).

    Parameters
    ----------
    settings : Settings
    center : list of float
        The requested ``[lat, lon]``.
    zoom : int
    event_types : tuple of str
        The event types of the data, for the legend.

    Returns
    -------
    tuple
        ``(map, kwargs)``, as :func:`map_arguments` gives the kwargs.
    """
    fmap = base_map(settings, (center[0], center[1]), zoom, event_types)
    fitting, position = map_arguments(center, zoom)
    if fitting is not None:
        fmap.add_child(fitting)
    fmap.add_child(AggregateAssets(settings))
    fmap.add_child(DrawArea(settings))
    return fmap, position
