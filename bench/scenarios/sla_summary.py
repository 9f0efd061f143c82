"""The SLA summary for a month (GET /api/v1/sla/summary/) and the manager's /dashboard/ page."""

from __future__ import annotations

import time
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from ..report import Figure
from . import Scenario

SUMMARY_MS = 300.0
DASHBOARD_MS = 500.0
# the kinds whose summary (`?kind=`) is timed: the two most numerous, a service request, a report
PER_KIND = ("repair", "enquiry", "service", "report")


def last_month(anchor) -> tuple[date, date]:
    local = (anchor + timedelta(hours=8)).date()
    end = local.replace(day=1) - timedelta(days=1)
    return end.replace(day=1), end


class SlaSummary(Scenario):
    name = "summary"
    title = "SLA summary for a month < 300 ms (median of 5), also per kind (?kind=, by_kind); /dashboard/ < 500 ms"
    feature = "SLA summary and dashboard (reports app)"
    requires = ("reports.api.views:SlaSummaryView", "reports.views:dashboard")

    @property
    def refresh(self):
        try:
            from reports.stats import refresh_stats
        except ImportError:
            return None
        return refresh_stats

    def _measure(self, client, url, runs, **headers) -> tuple[list[float], int, int]:
        client.get(url, **headers)  # warm-up, untimed
        samples, queries, status = [], 0, 200
        for _ in range(runs):
            with CaptureQueriesContext(connection) as cq:
                started = time.perf_counter()
                resp = client.get(url, **headers)
                samples.append((time.perf_counter() - started) * 1000)
            queries = max(queries, len(cq))
            if resp.status_code != 200:
                status = resp.status_code
        return samples, queries, status

    def run(self, ctx) -> list[Figure]:
        with ctx.like_a_web_worker():  # a worker's GC (servicecenter/wsgi.py)
            return self._run(ctx)

    def _run(self, ctx) -> list[Figure]:
        runs = max(5, ctx.scale.runs)
        manager = ctx.users("manager")[0]
        auth = {"HTTP_AUTHORIZATION": f"Token {manager['token']}"}
        first, last = last_month(ctx.ds.anchor)
        client = Client()
        figures = []
        station = ctx.ds.stations[0]["code"]
        live_variants = []
        if self.refresh is not None:
            # the summary reads pre-aggregated daily rows kept fresh by beat (reports.refresh_stats
            # every minute, a full rebuild nightly): build them as production would, and time both
            t = ctx.timed(self.refresh, full=True)
            figures.append(Figure(scenario=self.name, measure="reports refresh_stats full rebuild (nightly)",
                                  unit="s", samples=[t.seconds], queries=t.queries, details={"result": t.result}))
            minute = [ctx.timed(self.refresh) for _ in range(3)]
            figures.append(Figure(scenario=self.name, measure="reports refresh_stats incremental (every minute)",
                                  unit="s", samples=[m.seconds for m in minute],
                                  queries=max(m.queries for m in minute), target="< 60 s (its beat interval)",
                                  limit=60.0))
            live_variants = [("all stations, live=true", "&live=true")]
        for label, query in (("all stations", ""), (f"station {station}", f"&station={station}"), *live_variants):
            url = f"/api/v1/sla/summary/?from={first}&to={last}{query}"
            samples, queries, status = self._measure(client, url, runs, **auth)
            live = "live" in query
            fig = Figure(scenario=self.name, measure=f"GET /api/v1/sla/summary/ month {first:%Y-%m}, {label}",
                         unit="ms", samples=samples, target="" if live else f"< {SUMMARY_MS:.0f} ms (median)",
                         limit=None if live else SUMMARY_MS, queries=queries)
            if status != 200:
                fig.status, fig.note = "FAIL", f"answered {status}"
            figures.append(fig)
        figures += self.per_kind(client, auth, first, last, runs)
        session = Client()
        session.force_login(get_user_model().objects.get(pk=manager["id"]))
        for path in ("/dashboard/", "/dashboard/data/"):
            samples, queries, status = self._measure(session, path, runs)
            fig = Figure(scenario=self.name, measure=f"GET {path} (manager)", unit="ms", samples=samples,
                         target=f"< {DASHBOARD_MS:.0f} ms (median)", limit=DASHBOARD_MS, queries=queries)
            if status != 200:
                fig.status, fig.note = "FAIL", f"answered {status}"
            figures.append(fig)
        return figures

    def per_kind(self, client, auth, first, last, runs) -> list[Figure]:
        """The SLA summary per kind of order for the month (issue 13), as the API serves it: the
        summary of one kind (`?kind=`: its headline figures and breakdowns, from the pre-aggregated
        daily rows per kind, reports migration 0005) for a few kinds, the most numerous first, each
        answer with the `by_kind` block (every kind's figures). A kind missing from `by_kind`
        fails the figure."""
        from complaints.choices import OrderKind

        figures = []
        for kind in PER_KIND:
            url = f"/api/v1/sla/summary/?from={first}&to={last}&kind={kind}"
            samples, queries, status = self._measure(client, url, runs, **auth)
            body = client.get(url, **auth).json() if status == 200 else {}
            by_kind = {k["kind"]: k for k in body.get("by_kind", [])}
            fig = Figure(scenario=self.name, unit="ms", samples=samples, target=f"< {SUMMARY_MS:.0f} ms (median)",
                         limit=SUMMARY_MS, queries=queries,
                         measure=f"GET /api/v1/sla/summary/ month {first:%Y-%m}, ?kind={kind} (with by_kind)",
                         details={"kind": kind, "totals": {k: body.get("totals", {}).get(k) for k in
                                                           ("complaints", "breached", "terminated")},
                                  "by_kind": {k: {f: v.get(f) for f in ("received", "open", "breached")}
                                              for k, v in by_kind.items()}})
            missing = [k for k in OrderKind.values if k not in by_kind]
            if status != 200:
                fig.status, fig.note = "FAIL", f"answered {status}"
            elif body.get("filters", {}).get("kind") != kind or missing:
                fig.status, fig.note = "FAIL", f"not the {kind} summary, or by_kind lacks {', '.join(missing)}"
            print(f"    ?kind={kind}: median {sorted(samples)[len(samples) // 2]:.1f} ms of {runs}, {queries} queries, "
                  f"{(body.get('totals') or {}).get('complaints', 0):,} orders of the month; by_kind: "
                  + ", ".join(f"{k} {v.get('received', 0):,}" for k, v in by_kind.items()), flush=True)
            figures.append(fig)
        return figures
