/* SLA dashboard: the charts drawn with Apache ECharts (its release file from the npm package,
   static/echarts/echarts.min.js, SVG renderer) from the summary JSON; tiles and charts refresh
   every minute without reloading the page. Every text of a chart (axis names, units, legends,
   tooltips) comes from the page's translated labels (#dash-labels). */
(function () {
  "use strict";
  var script = document.currentScript;
  var dataUrl = script.getAttribute("data-url");
  var L = JSON.parse(document.getElementById("dash-labels").textContent);
  var EN = (document.documentElement.lang || "").slice(0, 2) === "en";
  var COLORS = { brand: "#0b4f9c", ok: "#17803d", warn: "#b35900", bad: "#c0141c", grid: "#dde2ea", muted: "#555",
                 line2: "#7a3fb0", intake: "#9db8dc", ink: "#111" };
  var charts = {};
  var FONT = { fontFamily: getComputedStyle(document.body).fontFamily, fontSize: 13 };

  function chart(id) {
    var node = document.getElementById(id);
    if (!window.echarts) {
      node.textContent = L.no_library;
      node.classList.add("chart-missing");
      return null;
    }
    if (!charts[id]) {
      charts[id] = window.echarts.init(node, null, { renderer: "svg", locale: EN ? "EN" : "ZH" });
    }
    return charts[id];
  }
  function empty(id) {
    var c = chart(id);
    if (!c) return;
    c.clear();
    c.setOption({ textStyle: FONT, title: { text: L.none, left: "center", top: "middle",
      textStyle: { color: COLORS.muted, fontSize: 14, fontWeight: "normal" } } });
  }
  /* a phone's narrow chart: the legend wraps to more lines, so the plot leaves it more room */
  function narrow(id) { return document.getElementById(id).clientWidth < 520; }
  function room(id, wide) { return narrow(id) ? wide + 40 : wide; }
  /* category names wrap inside a fixed width (a phone's chart keeps room for its bars), never clipped */
  function nameAxis(id, data) {
    return { type: "category", data: data,
             axisLabel: { width: narrow(id) ? 92 : 180, overflow: "break", lineHeight: 16, interval: 0 } };
  }
  /* a count axis: whole numbers, fewer ticks on a phone so the labels never run into each other */
  function counts(id, extra) {
    return Object.assign({}, countAxis, { splitNumber: narrow(id) ? 3 : 5 }, extra);
  }
  function pct(v) { return v === null || v === undefined ? "—" : (v * 100).toFixed(1) + " %"; }
  function count(v) { return String(v) + " " + L.unit_complaints; }
  function base(extra) {
    var o = { textStyle: FONT, animation: false, legend: { bottom: 0, itemGap: 14, textStyle: FONT },
              tooltip: { confine: true, textStyle: FONT } };
    Object.keys(extra).forEach(function (k) { o[k] = extra[k]; });
    return o;
  }
  var countAxis = { type: "value", minInterval: 1, min: 0, splitLine: { lineStyle: { color: COLORS.grid } },
                    axisLabel: { formatter: function (v) { return Math.round(v) === v ? String(v) : ""; } } };

  /* 30-day trend: intake bars (left axis, whole complaints) and on-time rates (right axis, 0–100 %) */
  function trend(days) {
    var c = chart("chart-trend");
    if (!c) return;
    if (!days || !days.length) return empty("chart-trend");
    var rate = function (key) { return days.map(function (d) { return d[key] === null ? null : Math.round(d[key] * 1000) / 10; }); };
    c.setOption(base({
      grid: { left: 48, right: 56, top: 36, bottom: room("chart-trend", 56) },
      tooltip: { trigger: "axis", confine: true, textStyle: FONT, valueFormatter: undefined,
        formatter: function (items) {
          var out = [items[0].axisValueLabel];
          items.forEach(function (it) {
            var v = it.value === null || it.value === undefined ? "—" : it.seriesIndex === 0 ? count(it.value) : it.value + " %";
            out.push(it.marker + it.seriesName + ": " + v);
          });
          return out.join("<br>");
        } },
      xAxis: { type: "category", data: days.map(function (d) { return d.date.slice(5); }), axisTick: { alignWithLabel: true } },
      yAxis: [Object.assign({ name: L.axis_complaints, nameTextStyle: { align: "left" } }, countAxis),
              { type: "value", name: L.axis_rate, min: 0, max: 100, interval: 25, splitLine: { show: false },
                nameTextStyle: { align: "right" }, axisLabel: { formatter: "{value} %" } }],
      series: [
        { name: L.intake, type: "bar", data: days.map(function (d) { return d.complaints; }), itemStyle: { color: COLORS.intake } },
        { name: L.ack_rate, type: "line", yAxisIndex: 1, data: rate("ack_rate"), connectNulls: true, symbolSize: 5,
          itemStyle: { color: COLORS.ok }, lineStyle: { width: 2.5 } },
        { name: L.resolve_rate, type: "line", yAxisIndex: 1, data: rate("resolve_rate"), connectNulls: true, symbolSize: 5,
          itemStyle: { color: COLORS.line2 }, lineStyle: { width: 2.5 } }
      ]
    }), true);
  }

  /* Every station (zeros included): complaints of the period that missed a deadline, and open ones breached now */
  function stations(rows) {
    var c = chart("chart-stations");
    if (!c) return;
    if (!rows.length) return empty("chart-stations");
    var names = rows.map(function (x) { return x.name; }).reverse();
    c.setOption(base({
      grid: { left: 8, right: 40, top: 24, bottom: 72, containLabel: true },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, confine: true, textStyle: FONT,
                 valueFormatter: function (v) { return count(v); } },
      xAxis: counts("chart-stations", { name: L.unit_complaints, nameLocation: "middle", nameGap: 24 }),
      yAxis: nameAxis("chart-stations", names),
      series: [
        { name: L.breached, type: "bar", data: rows.map(function (x) { return x.breached; }).reverse(),
          itemStyle: { color: COLORS.bad }, label: { show: true, position: "right" } },
        { name: L.breached_now, type: "bar", data: rows.map(function (x) { return x.breached_now; }).reverse(),
          itemStyle: { color: COLORS.warn }, label: { show: true, position: "right" } }
      ]
    }), true);
  }

  /* Complaint classes ranked by intake */
  function categories(rows) {
    var c = chart("chart-categories");
    if (!c) return;
    if (!rows.length || rows.every(function (x) { return !x.complaints; })) return empty("chart-categories");
    var sorted = rows.slice().sort(function (a, b) { return a.complaints - b.complaints; });
    c.setOption(base({
      grid: { left: 8, right: 40, top: 24, bottom: 72, containLabel: true },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, confine: true, textStyle: FONT,
                 valueFormatter: function (v) { return count(v); } },
      xAxis: counts("chart-categories", { name: L.unit_complaints, nameLocation: "middle", nameGap: 24 }),
      yAxis: nameAxis("chart-categories", sorted.map(function (x) { return EN && x.name_en ? x.name_en : x.name; })),
      series: [{ name: L.intake_period, type: "bar", data: sorted.map(function (x) { return x.complaints; }),
                 itemStyle: { color: COLORS.brand }, label: { show: true, position: "right" } }]
    }), true);
  }

  /* Repair arrival per area: the average (bar) against the public target and the per-order ceiling (marks) */
  function arrival(areas) {
    var c = chart("chart-arrival");
    if (!c) return;
    if (!areas.some(function (a) { return a.orders; })) return empty("chart-arrival");
    /* the average is written under the area's name (a label inside a short bar would be cut off) */
    var labels = areas.map(function (a) {
      var avg = a.avg_arrive_minutes === null || a.avg_arrive_minutes === undefined ? "—" : a.avg_arrive_minutes + " " + L.unit_min;
      return (L.areas[a.area_type] || a.area_type) + "\n" + avg;
    });
    c.setOption(base({
      grid: { left: 8, right: 24, top: 24, bottom: room("chart-arrival", 80), containLabel: true },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, confine: true, textStyle: FONT,
        formatter: function (items) {
          var a = areas[items[0].dataIndex];
          var out = [L.areas[a.area_type] || a.area_type];
          items.forEach(function (it) {
            out.push(it.marker + it.seriesName + ": " + (it.value === null ? "—" : it.value + " " + L.unit_min));
          });
          out.push(L.breaches + ": " + a.ceiling_breaches + " · " + L.arrived + ": " + a.arrived + " / " + a.orders);
          return out.join("<br>");
        } },
      xAxis: { type: "value", min: 0, name: L.unit_min, nameLocation: "middle", nameGap: 24, minInterval: 1,
               splitNumber: narrow("chart-arrival") ? 3 : 5, splitLine: { lineStyle: { color: COLORS.grid } } },
      yAxis: { type: "category", data: labels, axisLabel: { lineHeight: 17 } },
      series: [
        { name: L.avg, type: "bar", barWidth: "45%", data: areas.map(function (a) { return a.avg_arrive_minutes; }),
          itemStyle: { color: COLORS.ok } },
        { name: L.target, type: "scatter", symbol: "rect", symbolSize: [5, 30],
          data: areas.map(function (a) { return a.target_minutes; }), itemStyle: { color: COLORS.ink } },
        { name: L.ceiling, type: "scatter", symbol: "rect", symbolSize: [5, 30],
          data: areas.map(function (a) { return a.ceiling_minutes; }), itemStyle: { color: COLORS.bad } }
      ]
    }), true);
  }

  /* Every kind of order (SPEC §11), complaints first: received in the period, open and breached now.
     The names are the kinds' labels in the page's language (the summary's by_kind). */
  function kinds(rows) {
    var c = chart("chart-kinds");
    if (!c) return;
    if (!rows || !rows.some(function (x) { return x.received || x.open; })) return empty("chart-kinds");
    var list = rows.slice().reverse();  /* a horizontal bar chart draws its first row at the bottom */
    var orders = function (v) { return String(v) + " " + L.unit_orders; };
    var shown = { show: true, position: "right", formatter: function (p) { return p.value ? String(p.value) : ""; } };
    c.setOption(base({
      grid: { left: 8, right: 40, top: 24, bottom: room("chart-kinds", 72), containLabel: true },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, confine: true, textStyle: FONT,
                 valueFormatter: function (v) { return orders(v); } },
      xAxis: counts("chart-kinds", { name: L.unit_orders, nameLocation: "middle", nameGap: 24 }),
      yAxis: nameAxis("chart-kinds", list.map(function (x) { return x.label; })),
      series: [
        { name: L.kinds_received, type: "bar", data: list.map(function (x) { return x.received; }),
          itemStyle: { color: COLORS.brand }, label: shown },
        { name: L.kinds_open, type: "bar", data: list.map(function (x) { return x.open; }),
          itemStyle: { color: COLORS.intake }, label: shown },
        { name: L.kinds_breached, type: "bar", data: list.map(function (x) { return x.breached_now; }),
          itemStyle: { color: COLORS.bad }, label: shown }
      ]
    }), true);
  }

  function get(obj, path) {
    return path.split(".").reduce(function (o, k) { return o === null || o === undefined ? o : o[k]; }, obj);
  }
  function fmt(v, f) {
    if (f === "pct") return pct(v).replace(" %", "%");
    return v === null || v === undefined ? "—" : String(v);
  }

  function render(data) {
    document.querySelectorAll("[data-path]").forEach(function (node) {
      node.textContent = fmt(get(data, node.getAttribute("data-path")), node.getAttribute("data-format"));
    });
    var upd = document.getElementById("dash-updated");
    if (upd && data.generated_at) upd.textContent = data.generated_at.slice(11, 16);
    if (data.inbox_count !== undefined) document.getElementById("inbox-count").textContent = data.inbox_count;
    trend(data.trend);
    stations(data.by_station);
    categories(data.by_category_class);
    arrival(data.arrival);
    kinds(data.by_kind);
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

  window.addEventListener("resize", function () {
    Object.keys(charts).forEach(function (k) { charts[k].resize(); });
  });
  render(JSON.parse(document.getElementById("dash-data").textContent));
  window.dashboardRefresh = refresh;
  window.dashboardCharts = charts;
  window.setInterval(refresh, 60000);
})();
