"""Demo crews and work orders for `manage.py load_demo` (idempotent: a second run adds nothing).

Per station: one crew (the station's demo crew user leads it) and a handful of orders in every
stage, so /crew/ (crew_s01 …) and /work-orders/ (handler_s01 …) have something to show.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction

from customers.demo import STATIONS, register_demo_loader
from customers.models import Customer, SupplyStation

from . import services
from .models import Crew, WorkOrder

ORDERS = [
    # (kind, stage, description)
    ("repair", "dispatched", "居民反映整栋楼停电，疑似表箱进线开关故障。"),
    ("repair", "accepted", "路灯线路短路跳闸，影响沿街商铺用电。"),
    ("repair", "on_site", "配变低压侧熔丝熔断，需更换。"),
    ("repair", "created", "客户反映电压偏低，空调无法启动。"),
    ("meter_check", "dispatched", "客户对电量有异议，申请校验电能表。"),
    ("survey", "created", "新装充电桩，现场勘查供电方案。"),
]


def load() -> str | None:
    User = get_user_model()
    made_crews = made_orders = 0
    for code, _name, _area, district in STATIONS:
        station = SupplyStation.objects.filter(code=code).first()
        s = code.lower()
        lead = User.objects.filter(username=f"crew_{s}").first()
        handler = User.objects.filter(username=f"handler_{s}").first()
        if station is None or lead is None or handler is None:
            continue
        with transaction.atomic():
            crew, new = Crew.objects.get_or_create(name=f"{district}抢修一班", defaults={"station": station,
                                                                                   "leader": lead})
            crew.members.add(lead)
            made_crews += new
            if WorkOrder.objects.filter(station=station).exists():
                continue
            customers = list(Customer.objects.filter(station=station).order_by("grade", "account_no")[:len(ORDERS)])
            complaint = _open_complaint(station)
            for i, (kind, stage, text) in enumerate(ORDERS):
                customer = customers[i] if i < len(customers) else None
                order = services.work_order_create(
                    by=handler, kind=kind, station=station, customer=customer, description=text,
                    address="" if customer else f"{district}人民路{10 + i}号",
                    complaint=complaint if i == 0 and complaint and complaint.customer_id in (
                        None, getattr(customer, "pk", None)) else None)
                _advance(order, stage, crew, handler, lead)
                made_orders += 1
    return f"{made_crews} crews, {made_orders} work orders created"


def _open_complaint(station):
    from complaints.models import Complaint

    return Complaint.objects.filter(station=station, status__in=["received", "acknowledged"]).order_by(
        "received_at").first()


def _advance(order, stage, crew, handler, lead):
    if stage == "created":
        return
    order = services.work_order_dispatch(work_order=order, by=handler, crew=crew, version=order.version)
    if stage == "dispatched":
        return
    order = services.work_order_accept(work_order=order, by=lead, version=order.version)
    if stage == "accepted":
        return
    order = services.work_order_depart(work_order=order, by=lead, version=order.version)
    services.work_order_arrive(work_order=order, by=lead, version=order.version)


register_demo_loader("workorders", load, order=30)
