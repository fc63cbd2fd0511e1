"""What the analyst did on the map, read from the state streamlit-folium returns.

``st_folium`` returns a dict (``center``, ``zoom``, ``last_active_drawing``,
``last_object_clicked_count`` ...) after every map event. These functions turn it
into a map position and a clicked incident location, comparing with what was
already handled so that one click is acted on once.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import shapely

from geo.view.params import MAX_VERTICES, BBox, Polygon, round_bbox, round_polygon

#: The map events the page asks ``st_folium`` for (each one causes a rerun).
RETURNED_OBJECTS = ["center", "zoom", "bounds", "last_active_drawing",
                    "last_object_clicked_count", "all_drawings"]

#: ``properties.kind`` of a clicked incident place (aggregates have another kind).
PLACE_KIND = "incident-place"


@dataclass(frozen=True)
class MapEvents:
    """Map events not yet handled.

    Attributes
    ----------
    center : tuple of float or None
        Map centre (lat, lon) the map reports, if valid.
    zoom : float or None
        Map zoom the map reports, if valid.
    clicked : tuple of float or None
        Location (lat, lon) of an incident place clicked since the last call
        (a click on an aggregate is not one: the map zooms into it).
    clicks : int
        Click counter to pass back next time.
    """

    center: tuple[float, float] | None
    zoom: float | None
    clicked: tuple[float, float] | None
    clicks: int


def read_map_events(returned: Mapping[str, object] | None, seen_clicks: int) -> MapEvents:
    """Interpret the value ``st_folium`` returned.

    Parameters
    ----------
    returned : mapping or None
        The component's value (``st.session_state[key]``), None before the map
        reported anything.
    seen_clicks : int
        ``clicks`` of the previous call (0 at first). A different non-zero
        count means the analyst clicked an incident since.

    Returns
    -------
    MapEvents
        Malformed parts are ignored (treated as not reported).
    """
    if not isinstance(returned, Mapping):
        return MapEvents(None, None, None, seen_clicks)
    center = _latlng(returned.get("center"))
    zoom = _number(returned.get("zoom"))
    clicks = returned.get("last_object_clicked_count")
    count = int(clicks) if isinstance(clicks, int | float) and math.isfinite(clicks) else 0
    clicked = None
    if count and count != seen_clicks:  # a remounted map counts from 0 again
        clicked = _feature_point(returned.get("last_active_drawing"))
    return MapEvents(center, zoom, clicked, count)


def same_position(
    a: tuple[float, float], b: tuple[float, float], zoom: int, pixels: float = 2.0
) -> bool:
    """Whether two map centres are within a few screen pixels at ``zoom``.

    Leaflet snaps its centre to whole pixels, so the centre a map reports can
    differ slightly from the one it was given.

    Parameters
    ----------
    a, b : tuple of float
        Centres (lat, lon).
    zoom : int
        Zoom level of the map.
    pixels : float
        Tolerance in screen pixels (256-pixel Web Mercator tiles).

    Returns
    -------
    bool
    """
    degrees = pixels * 360.0 / (256 * 2**zoom)
    return abs(a[0] - b[0]) <= degrees and abs(a[1] - b[1]) <= degrees


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


def _latlng(value: object) -> tuple[float, float] | None:
    if not isinstance(value, Mapping):
        return None
    lat, lng = _number(value.get("lat")), _number(value.get("lng"))
    if lat is None or lng is None or not -90 <= lat <= 90:
        return None
    return lat, lng


def _feature_point(value: object) -> tuple[float, float] | None:
    """(lat, lon) of a clicked incident place, as Leaflet's ``toGeoJSON`` gives it."""
    if not isinstance(value, Mapping):
        return None
    properties = value.get("properties")
    if isinstance(properties, Mapping) and properties.get("kind", PLACE_KIND) != PLACE_KIND:
        return None  # an aggregate: the map zooms in by itself
    geometry = value.get("geometry")
    if not isinstance(geometry, Mapping) or geometry.get("type") != "Point":
        return None
    coords = geometry.get("coordinates")
    if not isinstance(coords, list | tuple) or len(coords) < 2:
        return None
    lon, lat = _number(coords[0]), _number(coords[1])
    if lat is None or lon is None or not -90 <= lat <= 90:
        return None
    return lat, lon


def read_bounds(returned: Mapping[str, object] | None) -> BBox | None:
    """Bounds of the map on screen, ``(west, south, east, north)``, as links keep them.

    Parameters
    ----------
    returned : mapping or None
        The component's value; its ``bounds`` is Leaflet's ``{_southWest, _northEast}``.

    Returns
    -------
    BBox or None
        None when not reported or malformed. Longitudes are clipped to [-180, 180]
        (a map zoomed out past the whole world reports more).
    """
    if not isinstance(returned, Mapping):
        return None
    bounds = returned.get("bounds")
    if not isinstance(bounds, Mapping):
        return None
    south_west, north_east = _latlng(bounds.get("_southWest")), _latlng(bounds.get("_northEast"))
    if south_west is None or north_east is None:
        return None
    (south, west), (north, east) = south_west, north_east
    if not south < north or not west < east:
        return None
    if east - west >= 360:
        west, east = -180.0, 180.0
    else:
        west, east = max(west, -180.0), min(east, 180.0)
    return round_bbox((west, south, east, north))


def read_drawn_area(
    returned: Mapping[str, object] | None, seen: object
) -> tuple[Polygon | None, object]:
    """The area the analyst just drew, edited or deleted on the map.

    Parameters
    ----------
    returned : mapping or None
        The component's value; ``all_drawings`` lists the drawn shapes as GeoJSON
        features after a draw event (None before any).
    seen : object
        What the previous call returned second (None at first).

    Returns
    -------
    tuple
        ``(polygon, seen)``: ``polygon`` is None when nothing changed since ``seen``,
        ``()`` when the drawn area was deleted, else the (lon, lat) vertices of the
        last drawn polygon (at most :data:`geo.view.params.MAX_VERTICES`).
    """
    drawings = returned.get("all_drawings") if isinstance(returned, Mapping) else None
    if not isinstance(drawings, list) or drawings == seen:
        return None, seen
    rings = [_polygon_ring(feature) for feature in drawings]
    rings = [ring for ring in rings if ring]
    return (rings[-1] if rings else ()), drawings


def _polygon_ring(feature: object) -> Polygon:
    if not isinstance(feature, Mapping):
        return ()
    geometry = feature.get("geometry")
    if not isinstance(geometry, Mapping) or geometry.get("type") != "Polygon":
        return ()
    rings = geometry.get("coordinates")
    if not isinstance(rings, list) or not rings or not isinstance(rings[0], list):
        return ()
    points = []
    for vertex in rings[0]:
        if not isinstance(vertex, list | tuple) or len(vertex) < 2:
            return ()
        lon, lat = _number(vertex[0]), _number(vertex[1])
        if lon is None or lat is None or not (-180 <= lon <= 180 and -90 <= lat <= 90):
            return ()
        points.append((lon, lat))
    ring = round_polygon(points)
    if len(set(ring)) < 3:
        return ()
    if len(ring) > MAX_VERTICES:
        shape = shapely.Polygon(ring)
        tolerance = 1e-4
        while len(ring) > MAX_VERTICES:
            simpler = shape.simplify(tolerance, preserve_topology=True)
            ring = round_polygon(simpler.exterior.coords)
            tolerance *= 2
    return ring
