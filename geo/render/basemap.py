"""The app's own vector basemap, for networks without a reachable tile server.

Three layers, all served by the app itself (``./static``, Streamlit static serving):

- country borders and land from Natural Earth (npm ``world-atlas`` TopoJSON, decoded in
  the browser by npm ``topojson-client``), both copied to ``static/vendor`` at set-up;
- the configured admin boundaries (default: the shipped simplified OCHA governorates
  and districts of Syria), written once to ``static/basemap/admin-<key>.json`` with their
  attribution;
- labels of major towns, precomputed from the gazetteer index at set-up
  (``python -m geo.render.basemap``) into ``static/basemap/towns.json``, so that pages
  that only display never load the gazetteer.

The browser draws them under the tile pane: when the configured tiles load they cover
it; with ``INCIDENT_MAP_TILES=none``, or from the first tile that fails, the vector
basemap is fetched and shown.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
from branca.element import MacroElement
from jinja2 import Template

from geo.io.boundaries import read_admin_levels
from geo.settings import PROJECT_ROOT, Settings, load_settings

STATIC_DIR = PROJECT_ROOT / "static"
"""Folder Streamlit serves at ``/app/static``."""

BASEMAP_DIR = STATIC_DIR / "basemap"
"""Generated basemap files (not in the repository; made at set-up or on first use)."""

TOWNS_FILE = "towns.json"
COUNTRIES_URL = "vendor/world-atlas/countries-50m.json"
TOPOJSON_URL = "vendor/topojson-client/topojson-client.min.js"
NATURAL_EARTH = "Natural Earth"
LABELS_ABOVE_ZOOM = 9
"""From this zoom on, the basemap's labels are drawn above the incidents' markers (local
zoom: a town's name is not hidden under its marker); further out, under them (the
aggregates' counts stay readable)."""
TILE_WAIT_MS = 5000
"""Milliseconds the map waits for a first tile before it shows the offline basemap
anyway (a tile server that drops packets gives no error for minutes)."""

#: Towns labelled anywhere in the world: at least this many people.
WORLD_MIN_POPULATION = 100_000
#: Towns labelled inside (and 1 degree around) the admin boundaries: at least this many.
LOCAL_MIN_POPULATION = 1_000


def _write_json(path: Path, payload: object) -> None:
    """Write JSON atomically (a concurrent reader sees the old or the new file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(payload, out, ensure_ascii=False, separators=(",", ":"))
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)


def admin_key(paths: Sequence[Path]) -> str:
    """Short key of admin boundary files (their paths, sizes and times), for file names."""
    parts = [
        f"{p}:{p.stat().st_size}:{p.stat().st_mtime_ns}" if p.exists() else str(p)
        for p in paths
    ]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:10]


def admin_attribution(paths: Sequence[Path]) -> str:
    """Attribution of admin boundary files, from an ``ATTRIBUTION.json`` beside them."""
    texts: list[str] = []
    for folder in dict.fromkeys(p.parent for p in paths if p.exists()):
        meta = folder / "ATTRIBUTION.json"
        if meta.exists():
            text = str(json.loads(meta.read_text(encoding="utf-8")).get("attribution", ""))
            if text and text not in texts:
                texts.append(text)
    return " ".join(texts)


def short_credit(text: str) -> str:
    """A credit in a few words, for the map's one-line attribution.

    The source named after the first colon, up to the first " / ", comma or
    parenthesis: "Syria admin boundaries: OCHA / UN Cartographic Section, ..." gives
    "OCHA". Text without a colon is cut the same way from its start.
    """
    rest = text.split(": ", 1)[1] if ": " in text else text
    for stop in (" / ", ",", " (", ";", ". "):
        rest = rest.split(stop, 1)[0]
    rest = rest.strip()
    return rest if 0 < len(rest) <= 40 else text[:40].rstrip()


def admin_short_credit(paths: Sequence[Path]) -> str:
    """Short credit of admin boundary files: ``short`` of their ``ATTRIBUTION.json``, else
    :func:`short_credit` of each file's attribution, joined by " · "."""
    texts: list[str] = []
    for folder in dict.fromkeys(p.parent for p in paths if p.exists()):
        meta = folder / "ATTRIBUTION.json"
        if meta.exists():
            info = json.loads(meta.read_text(encoding="utf-8"))
            full = str(info.get("attribution", ""))
            text = str(info.get("short", "") or (short_credit(full) if full else ""))
            if text and text not in texts:
                texts.append(text)
    return " · ".join(texts)


def admin_payload(paths: Sequence[Path]) -> dict[str, object]:
    """Admin areas as GeoJSON for the basemap, with a label point per area.

    Parameters
    ----------
    paths : sequence of Path
        Boundary files, coarsest level first (see :func:`geo.io.boundaries.read_admin_levels`).

    Returns
    -------
    dict
        ``{"type": "FeatureCollection", "features": [...], "attribution": str}``; each
        feature has ``level``, ``name`` and ``label`` ([lat, lon] inside the area).
    """
    features: list[dict[str, object]] = []
    for areas in read_admin_levels(paths):
        points = areas.geometry.representative_point()
        frame = gpd.GeoDataFrame(
            {
                "level": areas["level"].astype(int),
                "name": areas["name_en"].astype(str),
                "label": [[round(p.y, 4), round(p.x, 4)] for p in points],
            },
            geometry=areas.geometry.values,
            crs=areas.crs,
        )
        features.extend(json.loads(frame.to_json(drop_id=True))["features"])
    return {
        "type": "FeatureCollection",
        "features": features,
        "attribution": admin_attribution(paths),
    }


def town_labels(
    index_path: Path,
    local_bounds: tuple[float, float, float, float] | None = None,
    *,
    world_min: int = WORLD_MIN_POPULATION,
    local_min: int = LOCAL_MIN_POPULATION,
) -> pd.DataFrame:
    """Towns worth a label, from the gazetteer index (memory-mapped columns only).

    Parameters
    ----------
    index_path : Path
        The gazetteer index folder (see :func:`geo.geocoding.gazetteer.load_index`).
    local_bounds : tuple, optional
        (west, south, east, north) of the detailed area (the admin boundaries): towns
        within it and one degree around get labels down to ``local_min`` people.
    world_min, local_min : int
        Population thresholds.

    Returns
    -------
    pandas.DataFrame
        ``name``, ``lat``, ``lon``, ``pop``, biggest first.
    """
    from geo.geocoding.gazetteer import load_index

    gazetteer = load_index(index_path)
    lat = np.asarray(gazetteer.latitude, dtype=float)
    lon = np.asarray(gazetteer.longitude, dtype=float)
    pop = np.asarray(gazetteer.population, dtype=np.int64)
    keep = np.asarray(gazetteer.alive, dtype=bool) & (pop >= world_min)
    if local_bounds is not None:
        west, south, east, north = local_bounds
        inside = (lon >= west - 1) & (lon <= east + 1) & (lat >= south - 1) & (lat <= north + 1)
        keep |= np.asarray(gazetteer.alive, dtype=bool) & inside & (pop >= local_min)
    rows = np.flatnonzero(keep)
    rows = rows[np.argsort(-pop[rows], kind="stable")]
    names = gazetteer.take("name", rows).astype(str)
    named = names != ""
    rows, names = rows[named], names[named]
    return pd.DataFrame(
        {"name": names, "lat": lat[rows].round(4), "lon": lon[rows].round(4), "pop": pop[rows]}
    )


def _bounds_of(payload: dict[str, object]) -> tuple[float, float, float, float] | None:
    features = payload["features"]
    if not features:
        return None
    frame = gpd.GeoDataFrame.from_features(features)
    west, south, east, north = (float(v) for v in frame.total_bounds)
    return west, south, east, north


def write_towns(settings: Settings, out_dir: Path = BASEMAP_DIR) -> Path | None:
    """Write ``towns.json`` (columns as arrays) from the gazetteer index.

    Returns
    -------
    Path or None
        The file, or None when the gazetteer index does not exist.
    """
    if not settings.gazetteer_index_path.exists():
        return None
    bounds = _bounds_of(admin_payload(settings.admin_paths))
    towns = town_labels(settings.gazetteer_index_path, bounds)
    path = out_dir / TOWNS_FILE
    _write_json(path, {column: towns[column].tolist() for column in towns.columns})
    return path


def ensure_admin_file(settings: Settings, out_dir: Path = BASEMAP_DIR) -> str | None:
    """Write the admin layer of the configured boundary files once; its file name.

    Returns
    -------
    str or None
        ``admin-<key>.json`` under ``out_dir``, or None when no boundary file exists or
        the folder cannot be written (the basemap then has no admin layer).
    """
    paths = [p for p in settings.admin_paths if p.exists()]
    if not paths:
        return None
    name = f"admin-{admin_key(paths)}.json"
    path = out_dir / name
    if not path.exists():
        try:
            _write_json(path, admin_payload(paths))
        except OSError:
            return None
    return name


def ensure_towns_file(settings: Settings, out_dir: Path = BASEMAP_DIR) -> str | None:
    """The town labels file name, made from the index on first use if set-up did not."""
    path = out_dir / TOWNS_FILE
    if not path.exists():
        try:
            if write_towns(settings, out_dir) is None:
                return None
        except (OSError, ValueError):
            return None
    return TOWNS_FILE


class OfflineBasemap(MacroElement):
    """Vector basemap drawn under the tiles: land, borders, admin areas, town labels.

    Parameters
    ----------
    settings : Settings
        Tile source (``none``: the basemap shows at once) and static URL prefix.
    out_dir : Path
        Where the generated files live (served under ``<static_url>/basemap``).
    """

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function (map) {
  var cfg = {{ this.config }};
  var started = false;
  map.createPane("basemap").style.zIndex = 150;
  // At local zoom, town labels above the incidents' markers (600) and under their
  // tooltips (650), so that markers never hide where they are; they take no clicks.
  // Further out, under the markers: the aggregates' counts stay readable. Once the
  // configured tiles show (they have labels of their own), under the tiles.
  map.createPane("basemapLabels").style.pointerEvents = "none";
  function labelsAbove() {
    map.getPane("basemapLabels").style.zIndex = map.getZoom() >= cfg.above ? 640 : 160;
  }
  labelsAbove();
  map.on("zoomend", labelsAbove);
  // Land in one pane, lines over it in another: the files arrive in any order, and on
  // one canvas a land fill drawn after the admin lines would paint over them.
  map.createPane("basemapLines").style.zIndex = 155;
  var canvas = L.canvas({pane: "basemap", padding: 0.5});
  var lines = L.canvas({pane: "basemapLines", padding: 0.5});
  function get(url) {
    return fetch(url).then(function (r) {
      if (!r.ok) { throw new Error(url + ": " + r.status); }
      return r.json();
    });
  }
  // The basemap's sources are credited in Leaflet's attribution control, bottom right,
  // in one short line ("© Natural Earth · OCHA"): the full text is its title (on hover)
  // and opens on a click. A second box bottom left, two lines and 430 px wide, covered
  // the scale bar and the markers (trial of issue 14).
  var credits = [], creditShown = null;
  function esc(text) {
    return String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;")
      .replace(/>/g, "&gt;").replace(/"/g, "&quot;");
  }
  function credit(text, short) {
    if (!text) { return; }
    var item = {full: text, short: short || text};
    // the countries' credit first, whichever file arrives first
    if (text === cfg.credit) { credits.unshift(item); } else { credits.push(item); }
    var control = map.attributionControl;
    if (!control) { control = map.attributionControl = L.control.attribution().addTo(map); }
    if (creditShown) { control.removeAttribution(creditShown); }
    var full = credits.map(function (c) { return c.full; }).join(" ");
    creditShown = '<span class="basemap-credits" role="button" tabindex="0" title="' +
      esc(full) + '">© ' + credits.map(function (c) { return esc(c.short); }).join(" · ") +
      '<span class="basemap-credits-full">' + esc(full) + "</span></span>";
    control.addAttribution(creditShown);
    var box = control.getContainer();
    if (box && !box._creditToggle) {
      box._creditToggle = true;
      L.DomEvent.on(box, "click", function (e) {
        var target = e.target && e.target.closest && e.target.closest(".basemap-credits");
        if (target) { box.classList.toggle("basemap-credits-open"); }
      });
    }
  }
  function countries() {
    return get(cfg.countries).then(function (topo) {
      var land = topojson.feature(topo, topo.objects.land || topo.objects.countries);
      L.geoJSON(land, {pane: "basemap", renderer: canvas, interactive: false,
        style: {stroke: false, fill: true, fillColor: "#f3f0e8", fillOpacity: 1}}).addTo(map);
      var borders = topojson.mesh(topo, topo.objects.countries, function (a, b) {
        return a !== b; });
      L.geoJSON(borders, {pane: "basemapLines", renderer: lines, interactive: false,
        style: {color: "#8c8577", weight: 1.2, opacity: 0.9, fill: false}}).addTo(map);
      credit(cfg.credit, cfg.credit);
    });
  }
  function admin() {
    if (!cfg.admin) { return null; }
    return get(cfg.admin).then(function (data) {
      var districts = L.geoJSON(data, {pane: "basemapLines", renderer: lines, interactive: false,
        filter: function (f) { return f.properties.level > 1; },
        style: {color: "#a79fb3", weight: 0.6, dashArray: "3 3", fill: false}});
      L.geoJSON(data, {pane: "basemapLines", renderer: lines, interactive: false,
        filter: function (f) { return f.properties.level === 1; },
        style: {color: "#7d7190", weight: 1, fill: false}}).addTo(map);
      function showDistricts() {
        if (map.getZoom() >= 8) { districts.addTo(map); } else { districts.remove(); }
      }
      map.on("zoomend", showDistricts);
      showDistricts();
      areaLabels = data.features.filter(function (f) { return f.properties.level === 1; });
      credit(data.attribution, cfg.adminCredit);
      drawLabels();
    });
  }
  var towns = null, areaLabels = [];
  var labels = L.layerGroup().addTo(map);
  function minPopulation(z) {
    return z <= 3 ? 3000000 : z <= 4 ? 1000000 : z <= 5 ? 300000 : z <= 6 ? 100000
      : z <= 7 ? 30000 : z <= 8 ? 10000 : 0;
  }
  function label(ll, text, cls) {
    var span = document.createElement("span");
    span.className = cls;
    span.textContent = text;
    return L.marker(ll, {pane: "basemapLabels", interactive: false, keyboard: false,
      icon: L.divIcon({className: "basemap-label-icon", html: span, iconSize: null})});
  }
  function drawLabels() {
    labels.clearLayers();
    var z = map.getZoom(), view = map.getBounds().pad(0.1), max = 160;
    // The incidents' aggregates and counts first: no label runs into them.
    var placed = window.IncidentMap && window.IncidentMap.obstacles
      ? window.IncidentMap.obstacles(map) : [];
    var limit = max + placed.length, origin = map.getContainer().getBoundingClientRect();
    function free(p) {
      for (var k = 0; k < placed.length; k++) {
        var q = placed[k];
        if (Math.abs(q.x - p.x) < (q.w + p.w) / 2 + 3 &&
            Math.abs(q.y - p.y) < (q.h + p.h) / 2 + 2) { return false; }
      }
      return true;
    }
    // A label is kept where its box, as drawn, overlaps nothing placed before.
    function put(ll, text, cls) {
      var marker = label(ll, text, cls).addTo(labels);
      var r = marker.getElement().firstChild.getBoundingClientRect();
      var box = {x: r.left - origin.left + r.width / 2, y: r.top - origin.top + r.height / 2,
                 w: r.width, h: r.height};
      if (free(box)) { placed.push(box); return true; }
      labels.removeLayer(marker);
      return false;
    }
    // Big towns, then the names of admin areas, then smaller towns: a town's label
    // right of its dot, else left of it, above or below it; else not drawn.
    var big = minPopulation(z - 1), least = minPopulation(z);
    var sides = ["", " basemap-left", " basemap-above", " basemap-below"];
    // The nearest aggregate whose circle holds a town's dot or nearly (an aggregate sits at
    // the mean of its incidents, not on the town), if it has no name yet.
    function holder(ll) {
      var c = map.latLngToContainerPoint(ll), best = null, dist = Infinity;
      for (var k = 0; k < placed.length; k++) {
        var q = placed[k], d = Math.sqrt(Math.pow(q.x - c.x, 2) + Math.pow(q.y - c.y, 2));
        if (q.aggregate && !q.named && d <= q.w / 2 + 12 && d < dist) { best = q; dist = d; }
      }
      return best;
    }
    // A big town under an aggregate is named below the aggregate's circle, else above it
    // (one name per aggregate, the biggest town's): at country zoom the aggregates cover
    // the cities, which would otherwise have no label until they are split apart.
    function nameHolder(ll, text) {
      var q = holder(ll);
      if (!q) { return false; }
      var spots = [[0, q.h / 2, " basemap-below"], [0, -q.h / 2, " basemap-above"],
                   [q.w / 2, 0, " basemap-side"], [-q.w / 2, 0, " basemap-left"]];
      for (var k = 0; k < spots.length; k++) {
        var at = map.containerPointToLatLng([q.x + spots[k][0], q.y + spots[k][1]]);
        if (put(at, text, "basemap-town basemap-held" + spots[k][2])) {
          q.named = true;
          return true;
        }
      }
      return false;
    }
    function placeTowns(from, to, held) {
      for (var i = 0; towns && i < towns.name.length && placed.length < limit; i++) {
        if (towns.pop[i] >= to) { continue; }
        if (towns.pop[i] < from) { break; }
        var ll = [towns.lat[i], towns.lon[i]];
        if (!view.contains(ll)) { continue; }
        var s = 0;
        for (; s < sides.length; s++) {
          if (put(ll, towns.name[i], "basemap-town" + sides[s])) { break; }
        }
        if (s === sides.length && held) { nameHolder(ll, towns.name[i]); }
      }
    }
    placeTowns(big, Infinity, true);
    if (z >= 6 && z <= 8) {
      areaLabels.forEach(function (f) {
        if (view.contains(f.properties.label)) {
          put(f.properties.label, f.properties.name, "basemap-area");
        }
      });
    }
    placeTowns(least, big);
  }
  // The tiles' attribution (e.g. OpenStreetMap) is shown only while one of their tiles
  // is on the map: with the offline basemap alone, only its own sources are credited.
  function creditTiles(layer, shown) {
    var control = map.attributionControl, text = layer.getAttribution();
    if (!control || !text || layer._creditShown === shown) { return; }
    layer._creditShown = shown;
    if (shown) { control.addAttribution(text); } else { control.removeAttribution(text); }
  }
  function start() {
    if (started) { return; }
    started = true;
    map.getContainer().classList.add("basemap-offline");
    tiles.forEach(function (layer) {
      if (!layer._tileLoaded) {
        creditTiles(layer, false);
        layer.once("tileload", function () { creditTiles(layer, true); });
      }
    });
    var jobs = [countries(), admin()];
    if (cfg.towns) {
      jobs.push(get(cfg.towns).then(function (data) { towns = data; drawLabels(); }));
    }
    map.on("zoomend moveend", drawLabels);
    jobs.forEach(function (job) {
      if (job) { job.catch(function (e) { console.warn("basemap:", e); }); }
    });
  }
  var tiles = [];
  map.eachLayer(function (layer) { if (layer instanceof L.TileLayer) { tiles.push(layer); } });
  if (!tiles.length) { start(); }
  tiles.forEach(function (layer) {
    layer.once("tileload", function () {
      layer._tileLoaded = true;
      map.getContainer().classList.add("basemap-tiles");
    });
    layer.once("tileerror", start);
  });
  // A tile server that never answers (its packets dropped) gives no tile error for
  // minutes, and the map stays a blank grey box: without a tile by then, start anyway.
  if (tiles.length) {
    setTimeout(function () {
      if (!tiles.some(function (layer) { return layer._tileLoaded; })) { start(); }
    }, cfg.wait);
  }
  window.incidentBasemap = {start: start, labels: labels, redraw: drawLabels};
})({{ this._parent.get_name() }});
{% endmacro %}
"""
    )

    def __init__(self, settings: Settings, out_dir: Path = BASEMAP_DIR) -> None:
        super().__init__()
        self._name = "OfflineBasemap"
        prefix = "/" + settings.static_url.strip("/") + "/"
        served = prefix + "basemap/"
        admin = ensure_admin_file(settings, out_dir)
        towns = ensure_towns_file(settings, out_dir)
        self.config = json.dumps(
            {
                "countries": prefix + COUNTRIES_URL,
                "admin": served + admin if admin else None,
                "towns": served + towns if towns else None,
                "credit": NATURAL_EARTH,
                "adminCredit": admin_short_credit(settings.admin_paths),
                "wait": TILE_WAIT_MS,
                "above": LABELS_ABOVE_ZOOM,
            }
        )


BASEMAP_CSS = """
<style>
.leaflet-container.basemap-offline{background:#dde8ee}
.basemap-credits{cursor:pointer}
.basemap-credits-full{display:none}
.basemap-credits-open .basemap-credits-full{display:block;max-width:360px;white-space:normal;
 font-size:10px;line-height:1.3;margin-top:2px}
.basemap-label-icon{background:none;border:none}
.basemap-tiles .leaflet-basemapLabels-pane{z-index:160!important}
.basemap-town{position:relative;left:-3px;top:-3px;white-space:nowrap;
 font:11px/1.1 sans-serif;color:#333;text-shadow:0 0 2px #fff,0 0 2px #fff,0 0 2px #fff}
.basemap-town::before{content:"";display:inline-block;width:5px;height:5px;margin-right:3px;
 border-radius:50%;background:#555;vertical-align:middle}
.basemap-town.basemap-left,.basemap-town.basemap-above,.basemap-town.basemap-below{
 position:absolute;left:auto;top:auto}
.basemap-town.basemap-left{right:-4px;top:-8px}
.basemap-town.basemap-left::before,.basemap-town.basemap-above::before,
.basemap-town.basemap-below::before{display:none}
.basemap-town.basemap-left::after{content:"";display:inline-block;width:5px;height:5px;
 margin-left:3px;border-radius:50%;background:#555;vertical-align:middle}
.basemap-town.basemap-above{bottom:3px;left:0;transform:translateX(-50%)}
.basemap-town.basemap-below{top:3px;left:0;transform:translateX(-50%)}
.basemap-town.basemap-held{font-weight:600;color:#222}
.basemap-town.basemap-held::before,.basemap-town.basemap-held::after{display:none}
.basemap-town.basemap-held.basemap-side{left:3px;top:-7px}
.basemap-town.basemap-held.basemap-left{right:3px;top:-7px}
.basemap-area{display:inline-block;transform:translate(-50%,-50%);white-space:nowrap;
 font:italic 12px/1 sans-serif;color:#6d6280;letter-spacing:.5px;
 text-shadow:0 0 2px #fff,0 0 2px #fff}
</style>
"""


def main(argv: Sequence[str] | None = None) -> int:
    """Write the basemap files of the configured settings (run at set-up)."""
    parser = argparse.ArgumentParser(
        prog="python -m geo.render.basemap",
        description="Write the offline basemap's town labels and admin layer to static/basemap.",
    )
    parser.add_argument("--out", type=Path, default=BASEMAP_DIR)
    args = parser.parse_args(argv)
    settings = load_settings()
    towns = write_towns(settings, args.out)
    admin = ensure_admin_file(settings, args.out)
    print(f"[setup] basemap: towns {towns or 'skipped (no gazetteer index)'}, admin {admin}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
