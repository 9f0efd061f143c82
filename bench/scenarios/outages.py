"""Outages (SPEC §12, issue #14) at service-center scale, on the data set's grid (20-60 lines per
station, 20-80 transformer areas per line, every customer on an area):

(a) a fault outage on a line of 20,000 customers (the data set's big line, L001 of the first
    station): creation resolves the scope and writes the 20,000 announcement SMS; an estimate
    change and the restore write 20,000 each (< 2 s each); the rows counted per message;
(b) intake with the outage lookup, in process, one at a time in interleaved batches
    (bench/intake_cpu.py's approach): the queries and the CPU per intake (Python + the PostgreSQL
    backend) without the lookup (the `order_taken` handler unregistered: intake as it was), with
    it for a customer in no outage, and for a customer inside an active outage (linked); the
    three pools alike (`_pools`); < 10 % growth;
(c) a storm: 500 repair calls on 20 fault outages through gunicorn, 20 concurrent clients (all
    at once: far harder than the 10 minutes they would take): every call 201, linked to its
    outage, joined (no repair work order of its own: no second crew dispatched).

The scenario runs last: it leaves no active outage behind (each is restored) and, on a data set
without its big line, gives the customers it moved for (a) their lines and areas back.
"""

from __future__ import annotations

import gc
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
        """The station's fullest line: the data set's big line (bench/datagen.py: L001 of each station,
        20,000 customers at full scale). A data set built before it had none: then, at full scale,
        20,000 of the station's customers are moved onto a bench line for the measure and back
        (said beside the figure)."""
        from customers.models import Line
        from outages import services
        from outages.models import CustomerSms, OutageCustomer

        st = ctx.ds.stations[0]["id"]
        handler = _handler(ctx, st)
        line_id, code, n = ctx.sql(
            "SELECT l.id, l.code, COUNT(c.id) FROM customers_line l JOIN customers_customer c ON c.line_id = l.id "
            "WHERE l.station_id = %s GROUP BY l.id, l.code ORDER BY COUNT(c.id) DESC, l.code LIMIT 1", [st])[0]
        station_n = ctx.sql("SELECT COUNT(*) FROM customers_customer WHERE station_id = %s", [st])[0][0]
        moved = n < BIG_LINE <= station_n
        built = "the data set's big line"
        if moved:  # a data set without its big line (built before bench/datagen.py had one)
            code = f"BENCH-{int(time.time())}"
            line_id = Line.objects.create(station_id=st, code=code, name="10kV压测大线").pk
            with connection.cursor() as cur:
                cur.execute("DROP TABLE IF EXISTS bench_outage_moved")
                cur.execute("CREATE TABLE bench_outage_moved AS SELECT id, line_id, area_id FROM customers_customer "
                            "WHERE station_id = %s ORDER BY id LIMIT %s", [st, BIG_LINE])
                cur.execute("UPDATE customers_customer c SET line_id = %s, area_id = NULL FROM bench_outage_moved m "
                            "WHERE c.id = m.id", [line_id])
                n = cur.rowcount
                cur.execute("ANALYZE customers_customer")
            built = "customers moved onto a bench line: the data set has no big line yet"
        phones = ctx.sql("SELECT COUNT(*) FROM customers_customer WHERE line_id = %s AND phone <> ''", [line_id])[0][0]
        create, estimate, restore, queries, bad = [], [], [], 0, []
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
                # every customer once in the scope; per message, one SMS per customer with a phone
                scope = OutageCustomer.objects.filter(outage=outage).count()
                per_message = ctx.sql("SELECT message_key, COUNT(*), COUNT(DISTINCT customer_id) FROM outages_customersms "
                                      "WHERE outage_id = %s GROUP BY message_key ORDER BY message_key", [outage.pk])
                if scope != n or len(per_message) != 3 or any(k != phones or d != phones for _m, k, d in per_message):
                    bad.append({"outage": outage.number, "scope": scope, "sms": per_message})
                assert CustomerSms.objects.filter(outage=outage).count() == sum(k for _m, k, _d in per_message)
        finally:
            if moved:
                with connection.cursor() as cur:
                    cur.execute("UPDATE customers_customer c SET line_id = m.line_id, area_id = m.area_id "
                                "FROM bench_outage_moved m WHERE c.id = m.id")
                    cur.execute("DROP TABLE bench_outage_moved")
        what = f"a line of {n:,} customers ({phones:,} with a phone)"
        note = built if n >= BIG_LINE else f"below full scale: the fullest line has {n:,} customers"
        return [
            Figure(scenario=self.name, measure=f"fault outage created on {what}: scope + announcement SMS",
                   unit="s", samples=create, target=f"< {BIG_LINE_S:.0f} s", limit=BIG_LINE_S, queries=queries,
                   note=note),
            Figure(scenario=self.name, measure=f"estimate change on {what}: one SMS each", unit="s",
                   samples=estimate, target=f"< {BIG_LINE_S:.0f} s", limit=BIG_LINE_S),
            Figure(scenario=self.name, measure=f"restore on {what}: one SMS each, customer-hours", unit="s",
                   samples=restore, target=f"< {BIG_LINE_S:.0f} s", limit=BIG_LINE_S),
            Figure(scenario=self.name, unit="rows", value=n,
                   measure=f"scope rows {n:,} a run; SMS rows per message (announce, estimate, restore) {phones:,} "
                           f"each, one per customer with a phone, {len(create)} runs",
                   target=f"every customer once, every message once; >= {BIG_LINE:,} customers at full scale",
                   status=OK if not bad and (n >= BIG_LINE or ctx.scale.name != "full") else FAIL,
                   note=f"wrong: {bad[:1]}" if bad else "", details={"wrong_runs": bad}),
        ]

    # --- (b) ---------------------------------------------------------------------------------
    # like with like: every intake of the three variants writes the same rows and runs the same
    # queries. The customers have no complaint in the repeat window (repeat detection reads
    # complaints only; a repeat warning is a query and a few inserts more) and no account manager
    # (told of a complaint: one more row); the customers inside and outside the outage are those
    # of alternate transformer areas of the same lines (every third area in the outage's scope,
    # the other two outside it), so the three pools are drawn from one population, interleaved.
    QUIET = ("c.account_manager_id IS NULL AND NOT EXISTS (SELECT 1 FROM complaints_complaint x "
             "WHERE x.customer_id = c.id AND x.kind = 'complaint' AND x.received_at > now() - interval '90 days')")

    def _pools(self, ctx, st: int, want: int) -> tuple[list[str], list[int], list[int]]:
        """(area codes in the outage, customers inside, customers outside): the station's areas in
        code order, every third in the scope, until `want` customers inside and 2 x `want` outside."""
        rows = ctx.sql("SELECT a.code, a.id FROM customers_transformerarea a WHERE a.station_id = %s "
                       "ORDER BY a.code", [st])
        counts = dict(ctx.sql(f"SELECT c.area_id, COUNT(*) FROM customers_customer c WHERE c.station_id = %s "
                              f"AND {self.QUIET} GROUP BY c.area_id", [st]))
        scope, inside_areas, outside_areas, n_in, n_out = [], [], [], 0, 0
        for i, (code, area_id) in enumerate(rows):
            if n_in >= want and n_out >= 2 * want:
                break
            if i % 3 == 0:
                scope.append(code)
                inside_areas.append(area_id)
                n_in += counts.get(area_id, 0)
            else:
                outside_areas.append(area_id)
                n_out += counts.get(area_id, 0)

        def ids(areas):
            return [r[0] for r in ctx.sql(f"SELECT c.id FROM customers_customer c WHERE c.area_id = ANY(%s) "
                                          f"AND {self.QUIET} ORDER BY c.id", [areas])]

        return scope, ids(inside_areas), ids(outside_areas)

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
        areas, inside, outside = self._pools(ctx, st, INTAKE_PER_VARIANT + 30)
        outage = services.outage_create(by=_handler(ctx, st), kind="fault", cause="10kV线路故障跳闸", areas=areas,
                                        estimated_restore_at=timezone.now() + timedelta(hours=3))
        n = min(INTAKE_PER_VARIANT, len(inside) - 30, (len(outside) - 60) // 2)
        if n < 3 * BATCH:  # each run takes ~1,000 of them out of the repeat window (its complaints)
            services.outage_restore(outage=outage, by=_handler(ctx, st), result="已修复")
            raise RuntimeError(f"too few customers without a recent complaint left in station {st} ({len(inside)} "
                               f"inside, {len(outside)} outside): take a fresh copy of the data set")
        cat = ctx.sql("SELECT code FROM complaints_complaintcategory WHERE parent_id IS NOT NULL AND active "
                      "ORDER BY code LIMIT 1")[0][0]
        client = APIClient()
        client.force_authenticate(user=counter)
        # distinct customers per variant (no repeat detection in one and not the other)
        # interleaved: the outside customers alternately to "no lookup" and "lookup, not in an outage"
        rest = outside[60:60 + 2 * n]
        pools = {"no lookup": rest[0::2], "lookup, not in an outage": rest[1::2],
                 "lookup, inside an active outage": inside[30:30 + n]}
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
            for i in range(20):  # warm: caches, the connection, the views
                post(outside[i])
                post(inside[i])
            queries = {}  # the most of three intakes each (the same shape: no customer-dependent query)
            for name, pool in (("no lookup", outside[40:50]), ("lookup, not in an outage", outside[50:60]),
                               ("lookup, inside an active outage", inside[20:30])):
                variant(name)
                for cid in pool[:3]:
                    with CaptureQueriesContext(connection) as q:
                        post(cid)
                    queries[name] = max(queries.get(name, 0), len(q.captured_queries))
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
            # the garbage collector off while a batch runs, run between batches: a full collection
            # (tens of ms over this process's heap) landing in one batch of ~120 ms moved that
            # batch by 20-40 %, at random; the heap of the set-up frozen (not scanned again)
            gc.collect()
            gc.freeze()
            for b in range(n // BATCH):  # interleaved: A B C, A B C ... (the machine's load hits all alike)
                order = list(pools) if b % 2 == 0 else list(reversed(pools))
                for name in order:
                    variant(name)
                    gc.collect()
                    gc.disable()
                    t0, p0 = time.process_time(), pg_cpu()
                    for cid in pools[name][b * BATCH:(b + 1) * BATCH]:
                        post(cid)
                    dpy, dpg = time.process_time() - t0, pg_cpu() - p0
                    gc.enable()
                    py[name] += dpy
                    pg[name] += dpg
                    batches[name].append((dpy + dpg) / BATCH * 1000)
        finally:
            gc.enable()
            gc.unfreeze()
            registry.order_taken.register("outage", handler, order=10)
            services.outage_restore(outage=outage, by=_handler(ctx, st), result="已修复")
        done = (n // BATCH) * BATCH
        per = {k: (py[k] + pg[k]) / done * 1000 for k in pools}
        base, none, inside_ms = per["no lookup"], per["lookup, not in an outage"], per["lookup, inside an active outage"]
        growth_lookup = none / base - 1
        growth_inside = inside_ms / none - 1
        details = {"intakes_per_variant": done, "batch": BATCH, "areas_in_outage": len(areas),
                   "python_ms": {k: py[k] / done * 1000 for k in pools}, "postgres_ms": {k: pg[k] / done * 1000
                                                                                        for k in pools},
                   "batch_medians_ms": {k: statistics.median(v) for k, v in batches.items()}, "queries": queries}
        # the spread: the growth batch by batch (each pair of batches ran side by side)
        def quartiles(a: str, b: str) -> list[float]:
            g = sorted(y / x * 100 - 100 for x, y in zip(batches[a], batches[b], strict=True) if x)
            return [round(percentile(g, q), 1) for q in (25, 50, 75)] if g else []

        details["batch_growth_quartiles_pct"] = {"lookup": quartiles("no lookup", "lookup, not in an outage"),
                                                 "inside": quartiles("lookup, not in an outage",
                                                                     "lookup, inside an active outage")}
        spread = details["batch_growth_quartiles_pct"]
        q0, q1, q2 = (queries[k] for k in pools)
        return [
            Figure(scenario=self.name, unit="queries", value=q1 - q0, target="<= 1 (SPEC §12); inside = lookup; <= 12",
                   measure=f"intake queries: no lookup {q0}, lookup {q1}, inside an outage {q2} "
                           "(lookup, link and event: one statement)",
                   status=OK if q1 - q0 <= 1 and q2 <= q1 and q2 <= 12 else FAIL, details={"queries": queries}),
            Figure(scenario=self.name, unit="ms", value=base, details=details,
                   measure=f"CPU per intake (Python + PostgreSQL), {done} each, interleaved: no lookup"),
            Figure(scenario=self.name, unit="%", value=growth_lookup * 100, target=f"< {CPU_GROWTH * 100:.0f} %",
                   limit=CPU_GROWTH * 100, measure=f"CPU growth of the lookup, customer in no outage: {none:.2f} ms "
                           f"(batch pairs p25/p50/p75 {spread['lookup']} %)"),
            Figure(scenario=self.name, unit="%", value=growth_inside * 100, target=f"< {CPU_GROWTH * 100:.0f} %",
                   limit=CPU_GROWTH * 100,
                   measure=f"CPU growth inside an active outage (linked) vs not: {inside_ms:.2f} ms "
                           f"(batch pairs p25/p50/p75 {spread['inside']} %)"),
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
