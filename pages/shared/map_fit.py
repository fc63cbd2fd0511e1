"""Opening the map fitted to the incidents a view shows (both modes of the map page).

A link without a map position (``?admin1=Aleppo``, ``?q=Manbij``, no parameter at all)
and "Reset view" open the map fitted to the incidents the view's filters let through;
a link with a position (``lat``/``lon``/``z`` or ``bbox``) opens exactly there and is
never refitted. "Fit the map to these" asks the same fit.

The fit is made in the browser (:class:`geo.render.fit.FitBounds`), where the map's
width is known; the server's :func:`geo.view.extent.fit_view` only gives a first guess
for the run that draws the map. The fit belongs to the request it came with: while
``map_request`` is unchanged the base map stays the same (streamlit-folium keeps it),
the map reports the fitted position as any move, and the view and its link follow it
without a rerun loop.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from geo.render.fit import FitBounds
from geo.view.extent import fit_view
from geo.view.params import BBox
from geo.view.state import round_center

FIT = "map_fit"
"""Session key of the fit asked: ``(request, bounds, number)``."""
_PENDING = "_map_fit_pending"
_COUNT = "_map_fit_count"


def open_fitted() -> None:
    """Fit the map to the view's incidents on this run (a link without a position, reset)."""
    st.session_state[_PENDING] = True


def request_fit(bounds: BBox) -> None:
    """Ask the map to fit ``bounds`` (west, south, east, north) in the browser.

    The view meanwhile holds the server's guess for the same bounds.
    """
    ss = st.session_state
    center, zoom = fit_view(bounds)
    view = (round_center(*center), zoom)
    ss["map_request"] = view
    ss["map_view"] = view
    ss[_COUNT] = int(ss.get(_COUNT, 0)) + 1
    ss[FIT] = (view, tuple(float(v) for v in bounds), ss[_COUNT])


def fit_if_opened(bounds_of: Callable[[], BBox | None]) -> bool:
    """Fit the map to ``bounds_of()`` when the view was just opened without a position.

    Parameters
    ----------
    bounds_of : callable
        Bounds of the incidents the view shows on the map (None when none: the map
        stays at the data's default view).

    Returns
    -------
    bool
        Whether a fit was asked (the view's position changed: read it again).
    """
    if not st.session_state.pop(_PENDING, False):
        return False
    bounds = bounds_of()
    if bounds is None:
        return False
    request_fit(bounds)
    return True


def requested() -> tuple[BBox, int] | None:
    """The bounds and number of the fit asked with the current map request, if any."""
    ss = st.session_state
    fit = ss.get(FIT)
    if fit is None or tuple(fit[0]) != tuple(ss.get("map_request") or ()):
        return None  # the map was sent elsewhere since (a link, a place shown)
    return fit[1], fit[2]


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
    return FitBounds(fit[0], fit[1]), {"center": None, "zoom": None}
