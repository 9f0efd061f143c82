"""Demo crews and a month of work orders for `manage.py load_demo` (idempotent).

Per station one crew (the station's demo crew user leads it) and a month of orders run through
the real services at the moments a real month would have had them (see customers.demo.
simulated_time): repairs created by the handler, dispatched within minutes, the crew on site
mostly before the arrival target (some between target and ceiling, a few late with the reason
given), restored; surveys, meter checks and inspections done within their working days; a few
cancelled. The newest orders are still on their way, so /crew/ and /work-orders/ have work.
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from customers.demo import SEED, STATIONS, office_hours, register_demo_stories
from customers.models import Customer, SupplyStation

from . import services
from .models import Crew, WorkOrder

PER_DAY = {"S01": 2.0, "S02": 1.4, "S03": 1.0}
KINDS = [("repair", 70), ("meter_check", 12), ("survey", 10), ("inspection", 8)]
TEXTS = {
    "repair": ["居民反映整栋楼停电，疑似表箱进线开关故障。", "路灯线路短路跳闸，影响沿街商铺用电。",
               "配变低压侧熔丝熔断，需更换。", "客户反映电压偏低，空调无法启动。", "大风刮断入户线，一户停电。",
               "小区配电房漏电保护器频繁动作。"],
    "meter_check": ["客户对电量有异议，申请校验电能表。", "电能表显示屏故障，需现场检查。"],
    "survey": ["新装充电桩，现场勘查供电方案。", "商铺增容申请，现场勘查。"],
    "inspection": ["重要用户迎峰度夏安全检查。", "学校配电室年度安全检查。"],
}
NOTES = ["更换表箱进线开关，恢复供电。", "更换熔丝，测试正常。", "紧固接头，处理发热点。", "现场检查完毕，情况正常。",
         "已向客户说明情况并留存记录。"]
DELAYS = ["途中交通拥堵。", "前一处抢修未结束。", "山路施工绕行。"]


def _weighted(rng: random.Random, pairs):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights)[0]


def _story(*, station, crew, handler, lead, customer, kind, at, rng):
    yield at
    complaint = None
    if kind == "repair" and rng.random() < 0.25:
        from complaints.models import Complaint

        complaint = (Complaint.objects.filter(station=station, status__in=["received", "acknowledged"],
                                              category__code__startswith="operation.")
                     .order_by("-received_at").first())
        if complaint is not None and complaint.customer_id not in (None, getattr(customer, "pk", None)):
            customer = complaint.customer
    order = services.work_order_create(
        by=handler, kind=kind, station=station, customer=customer, complaint=complaint,
        description=rng.choice(TEXTS[kind]), address="" if customer else f"{station.name[:2]}人民路{rng.randint(1, 300)}号",
        priority=2 if kind == "repair" else 3)
    yield timezone.now() + timedelta(minutes=rng.uniform(1, 8) if kind == "repair" else rng.uniform(20, 240))
    if rng.random() < 0.03:
        services.work_order_cancel(work_order=order, by=handler, version=order.version, reason="客户已自行处理，取消工单。")
        return
    order = services.work_order_dispatch(work_order=order, by=handler, crew=crew, version=order.version)
    yield timezone.now() + timedelta(minutes=rng.uniform(1, 6))
    order = services.work_order_accept(work_order=order, by=lead, version=order.version)
    if kind != "repair":  # planned work: on the next working hours within its due date
        yield office_hours(timezone.now() + (order.due_at - timezone.now()) * rng.uniform(0.1, 0.7), rng)
    else:
        yield timezone.now() + timedelta(minutes=rng.uniform(1, 5))
    order = services.work_order_depart(work_order=order, by=lead, version=order.version)
    if kind == "repair":
        created = order.created_at
        roll = rng.random()
        if roll < 0.85:
            arrive = created + (order.arrive_target_at - created) * rng.uniform(0.45, 0.97)
        elif roll < 0.95:
            arrive = order.arrive_target_at + (order.arrive_due_at - order.arrive_target_at) * rng.uniform(0.1, 0.9)
        else:
            arrive = order.arrive_due_at + timedelta(minutes=rng.uniform(5, 40))
        yield max(arrive, timezone.now() + timedelta(minutes=2))
    else:
        yield timezone.now() + timedelta(minutes=rng.uniform(15, 50))
    late = order.arrive_due_at is not None and timezone.now() > order.arrive_due_at
    order = services.work_order_arrive(work_order=order, by=lead, version=order.version,
                                       delay_reason=rng.choice(DELAYS) if late else "",
                                       customer_informed=True if late else None)
    if order.restore_due_at:
        span = order.restore_due_at - timezone.now()
        yield timezone.now() + span * (rng.uniform(0.2, 0.9) if rng.random() < 0.93 else rng.uniform(1.05, 1.4))
    else:
        yield timezone.now() + timedelta(minutes=rng.uniform(30, 150))
    services.work_order_complete(work_order=order, by=lead, version=order.version, notes=rng.choice(NOTES))


def stories(start, now) -> list:
    """The crews (created at once) and one story per work order of the month (see complaints'
    demo for the sweep that runs on the same timeline)."""
    User = get_user_model()
    stories = []
    rng = random.Random(f"{SEED}-workorders")
    for code, _name, _area, district in STATIONS:
        station = SupplyStation.objects.filter(code=code).first()
        s = code.lower()
        lead = User.objects.filter(username=f"crew_{s}").first()
        handler = User.objects.filter(username=f"handler_{s}").first()
        if station is None or lead is None or handler is None:
            continue
        crew, _new = Crew.objects.get_or_create(name=f"{district}抢修一班", defaults={"station": station, "leader": lead})
        crew.members.add(lead)
        if WorkOrder.objects.filter(station=station).exists():
            continue
        customers = list(Customer.objects.filter(station=station).order_by("account_no"))
        day = start
        while day < now:
            weekday = timezone.localtime(day).weekday() < 5
            rate = PER_DAY[code] * (1.1 if weekday else 0.8)
            for _ in range(max(0, int(rng.gauss(rate, rate ** 0.5) + 0.5))):
                kind = _weighted(rng, KINDS)
                hour = rng.randint(0, 23) if kind == "repair" else rng.randint(9, 16)
                at = timezone.localtime(day).replace(hour=hour, minute=rng.randint(0, 59), second=rng.randint(0, 59),
                                                     microsecond=0)
                if start <= at < now:
                    stories.append(_story(station=station, crew=crew, handler=handler, lead=lead, kind=kind, at=at,
                                          customer=rng.choice(customers) if customers and rng.random() < 0.8 else None,
                                          rng=random.Random(f"{SEED}-wo-{code}-{len(stories)}")))
            day += timedelta(days=1)
        # the last two hours' repairs are still under way: created, dispatched, en route, on site
        for minutes in (1, 9, 20, 38, 70, 110):
            stories.append(_story(station=station, crew=crew, handler=handler, lead=lead, kind="repair",
                                  at=now - timedelta(minutes=minutes, seconds=rng.randint(0, 59)),
                                  customer=rng.choice(customers) if customers else None,
                                  rng=random.Random(f"{SEED}-wo-{code}-{len(stories)}")))
    return stories


register_demo_stories("workorders", stories, order=30)
