"""CPU of intake's outage hook per call, in isolation (a quick probe for changes to it).

`python -m bench.outage_hook_cpu` on a kept bench database (`python -m bench --keep`; DATABASE_URL
pointing at it): opens a fault outage on the first station's first 10 transformer areas, then
calls, in transactions rolled back, `outages.selectors.active_outage_for` (the plain lookup the
intake pages run) and `outages.services.link_taken_order` (intake's hook: on PostgreSQL one call
of the function `outages_order_taken`) for 100 customers inside the outage and 100 outside it, 10
rounds each, three times over, and prints the Python CPU (this process) and the PostgreSQL
backend's CPU (from /proc) per call in microseconds. The deferred foreign-key checks of the link's
rows are run inside the measure (SET CONSTRAINTS ALL IMMEDIATE), as a commit would. The outage is
restored at the end.
"""

from __future__ import annotations

import os
import time
from datetime import timedelta
from pathlib import Path


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "servicecenter.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.utils import timezone

    from customers.models import Customer
    from outages import services
    from outages.selectors import active_outage_for

    from .context import load_dataset

    ds = load_dataset("full") or load_dataset("small") or load_dataset("tiny")
    st = ds.stations[0]["id"]
    handler = get_user_model().objects.get(pk=next(u["id"] for u in ds.users["handler"] if u["station_id"] == st))
    with connection.cursor() as cur:
        cur.execute("SELECT code FROM customers_transformerarea WHERE station_id = %s ORDER BY code LIMIT 10", [st])
        areas = [r[0] for r in cur.fetchall()]
        cur.execute("SELECT pg_backend_pid()")
        (pid,) = cur.fetchone()
    outage = services.outage_create(by=handler, kind="fault", cause="10kV线路故障跳闸", areas=areas,
                                    estimated_restore_at=timezone.now() + timedelta(hours=3))
    inside = list(Customer.objects.filter(station_id=st, area__code__in=areas).order_by("pk")[:100])
    outside = list(Customer.objects.filter(station_id=st).exclude(area__code__in=areas).order_by("pk")[:100])
    tick = os.sysconf("SC_CLK_TCK")
    seq = [10**12]

    def pg_cpu() -> float:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / tick

    def lookup(customer):
        active_outage_for(customer)

    def hook(customer):
        seq[0] += 1
        services.link_taken_order(subject_type="complaint", subject_id=seq[0], customer=customer, kind="repair",
                                  by=handler)

    def run(fn, pool, rounds: int) -> tuple[float, float]:
        py = pg = 0.0
        for _ in range(rounds):
            with transaction.atomic():
                t0, p0 = time.process_time(), pg_cpu()
                for customer in pool:
                    fn(customer)
                with connection.cursor() as cur:
                    cur.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the link's deferred FK checks
                py += time.process_time() - t0
                pg += pg_cpu() - p0
                transaction.set_rollback(True)
        n = rounds * len(pool)
        return py / n * 1e6, pg / n * 1e6

    try:
        for fn in (lookup, hook):  # warm: the connection, the function's plans
            run(fn, inside[:10], 1)
            run(fn, outside[:10], 1)
        results: dict[str, list] = {}
        for _ in range(3):
            for name, fn in (("lookup", lookup), ("hook", hook)):
                for where, pool in (("outside", outside), ("inside", inside)):
                    results.setdefault(f"{name} {where}", []).append(run(fn, pool, 10))
        for key, runs in results.items():
            print(f"{key:<16} python {[round(a) for a, _ in runs]} us, PostgreSQL {[round(b) for _, b in runs]} us "
                  f"per call")
        print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    finally:
        services.outage_restore(outage=outage, by=handler, result="已修复")


if __name__ == "__main__":
    main()
