"""Outages (SPEC §12, issue #14) at service-center scale, on the data set's grid (20-60 lines per
station, 20-80 transformer areas per line, every customer on an area):

(a) a fault outage on a line of 20,000 customers: creation resolves the scope and writes the
    20,000 announcement SMS; an estimate change and the restore write 20,000 each (< 2 s each);
(b) intake with the outage lookup, in process, interleaved batches (bench/intake_cpu.py's
    approach): the queries and the CPU per intake (Python + the PostgreSQL backend) without the
    lookup (the `order_taken` handler unregistered: intake as it was), with it for a customer in
    no outage, and for a customer inside an active outage (linked); < 10 % growth;
(c) a storm: 500 repair calls on 20 fault outages through gunicorn, 20 concurrent clients (all
    at once: far harder than the 10 minutes they would take): every call 201, linked to its
    outage, joined (no repair work order of its own: no second crew dispatched).

The scenario runs last: it leaves no active outage behind (each is restored) and gives the
customers it moved for (a) their lines and areas back.
"""

from __future__ import annotations

import os
import statistics
import time
from datetime import timedelta
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ..report import FAIL, OK, Figure, percentile
from . import Scenario
from .intake import gunicorn_shape

BIG_LINE = 20_000
BIG_LINE_S = 2.0
CPU_GROWTH = 0.10
STORM_CALLS, STORM_OUTAGES, STORM_CLIENTS, STORM_WINDOW_S = 500, 20, 20, 600.0
INTAKE_PER_VARIANT = 300
BATCH = 10


def _user(pk: int):
    return get_user_model().objects.get(pk=pk)


def _handler(ctx, station_id: int):
    return _user(next(u["id"] for u in ctx.users("handler") if u["station_id"] == station_id))


