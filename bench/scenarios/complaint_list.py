"""GET /api/v1/complaints/ with filters (status + station + at_risk), page_size=50."""

from __future__ import annotations

import time

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from ..report import Figure, percentile
from . import Scenario

TARGET_MS = 100.0


class ComplaintList(Scenario):
    name = "list"
    title = "complaint list, filters status + station + at_risk, page_size=50: p95 < 100 ms"
    feature = "complaint list API (complaints.api.views)"
    requires = ("complaints.api.views:ComplaintViewSet", "complaints.filters:ComplaintFilterSet")

    def requests(self, ctx) -> list[tuple[str, str]]:
        """(token, query string): a manager's and each station's handler's typical lists."""
        manager = ctx.users("manager")[0]
        handlers = {u["station_id"]: u for u in ctx.users("handler")}
        combos = []
        for st in ctx.ds.stations:
            for status in ("received", "acknowledged", "resolved"):
                for at_risk in ("true", "false"):
                    q = f"status={status}&station={st['code']}&at_risk={at_risk}&page_size=50"
                    combos.append((manager["token"], q))
                    if st["id"] in handlers:
                        combos.append((handlers[st["id"]]["token"], q))
        # the open list of a station on page 2, and the all-stations view of a manager
        combos.append((manager["token"], "status=received&status=acknowledged&at_risk=true&page_size=50"))
        combos.append((manager["token"], f"station={ctx.ds.stations[0]['code']}&page=2&page_size=50"))
        out = []
        while len(out) < ctx.scale.list_requests:
            out += combos
        return out[: max(ctx.scale.list_requests, len(combos))]

    def run(self, ctx) -> list[Figure]:
        with ctx.like_a_web_worker():  # a worker's GC (servicecenter/wsgi.py)
            return self._run(ctx)

    def _run(self, ctx) -> list[Figure]:
        client = Client()
        samples, queries, errors, rows = [], 0, 0, 0
        reqs = self.requests(ctx)
        # one untimed pass over each distinct request: a warm cache, as in a running service
        for token, q in dict.fromkeys(reqs):
            client.get(f"/api/v1/complaints/?{q}", HTTP_AUTHORIZATION=f"Token {token}")
        for token, q in reqs:
            with CaptureQueriesContext(connection) as cq:
                started = time.perf_counter()
                resp = client.get(f"/api/v1/complaints/?{q}", HTTP_AUTHORIZATION=f"Token {token}")
                samples.append((time.perf_counter() - started) * 1000)
            queries = max(queries, len(cq))
            if resp.status_code != 200:
                errors += 1
            else:
                rows += len(resp.json().get("results", []))
        p95 = percentile(samples, 95)
        fig = Figure(scenario=self.name, measure="GET /api/v1/complaints/?status&station&at_risk p95", unit="ms",
                     samples=samples, value=p95, target=f"< {TARGET_MS:.0f} ms", limit=TARGET_MS, queries=queries,
                     details={"requests": len(samples), "errors": errors, "rows_returned": rows,
                              "complaints": ctx.sql("SELECT count(*) FROM complaints_complaint")[0][0]})
        if errors:
            fig.status, fig.note = "FAIL", f"{errors} non-200 answers"
        return [fig]
