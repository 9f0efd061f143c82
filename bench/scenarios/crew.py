"""Crew tablets: concurrent crew members walk their work orders through accept -> depart ->
arrive -> complete over gunicorn, with versions and Idempotency-Keys (bench/loadgen.py, mode
"crew"); the two tablets of a crew race on one shared order. Afterwards every order must be
completed with exactly one event per step (no lost update, nothing done twice)."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from ..report import FAIL, OK, Figure, percentile
from . import Scenario
from .intake import gunicorn_shape

P95_MS = 100.0
STEPS = ("accepted", "en_route", "on_site", "completed")


class CrewUpdates(Scenario):
    name = "crew"
    title = "crew tablets walking orders with versions + Idempotency-Key: no lost update, no 500, p95 < 100 ms"
    feature = "work-order actions API (workorders.api.views, workorders.services)"
    requires = ("workorders.api.views:WorkOrderViewSet", "workorders.services:work_order_dispatch",
                "workorders.idempotency:run_once")

    def prepare(self, ctx) -> tuple[list[dict], list[int]]:
        """Dispatched repair orders: `orders_per_tablet` of its own for each tablet, plus one per
        crew that both of its tablets walk at once."""
        from customers.models import Customer, SupplyStation
        from workorders.models import Crew
        from workorders.services import work_order_create, work_order_dispatch

        User = get_user_model()
        tokens = {u["id"]: u["token"] for u in ctx.users("crew")}
        handlers = {u["station_id"]: u["id"] for u in ctx.users("handler")}
        n_crews = (ctx.scale.tablets + 1) // 2
        crews = ctx.ds.crews[:n_crews]
        tablets, order_ids = [], []
        for c in crews:
            crew = Crew.objects.get(pk=c["id"])
            station = SupplyStation.objects.get(pk=c["station_id"])
            dispatcher = User.objects.get(pk=handlers[c["station_id"]])
            customers = list(Customer.objects.filter(station=station).order_by("id")[c["id"] * 7: c["id"] * 7 + 20])

            def new_order(i, crew=crew, station=station, dispatcher=dispatcher, customers=customers):
                cust = customers[i % len(customers)]
                wo = work_order_create(by=dispatcher, kind="repair", station=station, customer=cust,
                                       address=cust.address, description="用户报修：家中停电",
                                       contact_name=cust.name, contact_phone=cust.phone)
                wo = work_order_dispatch(work_order=wo, by=dispatcher, crew=crew, version=wo.version)
                order_ids.append(wo.pk)
                return {"id": wo.pk, "status": wo.status, "version": wo.version}

            shared = new_order(0)
            for m, member_id in enumerate(c["member_ids"][:2]):
                if len(tablets) >= ctx.scale.tablets:
                    break
                own = [new_order(1 + m * ctx.scale.orders_per_tablet + k) for k in range(ctx.scale.orders_per_tablet)]
                tablets.append({"token": tokens[member_id], "crew": crew.pk, "orders": [dict(shared), *own]})
        return tablets, order_ids

    def run(self, ctx) -> list[Figure]:
        tablets, order_ids = self.prepare(ctx)
        workers, threads = gunicorn_shape(ctx)
        base = ctx.gunicorn(workers=workers, threads=threads)
        think = ctx.scale.crew_think
        res = ctx.loadgen({"mode": "crew", "base": base, "tablets": tablets, "replay_rate": 0.1,
                           "think": list(think)}, timeout=600)
        ctx.cleanup()
        lat = res["latencies_ms"]
        five = sum(v for k, v in res["statuses"].items() if k.startswith("5"))
        rows = ctx.sql(
            """SELECT w.id, w.status, w.version,
                      (SELECT COUNT(*) FROM workorders_workorderevent e
                        WHERE e.work_order_id = w.id AND e.to_status = ANY(%s))
               FROM workorders_workorder w WHERE w.id = ANY(%s)""", [list(STEPS), order_ids])
        not_done = [r[0] for r in rows if r[1] != "completed"]
        # dispatched orders start at the version dispatch gave them; each step adds one event
        wrong_events = [r[0] for r in rows if r[3] != len(STEPS)]
        lost = not_done or wrong_events or res["replay_mismatch"] or res["problems"]
        details = {k: res[k] for k in ("steps_done", "conflicts", "replays", "replay_mismatch", "server_errors")}
        details.update(orders=len(order_ids), tablets=len(tablets), statuses=res["statuses"],
                       problems=res["problems"][:5], not_completed=not_done[:10], wrong_event_count=wrong_events[:10],
                       elapsed_s=round(res["elapsed"], 2), think_s=list(think),
                       requests_per_s=round(len(lat) / res["elapsed"], 1) if res["elapsed"] else None)
        note = ""
        if lost:
            note = (f"{len(not_done)} not completed, {len(wrong_events)} with wrong step events, "
                    f"{res['replay_mismatch']} replay mismatches, {len(res['problems'])} refused")
        return [
            Figure(scenario=self.name, measure=f"POST /api/v1/work-orders/{{id}}/<step>/ p95 ({len(tablets)} tablets, "
                                               f"{think[0]:g}-{think[1]:g} s between taps)",
                   unit="ms", samples=lat, value=percentile(lat, 95), target=f"< {P95_MS:.0f} ms", limit=P95_MS,
                   details=details),
            Figure(scenario=self.name, measure="5xx answers", unit="count", value=five, target="0",
                   status=OK if five == 0 else FAIL),
            Figure(scenario=self.name, measure=f"orders completed, one event per step ({res['conflicts']} races, "
                                               f"{res['replays']} replays)", unit="count",
                   value=len(order_ids) - len(set(not_done) | set(wrong_events)),
                   target=f"= {len(order_ids)} (no lost update)", status=FAIL if lost else OK, note=note),
        ]
