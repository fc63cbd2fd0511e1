/* Incident Map: draws the incidents of one map position (aggregates and places).
 *
 * The server sends, on every rerun, what is on screen: aggregates (cells holding
 * several places) and single places (see geo/render/clusters.py). This script draws
 * them into the feature group streamlit-folium adds, and frees the groups of earlier
 * reruns (streamlit-folium removes them from the map but keeps them referenced in
 * window.feature_group, which made the browser's memory grow with every change).
 *
 * Every text from the data is set through textContent, never as HTML.
 */
(function () {
  "use strict";

  function fmt(n) {
    if (n >= 1e6) { return (n / 1e6).toFixed(n >= 1e7 ? 0 : 1) + "M"; }
    if (n >= 1e4) { return Math.round(n / 1e3) + "k"; }
    if (n >= 1e3) { return (n / 1e3).toFixed(1) + "k"; }
    return String(n);
  }

  // One formatter: Number.toLocaleString makes a new one per call (it took 30-90 ms of
  // every redraw at 1,000,000 incidents); the text is the same.
  var THOUSANDS = new Intl.NumberFormat("en-US");
  function thousands(n) {
    return THOUSANDS.format(n);
  }

  function day(value) {
    return new Date(value * 86400000).toISOString().slice(0, 10);
  }

  /* CSS conic gradient of the event-type shares of one aggregate. */
  function ring(pairs, total, colors) {
    var at = 0, stops = [];
    for (var i = 0; i < pairs.length; i += 2) {
      var from = at, to = at + (100 * pairs[i + 1]) / total;
      stops.push(colors[pairs[i]] + " " + from.toFixed(2) + "% " + to.toFixed(2) + "%");
      at = to;
    }
    return "conic-gradient(" + stops.join(",") + ")";
  }

  function line(parent, text, cls) {
    var div = document.createElement("div");
    if (cls) { div.className = cls; }
    div.textContent = text;
    parent.appendChild(div);
    return div;
  }

  function range(lo, hi) {
    return lo === hi ? String(lo) : lo + "\u2013" + hi;
  }

  /* A range whose top is open (some incidents give a low and no high figure: "at least
   * 16") reads "at least L" or "L\u2013H or more", as the totals under the map do. */
  function openRange(lo, hi, open) {
    if (!open) { return range(lo, hi); }
    return lo === hi ? "at least " + lo : lo + "\u2013" + hi + " or more";
  }

  /* Incidents shown because their dates overlap the dates chosen (a month, a year, a
   * range) may start before them or end after them: say so, with how far they run. */
  function spans(root, a, i) {
    var parts = [];
    if (a.eb[i] !== null) {
      parts.push("start before " + day(a.dr[0]) + " (from " + day(a.eb[i]) + ")");
    }
    if (a.la[i] !== null) {
      parts.push("end after " + day(a.dr[1]) + " (to " + day(a.la[i]) + ")");
    }
    if (parts.length) {
      line(root, "Some incidents' dates " + parts.join(" and some ") +
        ": they are shown because their dates overlap the dates chosen.", "note dates-note");
    }
  }

  /* The places holding most of aggregate i's incidents: "Aleppo 412 \u00b7 Manbij 37". */
  function topPlaces(root, a, i) {
    var top = a.tp[i], parts = [], shown = top.length / 2;
    for (var j = 0; j < top.length; j += 2) {
      parts.push(top[j] + " " + thousands(top[j + 1]));
    }
    var others = a.tpn && a.tpn[i] !== null ? a.tpn[i] - shown : 0;
    line(root, "Most incidents: " + parts.join(" \u00b7 ") +
      (others > 0 ? " (and " + thousands(others) + " other place" + (others > 1 ? "s" : "") +
        ")" : ""), "places");
  }

  /* One claimant's killed total: [claimant, incidents, giving a figure, low, high,
   * giving only a low, best estimate, giving one], as the Totals tab words it. */
  function claimantTotal(c) {
    var n = c[1], known = c[2], best = c[6], withBest = c[7], text;
    if (!known && !withBest) { return "no figure given"; }
    var span = openRange(thousands(c[3]), thousands(c[4]), c[5] > 0);
    if (withBest === n) {
      text = "best estimate " + thousands(best) + " (low\u2013high " + span + ")";
    } else if (withBest > 0) {
      text = "best estimate " + thousands(best) + " for " + thousands(withBest) + " of " +
        thousands(n) + " incidents (" + thousands(n - withBest) + " give none); low\u2013high " +
        span;
    } else {
      text = "low\u2013high " + span;
    }
    if (known < n) {
      text += "; " + thousands(n - known) + " of " + thousands(n) + " give no killed figure";
    }
    return text;
  }

  /* A place's civilian deaths of one claimant, where its incidents give them:
   * [..., civilian deaths, incidents giving them] after the killed figures. */
  function civilians(c) {
    var n = c[1], civ = c[8], given = c[9];
    if (!given) { return ""; }
    return "; civilian deaths " + thousands(civ) +
      (given < n ? " (given for " + thousands(given) + " of " + thousands(n) + ")" : "");
  }

  /* Killed per claimant (names: the claimants' names; per: numbers per claimant, 8, or
   * 10 with a place's civilian deaths): one total when they share one claimant, else
   * one line per claimant, never added together. */
  function claimantTotals(root, names, entries, per) {
    per = per || 8;
    var extra = per > 8 ? civilians : function () { return ""; };
    if (entries.length === per) {
      line(root, "Killed, according to " + names[entries[0]] + ": " + claimantTotal(entries) +
        extra(entries), "total");
      return;
    }
    line(root, "Killed, per claimant (figures of different claimants are not added):",
      "total");
    for (var j = 0; j < entries.length; j += per) {
      var c = entries.slice(j, j + per);
      line(root, names[c[0]] + " (" + thousands(c[1]) + " incident" + (c[1] > 1 ? "s" : "") +
        "): " + claimantTotal(c) + extra(c), "total claimant");
    }
  }

  /* The first and last day of aggregate or place i (a: its arrays), within the dates
   * chosen, with the incidents that run over them named. */
  function dateLine(root, a, i) {
    if (a.df && a.df[i] !== null) {
      line(root, (a.df[i] === a.dt[i] ? day(a.df[i]) : day(a.df[i]) + " \u2013 " + day(a.dt[i])) +
        (a.dr && (a.eb[i] !== null || a.la[i] !== null) ? " (within the dates chosen)" : ""));
      if (a.dr) { spans(root, a, i); }
    }
  }

  /* The tooltip of aggregate i: counts, per-incident casualty ranges, breakdowns. */
  function aggregateTip(d, i) {
    var a = d.agg, root = document.createElement("div");
    root.className = "incident-aggregate-tip";
    // npu: place counts summed over pre-aggregated rows (store mode), an upper bound.
    line(root, thousands(a.n[i]) + " incidents at " + thousands(a.np[i]) + " places" +
         (a.npu ? " at most" : ""), "head");
    if (a.npu && a.np[i] > 1) {
      line(root, "Places are counted from the store's summary rows: a place with " +
        "incidents of several types, claim statuses or months counts once in each, so " +
        "there may be fewer.", "note");
    }
    dateLine(root, a, i);
    if (a.tp && a.tp[i] && a.tp[i].length) { topPlaces(root, a, i); }
    if (a.kc && a.kc[i] && a.kc[i].length) { claimantTotals(root, a.cn, a.kc[i], 8); }
    if (a.dlo) {
      line(root, "Deaths per claimant and the top places are given for views of up to " +
        thousands(a.dlo) + " incidents around the map: zoom in or narrow the filters.", "note");
    }
    var figures = [["killed", "Killed"], ["injured", "Injured"], ["casualties", "Dead and injured"]];
    figures.forEach(function (f) {
      // per aggregate: lowest, highest, how many give the figure, of them open-topped
      var r = a[f[0]], k = 4 * i, open = r[k + 3];
      if (r[k + 2] > 0) {
        line(root, f[1] + " per incident: " + openRange(r[k], r[k + 1], open) +
          " (given for " + thousands(r[k + 2]) + " of " + thousands(a.n[i]) +
          (open ? "; " + thousands(open) + (open === 1 ? " gives" : " give") +
            " only a lowest figure, \"at least\"" : "") +
          ")");
      }
    });
    var types = a.t[i], parts = [];
    for (var j = 0; j < types.length; j += 2) {
      parts.push(d.typeNames[types[j]] + " " + thousands(types[j + 1]));
    }
    line(root, "By event type: " + parts.join(" \u00b7 "));
    var claims = a.c[i];
    parts = [];
    for (j = 0; j < claims.length; j += 2) {
      parts.push(d.claimNames[claims[j]] + " " + thousands(claims[j + 1]));
    }
    line(root, "By claim status: " + parts.join(" \u00b7 "));
    // the lines above sum one claimant's incidents: "not added across incidents" contradicted
    // them (trial 24); what is never done is adding different claimants' figures
    line(root, "Totals are sums over one claimant's incidents; figures of different " +
      "claimants are never added together.", "note");
    line(root, "Click to zoom in.", "note");
    return root;
  }

  function tipOf(d, i) {
    return function () { return aggregateTip(d, i); };
  }

  /* The tooltip of single place i: its incidents, dates, deaths (and civilian deaths)
   * per claimant, worded as the aggregates' (trial 24: it gave the count alone). */
  function placeTip(d, i) {
    var p = d.places, root = document.createElement("div");
    root.className = "incident-aggregate-tip incident-place-tip";
    line(root, p.lb[i] + " \u2014 " + thousands(p.n[i]) + " incident" + (p.n[i] > 1 ? "s" : ""),
      "head");
    dateLine(root, p, i);
    if (p.kc && p.kc[i] && p.kc[i].length) {
      claimantTotals(root, p.cn, p.kc[i], 10);
      if (p.kc[i].length > 10 || p.n[i] > 1) {
        line(root, "Totals are sums over one claimant's incidents; figures of different " +
          "claimants are never added together.", "note");
      }
    } else if (d.agg.dlo) {
      line(root, "Deaths per claimant are given for views of up to " + thousands(d.agg.dlo) +
        " incidents around the map: zoom in or narrow the filters.", "note");
    }
    return root;
  }

  function placeTipOf(d, i) {
    return function () { return placeTip(d, i); };
  }

  /* A handler that keeps an aggregate's tooltip whole inside the map: it opens to the
   * right of the marker, to the left where the right has no room, and moves up or down
   * as far as needed (trial of issue 14: cut off at the map's right edge at 1400 px). */
  function inward(map, marker, size) {
    var margin = 4, arrow = 6;  // arrow: the CSS margin of .leaflet-tooltip-left/right
    return function () {
      var tip = marker.getTooltip(), el = tip && tip.getElement();
      if (!el) { return; }
      var box = map.getSize(), at = map.latLngToContainerPoint(marker.getLatLng());
      var w = el.offsetWidth, h = el.offsetHeight, gap = size / 2 + arrow;
      var roomRight = box.x - margin - (at.x + gap), roomLeft = at.x - gap - margin;
      var right = roomRight >= w || (roomLeft < w && roomRight >= roomLeft);
      var dx = 0;
      if (right && roomRight < w) {  // the map is narrower: slide left, not past its edge
        dx = Math.max(roomRight - w, margin - (at.x + gap));
      } else if (!right && roomLeft < w) {
        dx = Math.min(w - roomLeft, box.x - margin - (at.x - gap));
      }
      var top = at.y - h / 2, dy = 0;
      if (top + h > box.y - margin) { dy = box.y - margin - (top + h); }
      if (top + dy < margin) { dy = margin - top; }
      tip.options.direction = right ? "right" : "left";
      tip.options.offset = [(right ? size / 2 : -size / 2) + dx, dy];
      tip.update();
    };
  }

  function drawAggregates(group, map, d) {
    var a = d.agg;
    for (var i = 0; i < a.lat.length; i++) {
      var size = Math.round(Math.min(58, 26 + 9 * Math.log10(a.n[i])));
      var outer = document.createElement("div");
      outer.className = "incident-aggregate-ring";
      outer.style.width = outer.style.height = size + "px";
      outer.style.background = ring(a.t[i], a.n[i], d.colors);
      var inner = document.createElement("span");
      inner.textContent = fmt(a.n[i]);
      outer.appendChild(inner);
      var marker = L.marker([a.lat[i], a.lon[i]], {
        icon: L.divIcon({className: "incident-aggregate", html: outer,
          iconSize: [size, size], iconAnchor: [size / 2, size / 2]}),
        keyboard: false, riseOnHover: true
      });
      marker.feature = {type: "Feature", properties: {kind: "incident-aggregate", count: a.n[i]}};
      // the tooltip's text is made when it opens, not for every aggregate of every redraw
      marker.bindTooltip(tipOf(d, i), {direction: "right", offset: [size / 2, 0]});
      marker.on("tooltipopen", inward(map, marker, size));
      (function (k) {
        marker.on("click", function () {
          var b = a.b.slice(4 * k, 4 * k + 4);
          map.fitBounds([[b[0], b[1]], [b[2], b[3]]], {padding: [60, 60], maxZoom: d.maxZoom});
        });
      })(i);
      marker.addTo(group);
    }
  }

  /* Radius in screen pixels of a circle of `metres` around ll at the map's zoom. */
  function pixels(map, ll, metres) {
    var b = L.latLng(ll).toBounds(2 * metres);
    return Math.abs(map.latLngToLayerPoint(b.getNorthEast()).x -
                    map.latLngToLayerPoint(b.getSouthWest()).x) / 2;
  }

  /* Uncertainty circles of approximate places, drawn only while they stay readable: at
   * close zoom, and while a circle spans at most d.uncPx pixels (wider ones, which would
   * overlap and tint the whole view, show while the pointer is on their marker). */
  function Uncertainty(group, map, maxPx) {
    var circles = [];
    function fits(k) { return pixels(map, circles[k].ll, circles[k].radius) <= maxPx; }
    function update() {
      for (var k = 0; k < circles.length; k++) {
        var item = circles[k], on = item.hover || fits(k);
        if (on && !group.hasLayer(item.circle)) { group.addLayer(item.circle); }
        if (!on && group.hasLayer(item.circle)) { group.removeLayer(item.circle); }
      }
    }
    this.add = function (ll, radius, color, marker) {
      var item = {ll: ll, radius: radius, hover: false, circle: L.circle(ll, {radius: radius,
        color: color, weight: 1, dashArray: "4 4", fillOpacity: 0.02, interactive: false,
        className: "incident-uncertainty"})};
      circles.push(item);
      marker.on("mouseover", function () { item.hover = true; update(); });
      marker.on("mouseout", function () { item.hover = false; update(); });
    };
    this.start = function () {
      update();
      map.on("zoomend", update);
      group.on("remove", function () { map.off("zoomend", update); });
    };
  }

  /* The pane of the places' counts: above the basemap's town labels (640), which sit
   * above the markers at local zoom, and under the tooltips (650); no pointer events. */
  function countPane(map) {
    if (!map.getPane("incidentCounts")) {
      var pane = map.createPane("incidentCounts");
      pane.style.zIndex = 645;
      pane.style.pointerEvents = "none";
    }
    return "incidentCounts";
  }

  /* A place's circle radius on screen: its deaths' size (the server's r), capped by zoom,
   * so that a big toll does not cover the towns around it: Tartus at zoom 8 was a 60 px
   * opaque dark-grey disc over the Tartus and Baniyas labels (trial of issue 14). */
  function placeRadius(map, r) {
    var z = map.getZoom(), cap = z <= 7 ? 12 : z <= 9 ? 16 : z <= 11 ? 22 : 30;
    return Math.min(r, cap);
  }

  /* Its fill: see-through once it is larger than a marker, so that the map (and the
   * town labels, drawn above the circles) shows through it. */
  function placeOpacity(radius, approx) {
    return approx ? 0.3 : radius > 9 ? 0.45 : 0.8;
  }

  function drawPlaces(group, map, d) {
    var p = d.places, circles = new Uncertainty(group, map, d.uncPx);
    for (var i = 0; i < p.lat.length; i++) {
      var ll = [p.lat[i], p.lon[i]], prec = p.p[i], c = d.colors[p.t[i]], approx = prec >= 2;
      var unc = p.u ? p.u[i] : d.unc[prec], radius = placeRadius(map, p.r[i]);
      var marker = L.circleMarker(ll, {radius: radius, color: c, weight: approx ? 2 : 1.5,
        dashArray: approx ? "3 3" : null, fill: true, fillColor: c,
        fillOpacity: placeOpacity(radius, approx), className: "incident-place"});
      marker.feature = {type: "Feature", properties: {kind: "incident-place", count: p.n[i]}};
      // the tooltip's text is made when it opens (see aggregateTip)
      marker.bindTooltip(placeTipOf(d, i));
      marker.on("tooltipopen", inward(map, marker, 2 * radius));
      marker.addTo(group);
      if (d.close && unc > 0) { circles.add(ll, unc, c, marker); }
      if (p.n[i] > 1) {
        L.marker(ll, {interactive: false, keyboard: false, pane: countPane(map), icon: L.divIcon({
          className: "incident-count", iconSize: [28, 14], iconAnchor: [14, -6],
          html: fmt(p.n[i])})}).addTo(group);
      }
    }
    circles.start();
  }

  /* The pane of the selected incident: above the aggregates (the marker pane, 600), so
   * that an aggregate ("21") never covers it (trial 26), under the town labels (640) and
   * the places' counts (645). The pane takes no pointer events, its marker does: a click
   * on it is the selected incident's, not the aggregate's under it (trial 27: the
   * aggregate's count took it and zoomed in). */
  function selectedPane(map) {
    if (!map.getPane("incidentSelected")) {
      var pane = map.createPane("incidentSelected");
      pane.style.zIndex = 630;
      pane.style.pointerEvents = "none";
    }
    return "incidentSelected";
  }

  function drawSelected(group, map, d) {
    var s = d.sel, c = d.colors[s.t], pane = selectedPane(map);
    var unc = s.u !== undefined ? s.u : d.unc[s.p];
    if (unc > 0) {
      L.circle([s.lat, s.lon], {radius: unc, color: "#111", weight: 1.5,
        dashArray: "4 4", fillOpacity: 0.04, interactive: false, pane: pane,
        className: "incident-uncertainty-selected"}).addTo(group);
    }
    var marker = L.circleMarker([s.lat, s.lon], {radius: s.r, color: "#111", weight: 4,
      fill: true, fillColor: c, fillOpacity: 0.9, pane: pane, className: "incident-selected"});
    // clicked, it is its place clicked: the page selects it, or lists the incidents there
    marker.feature = {type: "Feature", properties: {kind: "incident-place", count: 1}};
    // hovered, it shows its place's tooltip: the marker under it no longer gets the hover
    var at = placeAt(d.places, s.lat, s.lon);
    if (at >= 0) {
      marker.bindTooltip(placeTipOf(d, at));
      marker.on("tooltipopen", inward(map, marker, 2 * s.r));
    }
    marker.addTo(group);
  }

  /* The index of the place drawn at this point (within about 10 m), or -1. */
  function placeAt(p, lat, lon) {
    for (var i = 0; i < p.lat.length; i++) {
      if (Math.abs(p.lat[i] - lat) < 1e-4 && Math.abs(p.lon[i] - lon) < 1e-4) { return i; }
    }
    return -1;
  }

  /* Keep only the feature groups still on the map (those of this rerun). */
  function forgetRemovedGroups(map) {
    if (!Array.isArray(window.feature_group)) { return; }
    window.feature_group = window.feature_group.filter(function (g) {
      return map.hasLayer(g);
    });
  }

  /* Boxes (container pixels: centre x, y, width, height) of the aggregates and of the
   * places' counts now drawn: the basemap places its town labels clear of them, so that
   * a count and a town name never run together ("707Aleppo", trial of issue 14). */
  var shown = null;
  function obstacles(map) {
    var boxes = [];
    if (!shown || shown.map !== map) { return boxes; }
    var a = shown.d.agg, p = shown.d.places;
    for (var i = 0; i < a.lat.length; i++) {
      var c = map.latLngToContainerPoint([a.lat[i], a.lon[i]]);
      var size = Math.round(Math.min(58, 26 + 9 * Math.log10(a.n[i])));
      boxes.push({x: c.x, y: c.y, w: size, h: size, aggregate: true});
    }
    for (i = 0; i < p.lat.length; i++) {
      var q = map.latLngToContainerPoint([p.lat[i], p.lon[i]]);
      // the place's circle: a label goes clear of it where it can (soft: else over it)
      var side = 2 * placeRadius(map, p.r[i]);
      boxes.push({x: q.x, y: q.y, w: side, h: side, soft: true});
      if (p.n[i] > 1) {  // the count under the marker (iconAnchor [14, -6], 14 px high)
        boxes.push({x: q.x, y: q.y + 13, w: 28, h: 14});
      }
    }
    return boxes;
  }

  function draw(group, map, d) {
    forgetRemovedGroups(map);
    drawAggregates(group, map, d);
    drawPlaces(group, map, d);
    if (d.sel) { drawSelected(group, map, d); }
    shown = {map: map, d: d};
    // once the group is on the map (streamlit-folium adds it after this script)
    setTimeout(function () {
      if (window.incidentBasemap && window.incidentBasemap.redraw) {
        window.incidentBasemap.redraw();
      }
    }, 0);
  }

  window.IncidentMap = {draw: draw, obstacles: obstacles};
})();
