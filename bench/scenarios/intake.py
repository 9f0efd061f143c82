"""Intake under load: POST /api/v1/complaints/ through gunicorn on loopback from a second
process (bench/loadgen.py), then check that every accepted complaint is in the database with a
unique number."""

from __future__ import annotations

from pathlib import Path

from ..report import FAIL, OK, Figure, percentile
from . import Scenario

RATE = 300.0
P95_MS = 100.0


def gunicorn_shape(ctx) -> tuple[int, int]:
    """(workers, threads). Sync workers, 4 per core: a sync worker serves one connection at a time
    and closes it, so requests spread over every worker (with gthread, keep-alive connections pile
    up on the worker that accepted them and wait for its few threads)."""
    import os

    return 4 * (os.cpu_count() or 2), 1


class Intake(Scenario):
    name = "intake"
    title = "intake through gunicorn, concurrent clients: >= 300 complaints/s, p95 < 100 ms, no errors"
    feature = "complaint intake API (complaints.services.complaint_intake)"
    requires = ("complaints.api.views:ComplaintViewSet", "complaints.services:complaint_intake")

    def run(self, ctx) -> list[Figure]:
        cats = [r[0] for r in ctx.sql("SELECT code FROM complaints_complaintcategory WHERE parent_id IS NOT NULL "
                                      "AND active ORDER BY code")]
        clients = []
        for u in ctx.users("counter"):
            rows = ctx.sql("SELECT id, name, phone FROM customers_customer WHERE station_id = %s AND id %% 7 = 3 "
                           "ORDER BY id LIMIT 2000", [u["station_id"]])
            clients.append({"token": u["token"],
                            "customers": [{"id": r[0], "name": r[1], "phone": r[2]} for r in rows]})
        before = ctx.sql("SELECT COALESCE(MAX(id), 0), COUNT(*) FROM complaints_complaint")[0]
        workers, threads = gunicorn_shape(ctx)
        base = ctx.gunicorn(workers=workers, threads=threads)
        warmup = min(5.0, max(2.0, ctx.scale.intake_seconds / 6))
        spec = {"mode": "intake", "base": base, "concurrency": ctx.scale.intake_clients, "warmup": warmup,
                "seconds": ctx.scale.intake_seconds, "clients": clients, "categories": cats}
        res = ctx.loadgen(spec, timeout=ctx.scale.intake_seconds + warmup + 120)
        ctx.cleanup()  # stop gunicorn before counting
        created = res["statuses"].get("201", 0)
        total = sum(res["statuses"].values())
        errors = total - created
        rate = created / res["elapsed"] if res["elapsed"] else 0.0
        lat = res["latencies_ms"]
        numbers = res["numbers"] + res["warmup_numbers"]  # the warm-up's complaints must be there too
        answered = len(numbers)
        in_db = ctx.sql("SELECT COUNT(*), COUNT(DISTINCT number) FROM complaints_complaint WHERE id > %s",
                        [before[0]])[0]
        listed = ctx.sql("SELECT COUNT(*) FROM complaints_complaint WHERE number = ANY(%s)", [numbers])[0][0]
        consistent = in_db[0] == answered == listed and in_db[1] == in_db[0] and len(set(numbers)) == answered
        shape = f"gunicorn {workers} workers x {threads} threads, {ctx.scale.intake_clients} clients, " \
                f"{ctx.scale.intake_seconds:.0f} s"
        details = {"requests": total, "created": created, "warmup_created": len(res["warmup_numbers"]),
                   "warmup_s": warmup, "statuses": res["statuses"], "errors": res["errors"],
                   "rows_in_db": in_db[0], "distinct_numbers_in_db": in_db[1], "answered_numbers_found": listed,
                   "shape": shape}
        cost = self.cpu_per_intake(ctx, clients[0], cats)
        return [
            Figure(scenario=self.name, measure=f"POST /api/v1/complaints/ throughput ({shape})", unit="req/s",
                   value=rate, target=f">= {RATE:.0f} /s", limit=RATE, higher_is_better=True, details=details),
            Figure(scenario=self.name, measure="POST /api/v1/complaints/ latency p95", unit="ms", samples=lat,
                   value=percentile(lat, 95), target=f"< {P95_MS:.0f} ms", limit=P95_MS),
            Figure(scenario=self.name, measure="errors (non-201 answers)", unit="count", value=errors,
                   target="0", status=OK if errors == 0 else FAIL,
                   note="" if errors == 0 else f"first: {res['errors'][:1]}"),
            Figure(scenario=self.name, measure="every complaint in the database, numbers unique", unit="rows",
                   value=in_db[0], target=f"= {answered:,} answered 201", status=OK if consistent else FAIL,
                   note="" if consistent else f"db rows {in_db[0]}, distinct {in_db[1]}, found {listed}"),
            *cost,
        ]

    def cpu_per_intake(self, ctx, client: dict, cats: list[str], n: int = 200) -> list[Figure]:
        """What one intake costs in CPU, one at a time (no contention): the gunicorn worker, the
        PostgreSQL server processes (when the server runs on this machine) and the client, read
        from /proc. Their sum bounds the rate: cores / CPU per intake, even with perfect scaling."""
        import os
        import random

        from ..loadgen import Http

        def cpu(pids) -> float:
            total = 0.0
            for pid in pids:
                try:
                    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
            return total

        def pids(name: str) -> list[int]:
            out = []
            for d in Path("/proc").iterdir():
                if d.name.isdigit():
                    try:
                        if (d / "comm").read_text().strip() == name:
                            out.append(int(d.name))
                    except OSError:
                        pass
            return out

        if not Path("/proc/self/stat").exists():
            return []
        base = ctx.gunicorn(workers=1, threads=1)
        master = ctx._procs[-1][0].pid
        workers = [int(p) for p in Path(f"/proc/{master}/task/{master}/children").read_text().split()]
        http_ = Http(base, client["token"])
        rng = random.Random(3)
        customers = client["customers"]

        def post() -> None:
            c = rng.choice(customers)
            code, payload, _ms = http_.request("POST", "/api/v1/complaints/", {
                "channel": "counter", "customer": c["id"], "complainant_name": c["name"],
                "complainant_phone": c["phone"], "category": rng.choice(cats),
                "description": "客户反映近期多次停电，要求尽快处理并答复。"})
            if code != 201:
                raise RuntimeError(f"intake answered {code}: {payload}")

        for _ in range(20):
            post()
        pg = pids("postgres")
        w0, p0, t0 = cpu(workers), cpu(pg), os.times()
        for _ in range(n):
            post()
        t1 = os.times()
        worker_ms = (cpu(workers) - w0) / n * 1000
        pg_ms = (cpu(pg) - p0) / n * 1000
        client_ms = ((t1.user + t1.system) - (t0.user + t0.system)) / n * 1000
        ctx.cleanup()
        total = worker_ms + pg_ms + client_ms
        cores = os.cpu_count() or 1
        ceiling = cores / total * 1000 if total else float("nan")
        return [Figure(scenario=self.name, unit="ms", value=total,
                       measure=f"CPU per intake, one at a time: gunicorn worker {worker_ms:.1f} + PostgreSQL "
                               f"{pg_ms:.1f} + client {client_ms:.1f} ms (at most {ceiling:.0f}/s on {cores} cores)",
                       details={"worker_ms": worker_ms, "postgres_ms": pg_ms, "client_ms": client_ms,
                                "intakes": n, "ceiling_per_s": ceiling, "postgres_processes": len(pg)})]
