"""GET /api/v1/tickets/ (every kind of 95598 order, issue 13): p95 < 100 ms, with and without
`?kind=`, and a constant query count at page sizes 20, 50 and 100. Served through Django's test
client in this process, as the complaint list is (bench/scenarios/complaint_list.py)."""

from __future__ import annotations

import time

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from ..report import FAIL, OK, Figure, percentile
from . import Scenario

TARGET_MS = 100.0
PAGE_SIZES = (20, 50, 100)
KINDS = ("repair", "enquiry", "service", "complaint", "opinion", "report", "suggestion", "praise")


class TicketList(Scenario):
    name = "ticket_list"
    title = "ticket list (every kind), with and without ?kind=: p95 < 100 ms; constant queries at page sizes 20/50/100"
    feature = "ticket list API (tickets.api.views)"
    requires = ("tickets.api.views:TicketViewSet", "tickets.filters:TicketFilterSet")

    def requests(self, ctx, with_kind: bool) -> list[tuple[str, str]]:
        """(token, query string): a manager's and each station's handler's typical lists."""
        manager = ctx.users("manager")[0]
        handlers = {u["station_id"]: u for u in ctx.users("handler")}
        combos = []
        for st in ctx.ds.stations:
            for status in ("received", "resolved", ""):
                for i, kind in enumerate(KINDS if with_kind else ("",)):
                    q = "&".join(x for x in (f"kind={kind}" if kind else "", f"status={status}" if status else "",
                                             f"station={st['code']}", "page_size=50") if x)
                    combos.append((manager["token"], q))
                    if st["id"] in handlers and i % 2 == 0:
                        combos.append((handlers[st["id"]]["token"], q))
        # the all-stations views of a manager: the open orders, a second page
        extra = ["status=received&at_risk=true&page_size=50", "page=2&page_size=50"]
        if with_kind:
            extra = [f"kind={k}&{q}" for k in ("repair", "complaint") for q in extra]
        combos += [(manager["token"], q) for q in extra]
        out = []
        while len(out) < ctx.scale.list_requests:
            out += combos
        return out[: max(ctx.scale.list_requests, len(combos))]

    def _get(self, client, token, q):
        with CaptureQueriesContext(connection) as cq:
            started = time.perf_counter()
            resp = client.get(f"/api/v1/tickets/?{q}", HTTP_AUTHORIZATION=f"Token {token}")
            ms = (time.perf_counter() - started) * 1000
        return resp, ms, len(cq)

    def run(self, ctx) -> list[Figure]:
        with ctx.like_a_web_worker():  # a worker's GC (servicecenter/wsgi.py)
            return self._run(ctx)

    def _run(self, ctx) -> list[Figure]:
        client = Client()
        figures = []
        total = ctx.sql("SELECT count(*) FROM complaints_complaint")[0][0]
        by_kind = dict(ctx.sql("SELECT kind, count(*) FROM complaints_complaint GROUP BY kind"))
        print(f"    orders: {total:,} ({', '.join(f'{k} {v:,}' for k, v in sorted(by_kind.items(), key=lambda x: -x[1]))})",
              flush=True)
        for with_kind in (False, True):
            reqs = self.requests(ctx, with_kind)
            for token, q in dict.fromkeys(reqs):  # one untimed pass: a warm cache, as in a running service
                client.get(f"/api/v1/tickets/?{q}", HTTP_AUTHORIZATION=f"Token {token}")
            samples, queries, errors, rows = [], 0, 0, 0
            for token, q in reqs:
                resp, ms, nq = self._get(client, token, q)
                samples.append(ms)
                queries = max(queries, nq)
                if resp.status_code != 200:
                    errors += 1
                else:
                    rows += len(resp.json().get("results", []))
            p95 = percentile(samples, 95)
            label = "with ?kind=" if with_kind else "every kind (no ?kind=)"
            print(f"    {label}: p95 {p95:.1f} ms over {len(samples)} requests (target < {TARGET_MS:.0f} ms), "
                  f"at most {queries} queries, {rows:,} rows returned, {errors} errors", flush=True)
            fig = Figure(scenario=self.name, measure=f"GET /api/v1/tickets/ {label}, station/status filters, "
                                                     "page_size=50 p95", unit="ms", samples=samples, value=p95,
                         target=f"< {TARGET_MS:.0f} ms", limit=TARGET_MS, queries=queries,
                         details={"requests": len(samples), "errors": errors, "rows_returned": rows,
                                  "orders": total, "orders_by_kind": by_kind})
            if errors:
                fig.status, fig.note = FAIL, f"{errors} non-200 answers"
            figures.append(fig)
        # constant queries at any page size: the manager's all-stations list, with and without ?kind=
        manager = ctx.users("manager")[0]
        counts = {}
        for kind in ("", "repair", "complaint", "service"):
            for size in PAGE_SIZES:
                q = "&".join(x for x in (f"kind={kind}" if kind else "", f"page_size={size}") if x)
                self._get(client, manager["token"], q)  # warm
                resp, _ms, nq = self._get(client, manager["token"], q)
                got = len(resp.json().get("results", [])) if resp.status_code == 200 else -1
                counts[f"{kind or 'all'}:{size}"] = (nq, got)
        per = {}
        for key, (nq, got) in counts.items():
            per.setdefault(key.split(":")[0], []).append((nq, got))
        for kind, vals in per.items():
            print(f"    queries, {kind}: " + ", ".join(f"page_size {s}: {nq} queries ({got} rows)"
                                                     for s, (nq, got) in zip(PAGE_SIZES, vals, strict=True)),
                  flush=True)
        constant = all(len({nq for nq, _g in vals}) == 1 for vals in per.values())
        full_pages = all(got == size for vals in per.values() for size, (_n, got) in zip(PAGE_SIZES, vals, strict=True))
        figures.append(Figure(scenario=self.name, measure="GET /api/v1/tickets/ queries at page_size 20/50/100 "
                                                          "(all, kind=repair/complaint/service)", unit="queries",
                              value=max(nq for nq, _g in counts.values()), target="the same at every page size",
                              status=OK if constant else FAIL,
                              note="" if full_pages else "some pages were not full (few rows of that kind)",
                              details={"queries_and_rows": {k: list(v) for k, v in counts.items()}}))
        return figures
