"""The folium side of the aggregated incident layer.

:class:`AggregateAssets` joins the base map once and loads the app's own script
(``static/map/aggregates.js``) and styles; :func:`aggregate_group` is the layer
passed on every rerun as ``st_folium(feature_group_to_add=...)``: a feature group
whose only content is a compact payload drawn by that script.
"""

from __future__ import annotations

import json
import math
from datetime import date

import folium
import numpy as np
import pandas as pd
from branca.element import MacroElement
from folium.elements import JSCSSMixin
from jinja2 import Template

from geo.render.clusters import CLOSE_ZOOM, UNCERTAINTY_MAX_PIXELS, Aggregates
from geo.render.layers import (
    SEVERAL_COLOR,
    UNCERTAINTY_METRES,
    casualty_figure,
    marker_radius,
    uncertainty_metres,
)
from geo.settings import Settings
from geo.view.state import MAX_ZOOM
from geo.vocab import CLAIM_STATUSES, EVENT_COLORS, EVENT_TYPES

SCRIPT = "map/aggregates.js"
"""The layer's script, under the app's static folder."""

STYLES = "map/aggregates.css"
"""The layer's styles, under the app's static folder."""



class AggregateAssets(JSCSSMixin, MacroElement):
    """The script and styles of the aggregated layer; add it to the base map once.

    Parameters
    ----------
    settings : Settings
        Gives the URL prefix of the app's static files.
    """

    _template = Template("")

    def __init__(self, settings: Settings) -> None:
        super().__init__()
        self._name = "AggregateAssets"
        prefix = "/" + settings.static_url.strip("/") + "/"
        self.default_js = [("incident_aggregates", prefix + SCRIPT)]
        self.default_css = [("incident_aggregates_css", prefix + STYLES)]


class AggregateLayer(MacroElement):
    """Draw one :class:`~geo.render.clusters.Aggregates` inside its feature group."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
window.IncidentMap.draw({{ this._parent.get_name() }}, {{ this._parent._parent.get_name() }},
  {{ this.payload }});
{% endmacro %}
"""
    )

    def __init__(self, payload: str, cells: int, places: int) -> None:
        super().__init__()
        self._name = "AggregateLayer"
        self.payload = payload
        self.cell_count = cells
        self.place_count = places


def _script_json(value: object) -> str:
    """JSON safe inside a <script> element."""
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def selected_marker(incident: pd.Series) -> dict[str, float] | None:
    """How the selected incident is drawn, or None when it is not on the map.

    Parameters
    ----------
    incident : pandas.Series
        A row of the incident frame.

    Returns
    -------
    dict or None
        ``lat``, ``lon``, ``p`` (precision), ``u`` (uncertainty radius, m), ``t`` (event
        type index), ``r`` (radius).
    """
    if incident.get("off_map", "") != "":
        return None
    precision = incident.get("geo_precision")
    event = incident.get("event_type")
    figure = casualty_figure(pd.DataFrame([incident]))
    return {
        "lat": float(incident["latitude"]),
        "lon": float(incident["longitude"]),
        "p": 1 if precision is None or pd.isna(precision) else int(precision),
        "u": float(uncertainty_metres(pd.DataFrame([incident]))[0]),
        "t": EVENT_TYPES.index(event) if event in EVENT_TYPES else len(EVENT_TYPES),
        "r": float(marker_radius(figure)[0]) + 3,
    }


def _pairs(counts: np.ndarray) -> list[list[int]]:
    """Per row, the non-zero ``[index, count, index, count ...]``, largest first."""
    out = []
    for row in counts:
        nonzero = np.flatnonzero(row)
        nonzero = nonzero[np.argsort(-row[nonzero], kind="stable")]
        out.append([int(v) for pair in zip(nonzero, row[nonzero], strict=True) for v in pair])
    return out


