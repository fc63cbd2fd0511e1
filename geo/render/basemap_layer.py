"""The offline basemap as a Leaflet layer: land, borders, admin areas and town labels,
drawn under the tiles (the files it reads are written by :mod:`geo.render.basemap`).

Town labels never overlap: each is placed clear of the incidents' aggregates and counts,
and of the places' circles where it can (``static/map/aggregates.js`` gives their boxes);
the governorates' seats are named first at country zoom (:mod:`geo.render.town_seats`).
Labels also stay clear of the map's controls and inside its edges, and are laid out again
when the map or one of its control corners changes size.
"""

from __future__ import annotations

import json
from pathlib import Path

from branca.element import MacroElement
from jinja2 import Template

from geo.render.basemap import (
    BASEMAP_DIR,
    COUNTRIES_URL,
    LABELS_ABOVE_ZOOM,
    NATURAL_EARTH,
    TILE_WAIT_MS,
    admin_short_credit,
    ensure_admin_file,
    ensure_towns_file,
)
from geo.settings import Settings


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
  // Further out, above the places' circles (the overlay pane, 400: a big opaque circle
  // hid Tartus and Baniyas, trial of issue 14) and under the aggregates (600), whose
  // counts stay readable. Once the configured tiles show (they have labels of their
  // own), under the tiles.
  map.createPane("basemapLabels").style.pointerEvents = "none";
  function labelsAbove() {
    map.getPane("basemapLabels").style.zIndex = map.getZoom() >= cfg.above ? 640 : 450;
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
  var boxes = {};  // per class and text: the label's box relative to its marker's point
  if (document.fonts && document.fonts.addEventListener) {  // a font arrived: sizes change
    document.fonts.addEventListener("loadingdone", function () { boxes = {}; });
  }
  var labels = L.layerGroup().addTo(map);
  // The map's controls (zoom, draw toolbar, scale, credits, legend) are obstacles: a label
  // under one was unreadable (Latakia under the draw toolbar, Dar'a and As-Suwayda under
  // the scale bar at 1400x900, trial26). Their boxes are read at every layout: a few
  // elements, read after the page is laid out anyway (the map's own box just before).
  var EDGE = 2;
  function controlBoxes(origin) {
    var out = [], all = map.getContainer().querySelectorAll(".leaflet-control");
    for (var k = 0; k < all.length; k++) {
      var r = all[k].getBoundingClientRect();
      if (r.width && r.height) {
        out.push({x: r.left - origin.left + r.width / 2, y: r.top - origin.top + r.height / 2,
                  w: r.width, h: r.height, control: true});
      }
    }
    return out;
  }
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
    var origin = map.getContainer().getBoundingClientRect(), size = map.getSize();
    placed = placed.concat(controlBoxes(origin));
    var limit = max + placed.length;
    // A place's circle is a soft obstacle: a label goes clear of it where it can, else
    // over it (labels are drawn above the circles), never under an aggregate, a count or
    // one of the map's controls, nor past the map's edge.
    function free(p, soft) {
      if (p.x - p.w / 2 < EDGE || p.x + p.w / 2 > size.x - EDGE ||
          p.y - p.h / 2 < EDGE || p.y + p.h / 2 > size.y - EDGE) { return false; }
      for (var k = 0; k < placed.length; k++) {
        var q = placed[k];
        if (q.soft && !soft) { continue; }
        if (Math.abs(q.x - p.x) < (q.w + p.w) / 2 + 3 &&
            Math.abs(q.y - p.y) < (q.h + p.h) / 2 + 2) { return false; }
      }
      return true;
    }
    // A label's box is measured once (each measure lays the page out) and kept relative
    // to the point its marker is drawn at: it depends on its text and class, not on where
    // it is (the labels are drawn again after every change of the incidents' layer).
    function anchor(ll) {
      return map.layerPointToContainerPoint(map.latLngToLayerPoint(ll).round());
    }
    function measured(ll, text, cls) {  // [the box relative to ll, the marker drawn or null]
      var key = cls + "|" + text, rel = boxes[key], marker = null;
      if (!rel) {
        var at = anchor(ll);
        marker = label(ll, text, cls).addTo(labels);
        var r = marker.getElement().firstChild.getBoundingClientRect();
        rel = {dx: r.left - origin.left + r.width / 2 - at.x,
               dy: r.top - origin.top + r.height / 2 - at.y, w: r.width, h: r.height};
        // not while the panes are scaled, nor a box of no size (a frame not laid out):
        // kept, it would hide its label at every later layout (the map's edge)
        if (!map._animatingZoom && r.width && r.height) { boxes[key] = rel; }
      }
      return [rel, marker];
    }
    // A label is kept where its box, as drawn, overlaps nothing placed before (with
    // `soft`, no place's circle either).
    // A label centred above or below its point slides along the map's side, by up to half
    // its width, rather than run past it (Al Qunaytirah by the left side of a 1100 px
    // window, its other sides taken by Damascus' and Dar'a's names, trial26).
    function slide(box, cls) {
      if (!/basemap-(above|below)/.test(cls)) { return 0; }
      var lo = EDGE - (box.x - box.w / 2), hi = size.x - EDGE - (box.x + box.w / 2);
      var dx = lo > 0 ? Math.ceil(lo) : hi < 0 ? Math.floor(hi) : 0;
      return Math.abs(dx) <= box.w / 2 ? dx : 0;
    }
    function put(ll, text, cls, soft) {
      var m = measured(ll, text, cls), at = anchor(ll);
      var box = {x: at.x + m[0].dx, y: at.y + m[0].dy, w: m[0].w, h: m[0].h};
      var dx = slide(box, cls);
      box.x += dx;
      if (free(box, soft)) {
        placed.push(box);
        if (dx && m[1]) { labels.removeLayer(m[1]); }
        if (dx) {
          label(map.containerPointToLatLng([at.x + dx, at.y]), text, cls).addTo(labels);
        } else if (!m[1]) { label(ll, text, cls).addTo(labels); }
        return true;
      }
      if (m[1]) { labels.removeLayer(m[1]); }
      return false;
    }
    // The first free spot (clear of the places' circles too, unless `over`) on rings around
    // a point, from r0 to r1 pixels out: below, above, right, left, then the diagonals. The
    // label is measured once and its boxes computed, not drawn at every spot.
    var ANGLES = [4, 12, 0, 8, 2, 6, 10, 14, 3, 5, 11, 13, 1, 7, 9, 15];
    function ring(cx, cy, r0, r1, text, cls, over) {
      var m = measured(map.getCenter(), text, cls), r = {width: m[0].w, height: m[0].h};
      if (m[1]) { labels.removeLayer(m[1]); }
      for (var d = r0; d <= r1; d += 8) {
        for (var k = 0; k < ANGLES.length; k++) {
          var a = (ANGLES[k] * Math.PI) / 8;
          var box = {x: cx + d * Math.cos(a), y: cy + d * Math.sin(a), w: r.width, h: r.height};
          if (free(box, !over)) {
            label(map.containerPointToLatLng([box.x, box.y]), text, cls).addTo(labels);
            placed.push(box);
            return true;
          }
        }
      }
      return false;
    }
    // The place's circle a town's dot lies in, if any.
    function circleAt(ll) {
      var c = map.latLngToContainerPoint(ll);
      for (var k = 0; k < placed.length; k++) {
        var q = placed[k];
        if (q.soft && Math.hypot(q.x - c.x, q.y - c.y) <= q.w / 2) { return q; }
      }
      return null;
    }
    // A town's label right of its dot, else left of it, above or below it, clear of the
    // places' circles; else just outside the circle its dot lies in; else over a circle.
    function beside(ll, text) {
      for (var pass = 0; pass < 2; pass++) {
        for (var s = 0; s < sides.length; s++) {
          if (put(ll, text, "basemap-town" + sides[s], pass === 0)) { return true; }
        }
        var q = pass === 0 ? circleAt(ll) : null;
        if (q && ring(q.x, q.y, q.w / 2 + 4, q.w / 2 + 28, text,
                      "basemap-town basemap-centred")) { return true; }
      }
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
        var q = placed[k], d = Math.hypot(q.x - c.x, q.y - c.y);
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
      // clear of the places' circles first, a little further out; then over them
      for (var k = 0; k < 2 * spots.length; k++) {
        var spot = spots[k % spots.length];
        var at = map.containerPointToLatLng([q.x + spot[0], q.y + spot[1]]);
        if (put(at, text, "basemap-town basemap-held" + spot[2], k < spots.length) ||
            (k === spots.length - 1 && ring(q.x, q.y, q.h / 2 + 8, q.h / 2 + 32, text,
                                            "basemap-town basemap-held basemap-centred"))) {
          q.named = true;
          return true;
        }
      }
      return false;
    }
    // A governorate's seat with no spot beside its dot or its aggregate: the nearest free
    // spot around the dot, ring after ring (Hama at zoom 7 among Homs', Idlib's and
    // Salamiyah's aggregates, trial of issue 14), named in bold as beside an aggregate;
    // else over the places' circles (Al Qunaytirah at the map's left edge, its right side
    // taken by Damascus' label, in a 1100 px window, trial26).
    function nameNear(ll, text) {
      var c = map.latLngToContainerPoint(ll), cls = "basemap-town basemap-held basemap-centred";
      return ring(c.x, c.y, 12, 112, text, cls) || ring(c.x, c.y, 12, 112, text, cls, true);
    }
    var seats = towns && towns.seat, seated = {};
    function placeTowns(from, to, held) {
      for (var i = 0; towns && i < towns.name.length && placed.length < limit; i++) {
        if (towns.pop[i] >= to || seated[i]) { continue; }
        if (towns.pop[i] < from) { break; }
        var ll = [towns.lat[i], towns.lon[i]];
        if (!view.contains(ll)) { continue; }
        if (!beside(ll, towns.name[i]) && held) { nameHolder(ll, towns.name[i]); }
      }
    }
    // The governorates' seats first, from zoom 6 to the zoom of local labels, whatever
    // their size (see geo/render/town_seats.py), if their dot is on the map (a seat's
    // label kept inside the map, its dot past the edge, would name another spot).
    function nameSeats(order) {  // the seats left unnamed
      return order.filter(function (i) {
        var ll = [towns.lat[i], towns.lon[i]], text = towns.name[i];
        seated[i] = beside(ll, text) || nameHolder(ll, text) || nameNear(ll, text);
        return !seated[i];
      });
    }
    if (seats && z >= 6 && z < cfg.above) {
      var onMap = map.getBounds(), order = [], base = placed.length;
      for (var i = 0; i < towns.name.length; i++) {
        if (seats[i] && onMap.contains([towns.lat[i], towns.lon[i]])) { order.push(i); }
      }
      var missed = nameSeats(order);
      // Seats are the last labels hidden: one left unnamed is named first on a second try,
      // the others after it (Al Qunaytirah at the map's left edge in a 1100 px window,
      // its right side taken by Damascus' name, its other sides off the map or under
      // Damascus' aggregate, trial26); the try that names more seats is kept.
      if (missed.length) {
        var again = function (first) {
          labels.clearLayers();
          placed.length = base;
          placed.forEach(function (q) { q.named = false; });
          seated = {};
          return nameSeats(first.concat(order.filter(function (i) {
            return first.indexOf(i) < 0; })));
        };
        if (again(missed).length > missed.length) { again([]); }
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
    // Laid out again when the map or one of its control corners changes size (a narrower
    // window, the legend or the credits opened): once per frame at most.
    var pending = false;
    function relayout() {
      if (pending) { return; }
      pending = true;
      L.Util.requestAnimFrame(function () { pending = false; drawLabels(); });
    }
    map.on("resize", relayout);
    if (window.ResizeObserver) {
      var watch = new ResizeObserver(relayout);
      map.getContainer().querySelectorAll(".leaflet-control-container > div")
        .forEach(function (corner) { watch.observe(corner); });
    }
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
  window.incidentBasemap = {start: start, labels: labels, redraw: drawLabels,
    remeasure: function () { boxes = {}; drawLabels(); }};
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
