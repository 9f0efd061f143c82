"""CPU per intake, in process (a quick before/after probe for changes to the intake path).

`python -m bench.intake_cpu [N]` on a database with the demo data (`manage.py load_demo`): N
complaint intakes through the whole API stack (middleware, DRF, the service) by the demo counter
user, one at a time, reporting the Python CPU (this process) and the PostgreSQL backend's CPU (from
/proc) per intake, and the queries per intake. The bench's own intake figure (gunicorn + load
generator) needs a quiet machine; this one does not, as it counts CPU time, not wall time.
"""

from __future__ import annotations

import os
import sys
import time


def main(n: int = 300) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "servicecenter.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from rest_framework.test import APIClient

    from customers.models import Customer

    user = get_user_model().objects.filter(groups__name="counter").order_by("username").first()
    station_id = user.profile.station_id
    customers = list(Customer.objects.filter(station_id=station_id).values_list("pk", flat=True)[:50])
    client = APIClient()
    client.force_authenticate(user=user)

    def post(i: int):
        body = {"channel": "counter", "customer": customers[i % len(customers)], "category": "service.attitude",
                "description": "营业厅工作人员态度生硬。", "acknowledge_now": i % 2 == 0}
        r = client.post("/api/v1/complaints/", body, format="json")
        assert r.status_code == 201, r.content

    for i in range(30):  # warm caches (categories, policies, calendar), the connection
        post(i)
    with connection.cursor() as cur:
        cur.execute("SELECT pg_backend_pid()")
        (pid,) = cur.fetchone()
    tick = os.sysconf("SC_CLK_TCK")

    def pg_cpu() -> float:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / tick

    with CaptureQueriesContext(connection) as ctx:
        post(0)
    queries = len(ctx.captured_queries)
    t0, p0 = time.process_time(), pg_cpu()
    for i in range(n):
        post(i)
    py = (time.process_time() - t0) / n * 1000
    pg = (pg_cpu() - p0) / n * 1000
    print(f"intake CPU per request over {n}: python {py:.2f} ms + PostgreSQL {pg:.2f} ms = {py + pg:.2f} ms; "
          f"{queries} queries; load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 300)