def _numbers(values: pd.Series | np.ndarray) -> list[float | int | None]:
    """JSON numbers (integers when whole), None for NaN."""
    return [None if isinstance(v, float) and math.isnan(v) else
            (int(v) if float(v).is_integer() else round(float(v), 5))
            for v in np.asarray(values, dtype=float)]


_EPOCH = date(1970, 1, 1)


def _date_spans(cells: pd.DataFrame, dates: tuple[date, date] | None) -> dict[str, object]:
    """Each aggregate's dates as its tooltip gives them: within the dates chosen, with
    the first start and last end of the incidents that run over them.

    An incident shows when its span overlaps the dates chosen, so an aggregate's
    incidents may start before them or end after them (a month, a year, a range): the
    tooltip says so instead of giving dates outside the filter unexplained.
    ``df``/``dt``: first and last day shown (days since 1970-01-01, None when undated);
    with ``dates``, ``dr`` the dates chosen, ``eb`` the first start when it is before
    them (else None), ``la`` the last end when it is after them (else None).
    """
    first = cells["date_from"].to_numpy(dtype=float)
    last = cells["date_to"].to_numpy(dtype=float)
    if dates is None:
        return {"df": _numbers(first), "dt": _numbers(last)}
    lo, hi = ((d - _EPOCH).days for d in dates)
    with np.errstate(invalid="ignore"):
        early = np.where(first < lo, first, np.nan)
        late = np.where(last > hi, last, np.nan)
    return {"df": _numbers(np.where(np.isnan(first), np.nan, np.clip(first, lo, hi))),
            "dt": _numbers(np.where(np.isnan(last), np.nan, np.clip(last, lo, hi))),
            "dr": [lo, hi], "eb": _numbers(early), "la": _numbers(late)}


def _details(aggregates: Aggregates) -> dict[str, object]:
    """Each aggregate's killed figures per claimant and its top places, for its tooltip.

    ``kc``: per aggregate, ``[claimant, incidents, giving a figure, low, high, giving only
    a low, best estimate, giving one, ...]`` per claimant (``claimant`` an index into
    ``cn``, the claimants' names); ``tp``: per aggregate, ``[name, incidents, ...]`` of
    its top places, ``tpn`` the number of its places they are the top of (None: no
    top places known).
    """
    k = len(aggregates.cells)
    figures, top = aggregates.figures, aggregates.top
    names = sorted(set(figures["claimant"].astype(str))) if len(figures) else []
    index = {name: i for i, name in enumerate(names)}
    per_cell: list[list[float | int | None]] = [[] for _ in range(k)]
    for row in figures.itertuples(index=False):
        cell = int(row.cell)
        if 0 <= cell < k:
            per_cell[cell] += [index[str(row.claimant)], *_numbers(np.array(
                [row.incidents, row.known, row.low, row.high, row.open, row.best,
                 row.best_n], dtype=float))]
    places: list[list[object]] = [[] for _ in range(k)]
    counted: list[int | None] = [None] * k
    for row in top.itertuples(index=False):
        cell = int(row.cell)
        if 0 <= cell < k:
            places[cell] += [str(row.label), int(row.count)]
            counted[cell] = int(row.places)
    return {"kc": per_cell, "cn": names, "tp": places, "tpn": counted}


def _place_details(aggregates: Aggregates) -> dict[str, object]:
    """Each single place's killed and civilian figures per claimant, for its tooltip.

    ``kc``: per place, ``[claimant, incidents, giving a figure, low, high, giving only a
    low, best estimate, giving one, civilian deaths, giving them, ...]`` per claimant
    (``claimant`` an index into ``cn``); empty when not known (store mode's windows of
    more than :attr:`geo.settings.Settings.map_details_max` incidents).
    """
    k = len(aggregates.places)
    figures = aggregates.place_figures
    names = sorted(set(figures["claimant"].astype(str))) if len(figures) else []
    index = {name: i for i, name in enumerate(names)}
    per_place: list[list[float | int | None]] = [[] for _ in range(k)]
    for row in figures.itertuples(index=False):
        place = int(row.cell)
        if 0 <= place < k:
            per_place[place] += [index[str(row.claimant)], *_numbers(np.array(
                [row.incidents, row.known, row.low, row.high, row.open, row.best,
                 row.best_n, row.civ, row.civ_n], dtype=float))]
    return {"kc": per_place, "cn": names}


