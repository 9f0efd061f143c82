/* SLA dashboard: draws its charts as inline SVG (no library) from the summary JSON and refreshes
   the tiles and charts every minute without reloading the page. */
(function () {
  "use strict";
  var NS = "http://www.w3.org/2000/svg";
  var script = document.currentScript;
  var dataUrl = script.getAttribute("data-url");
  var L = JSON.parse(document.getElementById("dash-labels").textContent);
  var COLORS = { brand: "#0b4f9c", ok: "#17803d", warn: "#b35900", bad: "#c0141c", grid: "#dde2ea", muted: "#555", line2: "#7a3fb0" };

  function el(name, attrs, text) {
    var node = document.createElementNS(NS, name);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function svg(container, w, h) {
    container.innerHTML = "";
    var s = el("svg", { viewBox: "0 0 " + w + " " + h, width: "100%", preserveAspectRatio: "xMidYMid meet" });
    container.appendChild(s);
    return s;
  }
  function niceMax(v) {
    if (v <= 0) return 1;
    var p = Math.pow(10, Math.floor(Math.log10(v))), n = v / p;
    return (n <= 1 ? 1 : n <= 2 ? 2 : n <= 5 ? 5 : 10) * p;
  }
  function empty(container) {
    container.innerHTML = '<p class="muted">' + L.none + "</p>";
  }

  /* Horizontal ranked bars: items [{label, value, title}] */
  function hbars(container, items, color) {
    if (!items.length || items.every(function (i) { return !i.value; })) return empty(container);
    var rowH = 26, left = 150, w = 480, h = items.length * rowH + 10;
    var s = svg(container, w, h), max = niceMax(Math.max.apply(null, items.map(function (i) { return i.value; })));
    items.forEach(function (it, i) {
      var y = 5 + i * rowH, bw = (w - left - 50) * it.value / max;
      s.appendChild(el("text", { x: left - 6, y: y + 17, "text-anchor": "end", "font-size": 13, fill: "#111" }, it.label));
      var r = el("rect", { x: left, y: y + 3, width: Math.max(bw, 1), height: rowH - 8, fill: color, rx: 3 });
      r.appendChild(el("title", {}, it.label + ": " + it.value));
      s.appendChild(r);
      s.appendChild(el("text", { x: left + bw + 5, y: y + 17, "font-size": 13, fill: "#111" }, String(it.value)));
    });
  }

  /* 30-day trend: intake bars (left axis) and on-time rate lines (right axis, 0–100 %) */
  function trend(container, days) {
    if (!days || !days.length) return empty(container);
    var w = 480, h = 230, l = 40, r = 40, t = 12, b = 28, cw = w - l - r, ch = h - t - b;
    var s = svg(container, w, h);
    var max = niceMax(Math.max.apply(null, days.map(function (d) { return d.complaints; })));
    var step = cw / days.length;
    for (var g = 0; g <= 4; g++) {
      var gy = t + ch - ch * g / 4;
      s.appendChild(el("line", { x1: l, x2: l + cw, y1: gy, y2: gy, stroke: COLORS.grid }));
      s.appendChild(el("text", { x: l - 5, y: gy + 4, "text-anchor": "end", "font-size": 11, fill: COLORS.muted }, String(Math.round(max * g / 4))));
      s.appendChild(el("text", { x: l + cw + 5, y: gy + 4, "font-size": 11, fill: COLORS.muted }, (25 * g) + "%"));
    }
    days.forEach(function (d, i) {
      var bh = ch * d.complaints / max, x = l + i * step;
      var bar = el("rect", { x: x + 1, y: t + ch - bh, width: Math.max(step - 2, 1), height: bh, fill: "#9db8dc" });
      bar.appendChild(el("title", {}, d.date + ": " + d.complaints));
      s.appendChild(bar);
      if (i % 5 === 0 || i === days.length - 1) {
        s.appendChild(el("text", { x: x + step / 2, y: h - 8, "text-anchor": "middle", "font-size": 11, fill: COLORS.muted }, d.date.slice(5)));
      }
    });
    [["ack_rate", COLORS.ok], ["resolve_rate", COLORS.line2]].forEach(function (pair) {
      var pts = [];
      days.forEach(function (d, i) {
        if (d[pair[0]] !== null && d[pair[0]] !== undefined) pts.push((l + i * step + step / 2).toFixed(1) + "," + (t + ch - ch * d[pair[0]]).toFixed(1));
      });
      if (pts.length) s.appendChild(el("polyline", { points: pts.join(" "), fill: "none", stroke: pair[1], "stroke-width": 2.5 }));
    });
    legend(container, [[L.intake, "#9db8dc"], [L.ack_rate, COLORS.ok], [L.resolve_rate, COLORS.line2]]);
  }

  function legend(container, entries) {
    var p = document.createElement("p");
    p.className = "legend";
    entries.forEach(function (e) {
      var span = document.createElement("span");
      var swatch = document.createElement("i");
      swatch.style.background = e[1];  // CSSOM, not a style attribute: allowed by the CSP
      span.appendChild(swatch);
      span.appendChild(document.createTextNode(e[0]));
      p.appendChild(span);
    });
    container.appendChild(p);
  }

  /* Arrival: per area, the average bar against the target tick, the ceiling as a dashed tick */
  function arrival(container, areas) {
    if (!areas.some(function (a) { return a.orders; })) return empty(container);
    var rowH = 56, left = 70, w = 480, h = areas.length * rowH + 10, cw = w - left - 120;
    var s = svg(container, w, h);
    var max = niceMax(Math.max.apply(null, areas.map(function (a) { return Math.max(a.ceiling_minutes, a.avg_arrive_minutes || 0); })));
    areas.forEach(function (a, i) {
      var y = 8 + i * rowH, sc = function (m) { return left + cw * m / max; };
      s.appendChild(el("text", { x: left - 8, y: y + 20, "text-anchor": "end", "font-size": 14, fill: "#111" }, L.areas[a.area_type] || a.area_type));
      s.appendChild(el("rect", { x: left, y: y + 6, width: cw, height: 20, fill: "#eef1f6" }));
      if (a.avg_arrive_minutes !== null) {
        var bar = el("rect", { x: left, y: y + 6, width: sc(a.avg_arrive_minutes) - left, height: 20, rx: 3,
          fill: a.within_target ? COLORS.ok : (a.avg_arrive_minutes <= a.ceiling_minutes ? COLORS.warn : COLORS.bad) });
        bar.appendChild(el("title", {}, L.avg + ": " + a.avg_arrive_minutes));
        s.appendChild(bar);
      }
      s.appendChild(el("line", { x1: sc(a.target_minutes), x2: sc(a.target_minutes), y1: y + 1, y2: y + 31, stroke: "#111", "stroke-width": 3 }));
      s.appendChild(el("line", { x1: sc(a.ceiling_minutes), x2: sc(a.ceiling_minutes), y1: y + 1, y2: y + 31, stroke: COLORS.bad, "stroke-width": 2, "stroke-dasharray": "4 3" }));
      s.appendChild(el("text", { x: left + cw + 8, y: y + 20, "font-size": 13, fill: "#111" },
        (a.avg_arrive_minutes === null ? "—" : a.avg_arrive_minutes) + " / " + a.target_minutes + " min"));
      s.appendChild(el("text", { x: left, y: y + 45, "font-size": 12, fill: a.ceiling_breaches ? COLORS.bad : COLORS.muted },
        L.breaches + ": " + a.ceiling_breaches + " · " + a.arrived + "/" + a.orders));
    });
    legend(container, [[L.avg, COLORS.ok], [L.target, "#111"], [L.ceiling, COLORS.bad]]);
  }

  function get(obj, path) {
    return path.split(".").reduce(function (o, k) { return o === null || o === undefined ? o : o[k]; }, obj);
  }
  function fmt(v, f) {
    if (f === "pct") return v === null || v === undefined ? "—" : (v * 100).toFixed(1) + "%";
    return v === null || v === undefined ? "—" : String(v);
  }

  function render(data) {
    document.querySelectorAll("[data-path]").forEach(function (node) {
      node.textContent = fmt(get(data, node.getAttribute("data-path")), node.getAttribute("data-format"));
    });
    var upd = document.getElementById("dash-updated");
    if (upd && data.generated_at) upd.textContent = data.generated_at.slice(11, 16);
    if (data.inbox_count !== undefined) document.getElementById("inbox-count").textContent = data.inbox_count;
    trend(document.getElementById("chart-trend"), data.trend);
    hbars(document.getElementById("chart-stations"), data.by_station.map(function (x) {
      return { label: x.station + " " + x.name, value: x.breached };
    }).sort(function (a, b) { return b.value - a.value; }), COLORS.bad);
    hbars(document.getElementById("chart-categories"), data.by_category_class.map(function (x) {
      return { label: document.documentElement.lang === "en" && x.name_en ? x.name_en : x.name, value: x.complaints };
    }), COLORS.brand);
    arrival(document.getElementById("chart-arrival"), data.arrival);
  }

  function refresh() {
    fetch(dataUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (data) { document.body.classList.remove("stale"); render(data); })
      .catch(function () { document.body.classList.add("stale"); });
  }

  function csrf() {
    var m = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    return m ? decodeURIComponent(m[1]) : "";
  }
  /* Approve an extension through the complaints API (used when the page has no server action). */
  document.querySelectorAll(".js-approve").forEach(function (btn) {
    btn.addEventListener("click", function () {
      var li = btn.closest("li"), out = li.querySelector(".ext-result");
      btn.disabled = true;
      fetch(btn.getAttribute("data-url"), {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrf(), Accept: "application/json" },
        body: JSON.stringify({ due_at: btn.getAttribute("data-due") })
      }).then(function (r) {
        if (!r.ok) throw new Error(r.status);
        out.textContent = L.approved; li.classList.add("done");
      }).catch(function (e) { out.textContent = L.failed + " (" + e.message + ")"; btn.disabled = false; });
    });
  });

  render(JSON.parse(document.getElementById("dash-data").textContent));
  window.dashboardRefresh = refresh;
  window.setInterval(refresh, 60000);
})();