class Outages(Scenario):
    name = "outages"
    title = ("outages: 20,000-customer line's SMS < 2 s; intake lookup <= 1 query, CPU growth < 10 %; "
             "storm of 500 repair calls on 20 outages: all linked, no error, no second dispatch")
    feature = "outages (outages.services, core.registry.order_taken at intake)"
    requires = ("outages.services:link_taken_order", "customers.models:TransformerArea",
                "core.registry:order_taken_by")

    def run(self, ctx) -> list[Figure]:
        # BENCH_OUTAGES_PARTS: some of a, b, c (default all) to measure one part again
        parts = os.environ.get("BENCH_OUTAGES_PARTS", "abc")
        figures = []
        if "b" in parts:
            figures += self.intake_cost(ctx)
        if "c" in parts:
            figures += self.storm(ctx)
        if "a" in parts:
            figures += self.big_line(ctx)
        return figures

    # --- (a) ---------------------------------------------------------------------------------
    def big_line(self, ctx) -> list[Figure]:
        from customers.models import Line
        from outages import services
        from outages.models import CustomerSms, OutageCustomer

        st = ctx.ds.stations[0]["id"]
        handler = _handler(ctx, st)
        code = f"BENCH-{int(time.time())}"
        line = Line.objects.create(station_id=st, code=code, name="10kV压测大线")
        with connection.cursor() as cur:
            cur.execute("DROP TABLE IF EXISTS bench_outage_moved")
            cur.execute("CREATE TABLE bench_outage_moved AS SELECT id, line_id, area_id FROM customers_customer "
                        "WHERE station_id = %s ORDER BY id LIMIT %s", [st, BIG_LINE])
            cur.execute("UPDATE customers_customer c SET line_id = %s, area_id = NULL FROM bench_outage_moved m "
                        "WHERE c.id = m.id", [line.pk])
            n = cur.rowcount
            cur.execute("ANALYZE customers_customer")
        phones = ctx.sql("SELECT COUNT(*) FROM customers_customer WHERE line_id = %s AND phone <> ''", [line.pk])[0][0]
        create, estimate, restore, queries, rows_ok = [], [], [], 0, True
        try:
            for _ in range(min(ctx.scale.runs, 3)):
                t = ctx.timed(services.outage_create, by=handler, kind="fault", cause="10kV线路故障跳闸",
                              lines=[code], estimated_restore_at=timezone.now() + timedelta(hours=3))
                outage = t.result
                create.append(t.seconds)
                queries = max(queries, t.queries)
                e = ctx.timed(services.outage_update_estimate, outage=outage, by=handler,
                              estimated_restore_at=timezone.now() + timedelta(hours=5), reason="故障点查找中")
                estimate.append(e.seconds)
                r = ctx.timed(services.outage_restore, outage=outage, by=handler, result="更换跌落式熔断器")
                restore.append(r.seconds)
                sms = CustomerSms.objects.filter(outage=outage).count()
                scope = OutageCustomer.objects.filter(outage=outage).count()
                rows_ok = rows_ok and scope == n and sms == 3 * phones
        finally:
            with connection.cursor() as cur:
                cur.execute("UPDATE customers_customer c SET line_id = m.line_id, area_id = m.area_id "
                            "FROM bench_outage_moved m WHERE c.id = m.id")
                cur.execute("DROP TABLE bench_outage_moved")
        what = f"a line of {n:,} customers ({phones:,} with a phone)"
        limit_note = "" if n >= BIG_LINE else f"the data set's station has only {n:,} customers"
        return [
            Figure(scenario=self.name, measure=f"fault outage created on {what}: scope + announcement SMS",
                   unit="s", samples=create, target=f"< {BIG_LINE_S:.0f} s", limit=BIG_LINE_S, queries=queries,
                   note=limit_note),
            Figure(scenario=self.name, measure=f"estimate change on {what}: one SMS each", unit="s",
                   samples=estimate, target=f"< {BIG_LINE_S:.0f} s", limit=BIG_LINE_S),
            Figure(scenario=self.name, measure=f"restore on {what}: one SMS each, customer-hours", unit="s",
                   samples=restore, target=f"< {BIG_LINE_S:.0f} s", limit=BIG_LINE_S),
            Figure(scenario=self.name, measure="scope rows and SMS rows (3 messages per customer with a phone)",
                   unit="rows", value=n, target="every customer once, every message once",
                   status=OK if rows_ok else FAIL),
        ]

    # --- (b) ---------------------------------------------------------------------------------
    # customers with no complaint in the last 90 days: no repeat warning (one query and a few
    # inserts more) lands in one variant and not the other
    # no complaint in the repeat window (repeat detection reads complaints only; the data set's
    # customers call about every kind of order)
    QUIET = ("NOT EXISTS (SELECT 1 FROM complaints_complaint x WHERE x.customer_id = c.id AND x.kind = 'complaint' "
             "AND x.received_at > now() - interval '90 days')")

    def _inside_customers(self, ctx, st: int, want: int) -> tuple[list[str], list[int]]:
        """Lines of the station (in code order) until their quiet customers are `want` or more."""
        rows = ctx.sql("SELECT l.code, COUNT(c.id) FROM customers_line l JOIN customers_customer c ON c.line_id = l.id "
                       f"WHERE l.station_id = %s AND {self.QUIET} GROUP BY l.code ORDER BY l.code", [st])
        lines, total = [], 0
        for code, n in rows:
            lines.append(code)
            total += n
            if total >= want:
                break
        ids = [r[0] for r in ctx.sql("SELECT c.id FROM customers_customer c JOIN customers_line l ON l.id = c.line_id "
                                     f"WHERE l.station_id = %s AND l.code = ANY(%s) AND {self.QUIET} ORDER BY c.id",
                                     [st, lines])]
        return lines, ids

    def intake_cost(self, ctx) -> list[Figure]:
        from django.conf import settings
        from django.test import override_settings

        # in process: the children's throttle rates (bench.db.child_env), not the defaults
        with override_settings(THROTTLE_RATES={**settings.THROTTLE_RATES, "user": "1000000/minute",
                                               "address": "1000000/minute"}):
            return self._intake_cost(ctx)

    def _intake_cost(self, ctx) -> list[Figure]:
        from rest_framework.test import APIClient

        from core import registry
        from outages import services

        st = ctx.ds.stations[0]["id"]
        counter = _user(next(u["id"] for u in ctx.users("counter") if u["station_id"] == st))
        lines, inside = self._inside_customers(ctx, st, INTAKE_PER_VARIANT)
        outage = services.outage_create(by=_handler(ctx, st), kind="fault", cause="10kV线路故障跳闸", lines=lines,
                                        estimated_restore_at=timezone.now() + timedelta(hours=3))
        outside = [r[0] for r in ctx.sql(
            f"SELECT id FROM customers_customer c WHERE station_id = %s AND NOT (line_id = ANY(%s)) AND {self.QUIET} "
            "ORDER BY id LIMIT %s", [st, list(outage.lines.values_list("pk", flat=True)), 2 * INTAKE_PER_VARIANT + 60])]
        n = min(INTAKE_PER_VARIANT, len(inside) - 20, (len(outside) - 40) // 2)
        cat = ctx.sql("SELECT code FROM complaints_complaintcategory WHERE parent_id IS NOT NULL AND active "
                      "ORDER BY code LIMIT 1")[0][0]
        client = APIClient()
        client.force_authenticate(user=counter)
        # distinct customers per variant (no repeat detection in one and not the other)
        pools = {"no lookup": outside[40:40 + n], "lookup, not in an outage": outside[40 + n:40 + 2 * n],
                 "lookup, inside an active outage": inside[20:20 + n]}
        handler = dict(registry.order_taken.items())["outage"]

        def variant(name: str):
            if name == "no lookup":
                registry.order_taken._items.pop("outage", None)
            else:
                registry.order_taken.register("outage", handler, order=10)

        def post(customer_id: int) -> None:
            r = client.post("/api/v1/complaints/", {"channel": "counter", "customer": customer_id, "category": cat,
                                                    "description": "家中停电，询问何时恢复供电。"}, format="json")
            if r.status_code != 201:
                raise RuntimeError(f"intake answered {r.status_code}: {r.content[:300]}")

        try:
            variant("lookup, not in an outage")
            for i in range(19):  # warm: caches, the connection, the views
                post(outside[i])
                post(inside[i])
            queries = {}
            for name, pool in (("no lookup", outside[20:30]), ("lookup, not in an outage", outside[30:40]),
                               ("lookup, inside an active outage", inside[19:20])):
                variant(name)
                with CaptureQueriesContext(connection) as q:
                    post(pool[0])
                queries[name] = len(q.captured_queries)
            with connection.cursor() as cur:
                cur.execute("SELECT pg_backend_pid()")
                (pid,) = cur.fetchone()
            tick = os.sysconf("SC_CLK_TCK")

            def pg_cpu() -> float:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                return (int(fields[11]) + int(fields[12])) / tick

            py = {k: 0.0 for k in pools}
            pg = {k: 0.0 for k in pools}
            batches = {k: [] for k in pools}
            for b in range(n // BATCH):  # interleaved: A B C, A B C ... (the machine's load hits all alike)
                order = list(pools) if b % 2 == 0 else list(reversed(pools))
                for name in order:
                    variant(name)
                    t0, p0 = time.process_time(), pg_cpu()
                    for cid in pools[name][b * BATCH:(b + 1) * BATCH]:
                        post(cid)
                    dpy, dpg = time.process_time() - t0, pg_cpu() - p0
                    py[name] += dpy
                    pg[name] += dpg
                    batches[name].append((dpy + dpg) / BATCH * 1000)
        finally:
            registry.order_taken.register("outage", handler, order=10)
            services.outage_restore(outage=outage, by=_handler(ctx, st), result="已修复")
        done = (n // BATCH) * BATCH
        per = {k: (py[k] + pg[k]) / done * 1000 for k in pools}
        base, none, inside_ms = per["no lookup"], per["lookup, not in an outage"], per["lookup, inside an active outage"]
        growth_lookup = none / base - 1
        growth_inside = inside_ms / none - 1
        details = {"intakes_per_variant": done, "batch": BATCH, "lines_in_outage": len(lines),
                   "python_ms": {k: py[k] / done * 1000 for k in pools}, "postgres_ms": {k: pg[k] / done * 1000
                                                                                        for k in pools},
                   "batch_medians_ms": {k: statistics.median(v) for k, v in batches.items()}, "queries": queries}
        q0, q1, q2 = (queries[k] for k in pools)
        return [
            Figure(scenario=self.name, unit="queries", value=q1 - q0, target="<= 1 (SPEC §12)",
                   measure=f"intake queries: no lookup {q0}, lookup {q1}, inside an outage {q2} (lookup + link + event)",
                   status=OK if q1 - q0 <= 1 and q2 - q1 <= 2 else FAIL, details={"queries": queries}),
            Figure(scenario=self.name, unit="ms", value=base, details=details,
                   measure=f"CPU per intake (Python + PostgreSQL), {done} each, interleaved: no lookup"),
            Figure(scenario=self.name, unit="%", value=growth_lookup * 100, target=f"< {CPU_GROWTH * 100:.0f} %",
                   limit=CPU_GROWTH * 100, measure=f"CPU growth of the lookup, customer in no outage: {none:.2f} ms"),
            Figure(scenario=self.name, unit="%", value=growth_inside * 100, target=f"< {CPU_GROWTH * 100:.0f} %",
                   limit=CPU_GROWTH * 100,
                   measure=f"CPU growth inside an active outage (linked) vs not: {inside_ms:.2f} ms"),
        ]

    # --- (c) ---------------------------------------------------------------------------------
    def storm(self, ctx) -> list[Figure]:
        from outages import services
        from outages.models import OutageLink

        # the smoke test's tiny scale: a fifth of the storm (the harness must not rot, not be timed)
        calls = STORM_CALLS // 5 if ctx.scale.name == "tiny" else STORM_CALLS
        per = calls // STORM_OUTAGES
        # 20 lines spread over the stations, each with enough customers for its calls
        picks = []
        for i, st in enumerate(ctx.ds.stations):
            want = STORM_OUTAGES // len(ctx.ds.stations) + (1 if i < STORM_OUTAGES % len(ctx.ds.stations) else 0)
            # the fullest lines (a small data set may have fewer than 25 customers on a line)
            rows = ctx.sql("SELECT l.id, l.code FROM customers_line l JOIN customers_customer c ON c.line_id = l.id "
                           "WHERE l.station_id = %s GROUP BY l.id, l.code ORDER BY COUNT(*) DESC, l.code LIMIT %s",
                           [st["id"], want])
            picks += [(st["id"], line_id, code) for line_id, code in rows]
        counters = {}
        for u in ctx.users("counter"):
            counters.setdefault(u["station_id"], []).append(u["token"])
        outages, jobs, expected = [], [], []
        for k, (st, line_id, code) in enumerate(picks):
            outage = services.outage_create(by=_handler(ctx, st), kind="fault", cause="10kV线路故障跳闸", lines=[code],
                                            estimated_restore_at=timezone.now() + timedelta(hours=3))
            outages.append(outage)
            rows = ctx.sql("SELECT id, name, phone FROM customers_customer WHERE line_id = %s ORDER BY id LIMIT %s",
                           [line_id, per])
            for j, (cid, name, phone) in enumerate(rows):
                tokens = counters[st]
                jobs.append({"token": tokens[(k + j) % len(tokens)], "path": "/api/v1/tickets/",
                             "body": {"kind": "repair", "channel": "phone", "customer": cid, "complainant_name": name,
                                      "complainant_phone": phone, "description": "家里突然停电了，整栋楼都没电。"}})
                expected.append(outage.number)
        order = sorted(range(len(jobs)), key=lambda i: (i % per, i))  # the outages' calls mixed, as they come
        jobs, expected = [jobs[i] for i in order], [expected[i] for i in order]
        wo_before = ctx.sql("SELECT COALESCE(MAX(id), 0), COUNT(*) FROM workorders_workorder")[0]
        workers, threads = gunicorn_shape(ctx)
        base = ctx.gunicorn(workers=workers, threads=threads)
        try:
            res = ctx.loadgen({"mode": "posts", "base": base, "concurrency": STORM_CLIENTS, "jobs": jobs,
                               "keep": ["id", "number", "work_order", "outage"]}, timeout=STORM_WINDOW_S + 120)
        finally:
            ctx.cleanup()
        answers = res["answers"]
        ok = [a for a in answers if a and a["status"] == 201]
        errors = [a for a in answers if not a or a["status"] != 201]
        named_right = sum(1 for a, want in zip(answers, expected, strict=True)
                          if a and a["status"] == 201 and a["outage"] == want)
        ids = [a["id"] for a in ok]
        by_outage = {o.pk: o.number for o in outages}
        want_by_id = {a["id"]: want for a, want in zip(answers, expected, strict=True) if a and a["status"] == 201}
        links = OutageLink.objects.filter(subject_type="complaint", subject_id__in=ids)
        linked_right = sum(1 for sid, oid in links.values_list("subject_id", "outage_id")
                           if by_outage.get(oid) == want_by_id.get(sid))
        own_wo = ctx.sql("SELECT COUNT(*) FROM workorders_workorder WHERE complaint_id = ANY(%s)", [ids])[0][0]
        new_wo = ctx.sql("SELECT COUNT(*) FROM workorders_workorder WHERE id > %s", [wo_before[0]])[0][0]
        lat = [a["ms"] for a in ok]
        for o in outages:  # leave no active outage behind
            services.outage_restore(outage=o, by=_handler(ctx, o.station_id), result="已修复")
        closed = ctx.sql("SELECT COUNT(*) FROM complaints_complaint WHERE id = ANY(%s) AND status = 'closed'",
                         [ids])[0][0]
        shape = f"{len(jobs)} calls on {len(outages)} outages, {STORM_CLIENTS} clients, gunicorn {workers}x{threads}"
        return [
            Figure(scenario=self.name, measure=f"storm: {shape}: time for all", unit="s", value=res["elapsed"],
                   target=f"< {STORM_WINDOW_S:.0f} s", limit=STORM_WINDOW_S,
                   details={"rate_per_s": len(ok) / res["elapsed"] if res["elapsed"] else None}),
            Figure(scenario=self.name, measure="storm: repair call latency p95", unit="ms", samples=lat,
                   value=percentile(lat, 95), target="-"),
            Figure(scenario=self.name, measure="storm: errors (non-201 answers)", unit="count", value=len(errors),
                   target="0", status=OK if not errors else FAIL, note=f"first: {errors[:1]}" if errors else ""),
            Figure(scenario=self.name, measure="storm: calls linked to their outage (answer and OutageLink)",
                   unit="calls", value=linked_right, target=f"= {len(jobs)}",
                   status=OK if linked_right == named_right == len(jobs) else FAIL),
            Figure(scenario=self.name, measure="storm: repair work orders created for joined calls", unit="count",
                   value=own_wo, target="0", status=OK if own_wo == 0 and new_wo == 0 else FAIL,
                   note=f"work orders created in all: {new_wo}"),
            Figure(scenario=self.name, measure="storm: calls closed with the outages' restore", unit="calls",
                   value=closed, target=f"= {len(ok)}", status=OK if closed == len(ok) else FAIL),
        ]