def payload(
    aggregates: Aggregates, selected: dict[str, float] | None = None,
    dates: tuple[date, date] | None = None,
) -> dict[str, object]:
    """What :func:`aggregate_group` sends to the browser (JSON-ready).

    Parameters
    ----------
    aggregates : Aggregates
    selected : dict, optional
        ``lat``, ``lon``, ``p`` (precision), ``t`` (event index), ``r`` (radius)
        of the selected incident, drawn with a heavy ring and its uncertainty.
    dates : tuple of date, optional
        The dates chosen (from, to): aggregates' dates are given within them, with
        the incidents that run over them named (see :func:`_date_spans`).

    Returns
    -------
    dict
    """
    cells, places = aggregates.cells, aggregates.places
    ranges = {}
    for name in ("killed", "injured", "casualties"):
        # per aggregate: lowest, highest, incidents giving the figure, of them open-topped
        quads = np.column_stack(
            [cells[f"{name}_lo"], cells[f"{name}_hi"], cells[f"{name}_known"],
             cells[f"{name}_open"]]
        ).ravel() if len(cells) else np.array([])
        ranges[name] = _numbers(quads)
    details = _details(aggregates)
    dated = "date_from" in places and "date_to" in places
    return {
        "agg": {
            "lat": _numbers(cells["lat"].round(5)),
            "lon": _numbers(cells["lon"].round(5)),
            "b": _numbers(cells[["south", "west", "north", "east"]].to_numpy().ravel()),
            "n": cells["count"].astype(int).tolist(),
            "np": cells["places"].astype(int).tolist(),
            **_date_spans(cells, dates),
            "t": _pairs(aggregates.types),
            "c": _pairs(aggregates.claims),
            **ranges,
            **details,
            **({"npu": True} if aggregates.places_at_most else {}),
            **({"dlo": aggregates.details_left_out}
               if aggregates.details_left_out is not None else {}),
        },
        "places": {
            "lat": _numbers(places["lat"]),
            "lon": _numbers(places["lon"]),
            "n": places["count"].astype(int).tolist(),
            "t": places["type"].astype(int).tolist(),
            "p": places["precision"].astype(int).tolist(),
            "u": _numbers(places["uncertainty"].round()),
            "r": marker_radius(places["figure"]).tolist(),
            "lb": places["label"].astype(str).tolist(),
            **(_date_spans(places, dates) if dated else {}),
            **_place_details(aggregates),
        },
        "sel": selected,
        "close": aggregates.zoom >= CLOSE_ZOOM,
        "unc": {str(k): v for k, v in UNCERTAINTY_METRES.items()},
        "uncPx": UNCERTAINTY_MAX_PIXELS,
        "maxZoom": MAX_ZOOM,
        "colors": [*EVENT_COLORS.values(), SEVERAL_COLOR],
        "typeNames": [*EVENT_TYPES, "other"],
        "claimNames": [*CLAIM_STATUSES, "other"],
    }


def aggregate_group(
    aggregates: Aggregates, selected: dict[str, float] | None = None,
    dates: tuple[date, date] | None = None,
) -> folium.FeatureGroup:
    """The incident layer of one rerun, for ``st_folium(feature_group_to_add=...)``.

    Parameters
    ----------
    aggregates : Aggregates
        What is on screen.
    selected : dict, optional
        See :func:`payload`.
    dates : tuple of date, optional
        The dates chosen; see :func:`payload`.

    Returns
    -------
    folium.FeatureGroup
    """
    group = folium.FeatureGroup(name="incidents")
    data = payload(aggregates, selected, dates)
    group.add_child(
        AggregateLayer(_script_json(data), len(aggregates.cells), len(aggregates.places))
    )
    return group
