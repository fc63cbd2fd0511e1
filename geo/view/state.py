"""The view an analyst sees, and its round trip through URL query parameters.

A link holds the whole view: date range, every filter, map centre and zoom, the
selected incident, and a fingerprint of the data it was made on. Parameters equal
to their default are left out. Decoding never raises: a missing, malformed or
out-of-range parameter falls back to its default and adds a short note.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from urllib.parse import urlencode, urlsplit, urlunsplit

import shapely

from geo.view import params as p
from geo.view.extent import fit_view
from geo.view.params import NO_RANGE, BBox, Polygon, Range
from geo.vocab import CLAIM_STATUSES, COORD_DECIMALS, EVENT_TYPES, PRECISION_LABELS

#: URL parameter names, one per part of the view (ranges have a ``min_`` and a ``max_``).
PARAMS = {
    "dates": "d",
    "event_types": "type",
    "claim_statuses": "claim",
    "precisions": "prec",
    "query": "q",
    "include_undated": "undated",
    "lat": "lat",
    "lon": "lon",
    "zoom": "z",
    "selected": "sel",
    "fingerprint": "v",
    "admin1": "admin1",
    "admin2": "admin2",
    "actors": "actor",
    "sources": "source",
    "killed": "killed",
    "injured": "injured",
    "civilian_deaths": "civilian_deaths",
    "violence": "violence",
    "source_types": "source_type",
    "polygon": "poly",
    "bbox": "bbox",
    "compare": "compare",
    "vague_in_totals": "vague",
    "place_only": "by_place",
    "listed": "at",
    "types_version": "tv",
}
RANGE_FIELDS: tuple[str, ...] = ("killed", "injured", "civilian_deaths")
"""ViewState fields holding a :data:`Range`; their URL parameters are ``min_<name>``
and ``max_<name>``."""
TYPES_VERSION = "2"
"""Written beside the event types of a link (``tv``) that keep a type without the one split
off it since (:data:`_SPLIT_TYPES`): such a link without it is older than the split."""
#: Event types split off an older one after links were shared: (new type, older type).
_SPLIT_TYPES = (("attack on civilians", "other"),)
NONE_SELECTED = "none"
"""Value written for a filter where the analyst deselected everything."""

MIN_ZOOM, MAX_ZOOM = 1, 18
MAX_QUERY_LENGTH = 200
_FINGERPRINT = re.compile(r"^[0-9a-f]{8}$")


@dataclass(frozen=True)
class ViewDomain:
    """What a view may hold for the current data.

    Attributes
    ----------
    date_min, date_max : date or None
        Span of the dated incidents (None when no incident has a date).
    center : tuple of float
        Default map centre (lat, lon), fitted to the data.
    zoom : int
        Default zoom, fitted to the data.
    fingerprint : str
        Fingerprint of the data (see :func:`geo.geocoding.join.fingerprint`).
    frame_key : str
        Key of the loaded frame as laid out (see
        :attr:`geo.view.dataset.Dataset.frame_key`): what caches of per-row arrays key on.
    has_incident : callable
        Tells whether an incident id exists.
    resolve_area : callable
        ``(name, level) -> P-code or None``: an admin area of that level (1
        governorate, 2 district) named in any spelling or script, or by P-code.
    event_types, claim_statuses, precisions : tuple
        Allowed filter values, in display order.
    default_dates : tuple of date, optional
        The dates a view opens on when they are not the whole span: the span of the
        analyst's own data beside the sample incidents of a new store (see
        ``pages/shared/samples.py``), so that the samples' years do not widen it.
    """

    date_min: date | None
    date_max: date | None
    center: tuple[float, float]
    zoom: int
    fingerprint: str = ""
    frame_key: str = ""
    has_incident: Callable[[str], bool] = lambda _id: False
    event_types: tuple[str, ...] = EVENT_TYPES
    claim_statuses: tuple[str, ...] = CLAIM_STATUSES
    precisions: tuple[int, ...] = tuple(PRECISION_LABELS)
    resolve_area: Callable[[str, int], str | None] = lambda _name, _level: None
    default_dates: tuple[date, date] | None = None


@dataclass(frozen=True)
class ViewState:
    """Everything that defines what the analyst sees.

    Attributes
    ----------
    date_from, date_to : date or None
        Selected date range (inclusive); None only when the data has no dates.
    event_types, claim_statuses, precisions : tuple
        Values shown, in domain order; all of them by default.
    query : str
        Free-text search.
    include_undated : bool
        Whether incidents without a known date are shown.
    center : tuple of float
        Map centre (lat, lon), rounded to :data:`COORD_DECIMALS`.
    zoom : int
        Map zoom level.
    selected : str or None
        Id of the selected incident.
    admin1, admin2 : tuple of str
        P-codes of the governorates / districts shown (empty: anywhere).
    actors : tuple of str
        Incidents with any of these actors, on either side (empty: any actor).
    sources : tuple of str
        Incidents whose source or claimant names any of these (empty: any).
    killed, injured, civilian_deaths : Range
        Casualty ranges: an incident is shown when its figures can fall in the range
        (see :func:`geo.view.filters.apply_view`); ``(None, None)`` is no filter.
    violence : tuple of int
        UCDP ``type_of_violence`` codes shown (empty: no filter).
    source_types : tuple of str
        The source's own event or sub-event types shown (ACLED's), empty: no filter.
    polygon : Polygon
        A drawn area (lon, lat vertices); empty: none.
    bbox : BBox or None
        Only incidents in these bounds ("only what the map shows", or ``--bbox``).
    compare : tuple of date or None
        A second period to compare the selected dates with.
    vague_in_totals : bool
        Whether the Totals tab counts incidents vaguer than the view (False: "Leave
        them out of these totals"; the map and the list show them either way).
    place_only : bool
        Search terms that name a place find only the incidents at it (or in the
        area), not those whose text mentions it (see
        :func:`geo.view.search.by_place_only`).
    listed : tuple of float or None
        The point (lat, lon) whose incidents Details lists (a place clicked on the map,
        or picked among the places ranked).
    fit : bool
        The link gave no map position: the map opens fitted to the incidents shown.
    """

    date_from: date | None
    date_to: date | None
    event_types: tuple[str, ...]
    claim_statuses: tuple[str, ...]
    precisions: tuple[int, ...]
    center: tuple[float, float]
    zoom: int
    query: str = ""
    include_undated: bool = True
    selected: str | None = None
    admin1: tuple[str, ...] = ()
    admin2: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    killed: Range = NO_RANGE
    injured: Range = NO_RANGE
    civilian_deaths: Range = NO_RANGE
    violence: tuple[int, ...] = ()
    source_types: tuple[str, ...] = ()
    polygon: Polygon = ()
    bbox: BBox | None = None
    compare: tuple[date, date] | None = None
    vague_in_totals: bool = True
    place_only: bool = False
    listed: tuple[float, float] | None = None
    notes: tuple[str, ...] = field(default=(), compare=False)
    fit: bool = field(default=False, compare=False)

    def with_map_view(self, lat: float, lon: float, zoom: float) -> ViewState:
        """Return a copy at this map position (rounded as a link keeps it)."""
        return replace(self, center=round_center(lat, lon), zoom=_clamp_zoom(zoom))


def round_center(lat: float, lon: float) -> tuple[float, float]:
    """Round a map centre as links keep it, wrapping longitude into [-180, 180]."""
    lon = ((lon + 180.0) % 360.0) - 180.0 if not -180.0 <= lon <= 180.0 else lon
    return round(lat, COORD_DECIMALS), round(lon, COORD_DECIMALS)


def _clamp_zoom(zoom: float) -> int:
    return int(min(MAX_ZOOM, max(MIN_ZOOM, round(zoom))))


def default_view(domain: ViewDomain) -> ViewState:
    """The view a link without parameters opens on.

    Parameters
    ----------
    domain : ViewDomain

    Returns
    -------
    ViewState
    """
    date_from, date_to = domain.default_dates or (domain.date_min, domain.date_max)
    return ViewState(
        date_from=date_from,
        date_to=date_to,
        event_types=domain.event_types,
        claim_statuses=domain.claim_statuses,
        precisions=domain.precisions,
        center=round_center(*domain.center),
        zoom=_clamp_zoom(domain.zoom),
    )


def encode_view(state: ViewState, domain: ViewDomain) -> dict[str, str | list[str]]:
    """Encode a view as query parameters, leaving out those at their default.

    Parameters
    ----------
    state : ViewState
    domain : ViewDomain

    Returns
    -------
    dict
        Parameter name to a string, or to a list of strings for repeated keys.
        The data fingerprint is always included.
    """
    default = default_view(domain)
    params: dict[str, str | list[str]] = {}
    if (
        state.date_from is not None and state.date_to is not None
        and (state.date_from, state.date_to) != (default.date_from, default.date_to)
    ):
        params[PARAMS["dates"]] = [state.date_from.isoformat(), state.date_to.isoformat()]
    for name in ("event_types", "claim_statuses", "precisions"):
        values = getattr(state, name)
        if tuple(values) != tuple(getattr(default, name)):
            params[PARAMS[name]] = [str(v) for v in values] or [NONE_SELECTED]
            if name == "event_types" and any(
                    old in values and new not in values for new, old in _SPLIT_TYPES):
                params[PARAMS["types_version"]] = TYPES_VERSION  # not an older link
    if state.query:
        params[PARAMS["query"]] = state.query
    if not state.include_undated:
        params[PARAMS["include_undated"]] = "0"
    if not state.vague_in_totals:
        params[PARAMS["vague_in_totals"]] = "0"
    if state.place_only:
        params[PARAMS["place_only"]] = "1"
    # With bounds, the position always goes along: the map reopens where it was.
    if (state.center, state.zoom) != (default.center, default.zoom) or state.bbox is not None:
        params[PARAMS["lat"]] = f"{state.center[0]:.{COORD_DECIMALS}f}"
        params[PARAMS["lon"]] = f"{state.center[1]:.{COORD_DECIMALS}f}"
        params[PARAMS["zoom"]] = str(state.zoom)
    if state.selected:
        params[PARAMS["selected"]] = state.selected
    if state.listed is not None:
        params[PARAMS["listed"]] = ",".join(f"{v:.{COORD_DECIMALS}f}" for v in state.listed)
    _encode_filters(state, params)
    if domain.fingerprint:
        params[PARAMS["fingerprint"]] = domain.fingerprint
    return params


def _encode_filters(state: ViewState, params: dict[str, str | list[str]]) -> None:
    """The analyst filters added for issue 10 (all left out when unset)."""
    for name in ("admin1", "admin2", "actors", "sources", "source_types"):
        values = getattr(state, name)
        if values:
            params[PARAMS[name]] = list(values)
    for name in RANGE_FIELDS:
        low, high = getattr(state, name)
        for prefix, value in (("min_", low), ("max_", high)):
            text = p.encode_count(value)
            if text is not None:
                params[prefix + PARAMS[name]] = text
    if state.violence:
        params[PARAMS["violence"]] = [str(v) for v in state.violence]
    if state.polygon:
        params[PARAMS["polygon"]] = p.encode_polygon(state.polygon)
    if state.bbox is not None:
        params[PARAMS["bbox"]] = p.encode_bbox(state.bbox)
    if state.compare is not None:
        params[PARAMS["compare"]] = [state.compare[0].isoformat(), state.compare[1].isoformat()]


def view_link(state: ViewState, domain: ViewDomain, page_url: str) -> str:
    """Absolute link to a view, from the address of the page showing it.

    Parameters
    ----------
    state : ViewState
    domain : ViewDomain
    page_url : str
        Address of the page (its query and fragment are replaced).

    Returns
    -------
    str
        The map is the app's default page, so the link points at the app's
        root (a trailing ``/map`` is dropped).
    """
    parts = urlsplit(page_url)
    path = parts.path.rstrip("/")
    if path.endswith("/map"):
        path = path[: -len("/map")]
    query = urlencode(encode_view(state, domain), doseq=True)
    return urlunsplit((parts.scheme, parts.netloc, path + "/", query, ""))


def decode_view(params: Mapping[str, Sequence[str]], domain: ViewDomain) -> ViewState:
    """Read a view from query parameters, falling back to defaults with notes.

    Parameters
    ----------
    params : mapping
        Parameter name to all its values (repeated keys keep every value).
    domain : ViewDomain

    Returns
    -------
    ViewState
        The view; ``notes`` says which parameters were ignored and why.
    """
    default = default_view(domain)
    notes: list[str] = []
    known = set(PARAMS.values()) - {PARAMS[n] for n in RANGE_FIELDS}
    known |= {f"{side}_{PARAMS[n]}" for n in RANGE_FIELDS for side in ("min", "max")}
    for name in params:
        if name not in known:
            notes.append(f"Ignored unknown link parameter '{_short(name)}'.")

    def values(key: str) -> list[str]:
        return [str(v) for v in params.get(PARAMS[key], [])]

    date_from, date_to = _decode_dates(values("dates"), domain, default, notes)
    event_types = _decode_choice(
        values("event_types"), domain.event_types, default.event_types, "event type", notes,
        EVENT_TYPES,
    )
    if values("event_types") and not values("types_version"):
        event_types = _older_types(event_types, values("event_types"), domain, notes)
    claims = _decode_choice(
        values("claim_statuses"), domain.claim_statuses, default.claim_statuses,
        "claim status", notes,
    )
    precisions = _decode_choice(
        values("precisions"), tuple(str(v) for v in domain.precisions),
        tuple(str(v) for v in default.precisions), "location precision", notes,
        words={str(k): v for k, v in PRECISION_LABELS.items()},
    )
    query = _last(values("query")) or ""
    if len(query) > MAX_QUERY_LENGTH:
        notes.append(f"Search text cut to {MAX_QUERY_LENGTH} characters.")
        query = query[:MAX_QUERY_LENGTH]
    include_undated = p.decode_flag(values("include_undated"), PARAMS["include_undated"], notes)
    vague_in_totals = p.decode_flag(values("vague_in_totals"), PARAMS["vague_in_totals"], notes)
    place_only = p.decode_flag(values("place_only"), PARAMS["place_only"], notes, False)
    position = _decode_map(values("lat"), values("lon"), values("zoom"), notes)
    selected = _last(values("selected"))
    if selected is not None and not domain.has_incident(selected):
        notes.append(f"Incident '{_short(selected)}' from the link is not in the data.")
        selected = None
    fingerprint = _last(values("fingerprint"))
    if fingerprint is not None and domain.fingerprint:
        if not _FINGERPRINT.match(fingerprint):
            notes.append("The link's data fingerprint is malformed and was ignored.")
        elif fingerprint != domain.fingerprint:
            notes.append(
                f"The data has changed since this link was made (link {fingerprint}, "
                f"now {domain.fingerprint}): what you see may differ from what was shared."
            )
    filters = _decode_filters(params, domain, notes)
    bbox = filters["bbox"]
    if bbox is not None:  # the link's bounds are its view: the map shows them
        position = _map_for_bbox(bbox, position, notes)  # type: ignore[arg-type]
    center, zoom = position if position is not None else (default.center, default.zoom)
    return ViewState(
        date_from=date_from,
        date_to=date_to,
        event_types=event_types,
        claim_statuses=claims,
        precisions=tuple(int(v) for v in precisions),
        center=center,
        zoom=zoom,
        query=query,
        include_undated=include_undated,
        vague_in_totals=vague_in_totals,
        place_only=place_only,
        selected=selected or None,
        listed=p.decode_point(values("listed"), notes),
        notes=tuple(notes), fit=position is None,
        **filters,  # type: ignore[arg-type]
    )


def _decode_filters(
    params: Mapping[str, Sequence[str]], domain: ViewDomain, notes: list[str]
) -> dict[str, object]:
    """The analyst filters added for issue 10; links without them decode to no filter."""

    def values(name: str) -> list[str]:
        return [str(v) for v in params.get(name, [])]

    out: dict[str, object] = {
        "admin1": p.decode_areas(values(PARAMS["admin1"]), 1, domain.resolve_area, notes),
        "admin2": p.decode_areas(values(PARAMS["admin2"]), 2, domain.resolve_area, notes),
        "actors": p.decode_texts(values(PARAMS["actors"]), "actor", notes),
        "sources": p.decode_texts(values(PARAMS["sources"]), "source", notes),
        "source_types": p.decode_texts(values(PARAMS["source_types"]), "source type", notes),
        "violence": p.decode_violence(values(PARAMS["violence"]), notes),
        "polygon": p.decode_polygon(values(PARAMS["polygon"]), notes),
        "bbox": p.decode_bbox(values(PARAMS["bbox"]), notes),
        "compare": p.decode_period(
            values(PARAMS["compare"]), (domain.date_min, domain.date_max), notes
        ),
    }
    for name in RANGE_FIELDS:
        names = (f"min_{PARAMS[name]}", f"max_{PARAMS[name]}")
        out[name] = p.decode_range(values(names[0]), values(names[1]), names, notes)
    return out


_short = p.short


def _last(values: list[str]) -> str | None:
    return values[-1] if values else None


def _decode_dates(
    values: list[str], domain: ViewDomain, default: ViewState, notes: list[str]
) -> tuple[date | None, date | None]:
    if not values:
        return default.date_from, default.date_to
    period = p.decode_date_pair(values, (domain.date_min, domain.date_max), notes,
                                "date range", "showing all dates")
    return period if period is not None else (default.date_from, default.date_to)


def absent_types_note(types: Sequence[str], present: Sequence[str]) -> str:
    """What to tell an analyst who asks for event types no record of the data has.

    Parameters
    ----------
    types : sequence of str
        Event types of the vocabulary asked for, none in the data.
    present : sequence of str
        The event types the data has.

    Returns
    -------
    str
        Names them and what the data has, and points to the filters that may say
        more (a source such as UCDP codes no finer type).
    """
    asked = ", ".join(f"'{t}'" for t in types)
    has = ", ".join(present) if present else "none"
    return (f"No incident in this data has the event type {asked} (its types: {has}); its "
            "source may not code it. Type of violence (UCDP) and Actor may say more.")


def _decode_choice(
    values: list[str],
    allowed: tuple[str, ...],
    default: tuple[str, ...],
    label: str,
    notes: list[str],
    vocabulary: tuple[str, ...] = (),
    words: Mapping[str, str] | None = None,
) -> tuple[str, ...]:
    """The link's values the data has; a note names the others (``words``: the filter's
    names of the values, listed with their codes, not bare codes; trial of issue 14)."""
    if not values:
        return default
    if values == [NONE_SELECTED]:
        return ()
    wanted = set()
    absent = []
    for value in values:
        if value in allowed:
            wanted.add(value)
        elif value in vocabulary:
            absent.append(value)
        else:
            named = [f"{words[v]} ({v})" if words and v in words else v for v in allowed]
            known = (f" The data has: {', '.join(named)}."
                     if 0 < len(allowed) <= 20 else "")
            notes.append(f"Ignored unknown {label} '{_short(value)}' in the link.{known}")
    if absent:
        notes.append(absent_types_note(absent, allowed) + " The link's "
                     + ("type was" if len(absent) == 1 else "types were") + " ignored.")
    if not wanted:
        return default
    return tuple(v for v in allowed if v in wanted)


def _older_types(chosen: tuple[str, ...], asked: list[str], domain: ViewDomain,
                 notes: list[str]) -> tuple[str, ...]:
    """The event types of a link older than :data:`_SPLIT_TYPES`: a type split off later
    is shown with the one it was part of, as the link showed it then."""
    out = set(chosen)
    for new, old in _SPLIT_TYPES:
        if old in asked and new not in asked and new in domain.event_types:
            out.add(new)
            notes.append(f"This link is older than the event type '{new}': it shows "
                         f"'{new}' with '{old}', as it did then (UCDP's one-sided violence "
                         f"and ACLED's violence against civilians were '{old}').")
    return tuple(t for t in domain.event_types if t in out)


#: The map position's link parameters and their ranges.
_POSITION = {"lat": (-90, 90), "lon": (-180, 180), "z": (MIN_ZOOM, MAX_ZOOM)}


def _decode_map(
    lat_values: list[str],
    lon_values: list[str],
    zoom_values: list[str],
    notes: list[str],
) -> tuple[tuple[float, float], int] | None:
    """The link's map position, None when it gives none (or none usable, with a note
    naming each value missing, not numeric or out of range)."""
    raw = (_last(lat_values), _last(lon_values), _last(zoom_values))
    if raw == (None, None, None):
        return None
    problems: list[str] = []
    missing = [name for name, value in zip(_POSITION, raw, strict=True) if value is None]
    if missing:
        problems.append(f"it needs lat, lon and z ({' and '.join(missing)} "
                        f"{'is' if len(missing) == 1 else 'are'} missing)")
    numbers: list[float] = []
    for name, value in zip(_POSITION, raw, strict=True):
        if value is None:
            continue
        low, high = _POSITION[name]
        try:
            number = float(value)
        except ValueError:
            problems.append(f"{name} '{_short(value)}' is not numeric")
            continue
        if not low <= number <= high:  # NaN and infinities too
            problems.append(f"{name} {_short(value)} is out of range ({low} to {high})")
        numbers.append(number)
    if problems:
        notes.append("The link's map position was not used: " + "; ".join(problems)
                     + ". Showing all incidents.")
        return None
    lat, lon, zoom = numbers
    if zoom != int(zoom):
        notes.append("The link's zoom was rounded to a whole level.")
    return round_center(lat, lon), _clamp_zoom(zoom)


def _map_for_bbox(
    bbox: BBox, position: tuple[tuple[float, float], int] | None, notes: list[str]
) -> tuple[tuple[float, float], int]:
    """Where the map opens for a link with bounds: its own position when that shows the
    bounds (centre inside them, zoom within two levels of the fitted one), else fitted
    to the bounds (with a note when the link's position was set aside)."""
    center, zoom = fit_view(bbox, max_zoom=MAX_ZOOM)
    fitted = round_center(*center), _clamp_zoom(zoom)
    if position is None:
        return fitted
    (lat, lon), link_zoom = position
    if shapely.box(*bbox).covers(shapely.Point(lon, lat)) and abs(link_zoom - fitted[1]) <= 2:
        return position
    notes.append(
        f"The link's map position (lat {lat}, lon {lon}, z {link_zoom}) does not show its "
        f"bounds (bbox {p.encode_bbox(bbox)}): the map is fitted to the bounds, which are "
        "what the counts cover."
    )
    return fitted
