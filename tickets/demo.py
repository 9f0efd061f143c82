"""Demo orders of every kind but complaints for `manage.py load_demo` (SPEC §11), once.

A 95598 center's day is mostly repair calls and enquiries: the demo takes the other kinds in, in a
center's proportions beside the complaints of complaints/demo.py (repair ~45 %, enquiry ~25 %,
service requests ~12 %, complaints ~8 %, opinions, reports, suggestions and praise the rest), over
the last DAYS days of the demo month (a whole month of them would make `make run` load for
minutes; the complaints keep their month). Every order goes through the real services at the
moment a real center would have had it: enquiries mostly answered on the spot, repair calls with
their crew's work order dispatched, on site and completed (the caller called back the next
working day), service requests and reports handled within their working days, a few returned by
the station, a few terminated. The newest orders are still open, so the lists and the queue have
work of every kind. Idempotent: a second run adds nothing.
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from complaints import services
from complaints.choices import OrderKind, ServiceType
from complaints.models import Complaint
from customers.demo import SEED, STATIONS, demo_person, demo_phone, office_hours, register_demo_stories
from customers.models import Customer, SupplyStation
from workorders import services as wo_services
from workorders.models import Crew

from .services import ticket_intake

DAYS = 7
# orders of these kinds per station per day, beside the complaints' 4.5 / 2.5 / 1.5 (8 %)
PER_DAY = {"S01": 56.0, "S02": 31.0, "S03": 19.0}
MIX = [(OrderKind.REPAIR, 49), (OrderKind.ENQUIRY, 27), (OrderKind.SERVICE, 13), (OrderKind.OPINION, 4),
       (OrderKind.REPORT, 2.5), (OrderKind.SUGGESTION, 2), (OrderKind.PRAISE, 2.5)]
CHANNELS = [("phone", 70), ("counter", 14), ("wechat", 10), ("web", 6)]
SERVICE_TYPES = [(ServiceType.RECONNECTION, 30), (ServiceType.METER_FAULT, 22), (ServiceType.READING_ANOMALY, 20),
                 (ServiceType.APPLIANCE_DAMAGE, 8), (ServiceType.OTHER, 20)]
TEXTS = {
    OrderKind.REPAIR: ["家中突然停电，邻居家也没电。", "楼道表箱冒烟，有焦糊味。", "大风刮断入户线，一户停电。",
                       "小区整栋楼停电，疑似配电房故障。", "家里跳闸后合不上，总开关发热。", "路边电杆倾斜，导线下垂。"],
    OrderKind.ENQUIRY: ["咨询本月电费账单明细。", "咨询峰谷电价的时段划分。", "咨询新装充电桩需要哪些材料。",
                        "咨询计划停电的时间和范围。", "咨询如何办理过户手续。", "咨询阶梯电价的档位标准。"],
    OrderKind.SERVICE: {
        ServiceType.RECONNECTION: ["已缴清欠费，申请尽快复电。"],
        ServiceType.METER_FAULT: ["电能表显示屏不亮，申请检查。", "电表走字异常，申请校验。"],
        ServiceType.READING_ANOMALY: ["本月抄见电量明显偏高，申请核查。"],
        ServiceType.APPLIANCE_DAMAGE: ["雷雨后电压异常，家中电视损坏，申请核查。"],
        ServiceType.OTHER: ["申请更改账户联系电话。", "申请打印近一年的缴费记录。"],
    },
    OrderKind.OPINION: ["希望营业厅延长周末营业时间。", "停电通知短信内容太简单，希望说明原因。"],
    OrderKind.REPORT: ["举报附近工地私拉乱接、窃电。", "举报抄表员索要好处费。", "举报有人破坏电力设施、偷盗电缆。"],
    OrderKind.SUGGESTION: ["建议在小区增设充电桩。", "建议网上国网增加电费分析功能。"],
    OrderKind.PRAISE: ["抢修班组深夜冒雨抢修，及时恢复供电，特此表扬。", "营业厅工作人员耐心细致，表示感谢。"],
}
ANSWERS = ["已向客户详细解释，客户表示清楚。", "已告知办理流程和所需材料。", "已说明电价政策和计算方法。"]
REPLIES = ["已安排人员处理完毕，并向客户反馈。", "经核实已处理，客户认可。", "已转相关部门落实，并答复客户。"]


def _weighted(rng: random.Random, pairs):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights)[0]


def _users() -> dict:
    User = get_user_model()
    names = ["manager"] + [f"{r}_{code.lower()}" for code, *_ in STATIONS for r in ("counter", "handler", "head", "crew")]
    out = {u.username: u for u in User.objects.filter(username__in=names)}
    out["stations"] = {s.code: s for s in SupplyStation.objects.all()}
    return out


def _plans(rng: random.Random, start, now) -> list[dict]:
    plans = []
    for code, *_rest in STATIONS:
        customers = list(Customer.objects.filter(station__code=code).order_by("account_no"))
        day = start
        while day < now:
            weekday = timezone.localtime(day).weekday() < 5
            rate = PER_DAY[code] * (1.15 if weekday else 0.7)
            for _ in range(max(0, int(rng.gauss(rate, rate ** 0.5) + 0.5))):
                kind = _weighted(rng, MIX)
                hour = (rng.randint(0, 23) if kind == OrderKind.REPAIR
                        else _weighted(rng, [(8, 6), (9, 10), (10, 10), (11, 8), (14, 9), (15, 9), (16, 8), (19, 4),
                                             (20, 3)]))
                at = timezone.localtime(day).replace(hour=hour, minute=rng.randint(0, 59), second=rng.randint(0, 59),
                                                     microsecond=0)
                if not start <= at < now:
                    continue
                channel = _weighted(rng, CHANNELS)
                if channel == "counter" and not 8 <= hour < 18:
                    channel = "phone"
                plan = {"station": code, "at": at, "kind": kind, "channel": channel}
                if kind == OrderKind.SERVICE:
                    plan["service_type"] = _weighted(rng, SERVICE_TYPES)
                    plan["description"] = rng.choice(TEXTS[kind][plan["service_type"]])
                else:
                    plan["description"] = rng.choice(TEXTS[kind])
                if kind == OrderKind.REPORT and rng.random() < 0.5:
                    plan["anonymous"] = True
                elif customers and rng.random() < 0.75:
                    plan["customer"] = rng.choice(customers)
                else:
                    plan["name"], plan["phone"] = demo_person(rng), demo_phone(rng)
                if kind == OrderKind.REPAIR:
                    where = plan.get("customer")
                    plan["address"] = where.address if where is not None and where.address else (
                        f"{code}供电所辖区人民路{rng.randint(1, 300)}号")
                    plan["inside"] = rng.random() < 0.12
                plans.append(plan)
            day += timedelta(days=1)
    return sorted(plans, key=lambda p: p["at"])


def _repair(order, *, lead, crew, rng):
    """The crew's side of a repair call: dispatched, en route, on site, completed (which resolves
    the order and starts its callback, complaints.services.order_repaired)."""
    wo = order.work_orders.order_by("pk").first()
    if wo is None:
        return
    yield timezone.now() + timedelta(minutes=rng.uniform(1, 8))
    wo = wo_services.work_order_dispatch(work_order=wo, by=order.handler or lead, crew=crew, version=wo.version)
    yield timezone.now() + timedelta(minutes=rng.uniform(1, 5))
    wo = wo_services.work_order_accept(work_order=wo, by=lead, version=wo.version)
    wo = wo_services.work_order_depart(work_order=wo, by=lead, version=wo.version)
    created = wo.created_at
    roll = rng.random()
    if roll < 0.86:
        arrive = created + (wo.arrive_target_at - created) * rng.uniform(0.4, 0.97)
    elif roll < 0.96:
        arrive = wo.arrive_target_at + (wo.arrive_due_at - wo.arrive_target_at) * rng.uniform(0.1, 0.9)
    else:
        arrive = wo.arrive_due_at + timedelta(minutes=rng.uniform(5, 40))
    yield max(arrive, timezone.now() + timedelta(minutes=2))
    late = timezone.now() > wo.arrive_due_at
    wo = wo_services.work_order_arrive(work_order=wo, by=lead, version=wo.version,
                                       delay_reason="途中交通拥堵。" if late else "", customer_informed=True if late else None)
    span = wo.restore_due_at - timezone.now() if wo.restore_due_at else timedelta(hours=2)
    yield timezone.now() + span * (rng.uniform(0.2, 0.85) if rng.random() < 0.94 else rng.uniform(1.05, 1.3))
    wo_services.work_order_complete(work_order=wo, by=lead, version=wo.version,
                                    notes=rng.choice(["更换熔丝，恢复供电。", "紧固接头，恢复供电。", "更换表箱开关，恢复供电。"]))


def _story(plan: dict, users: dict, crews: dict, rng: random.Random):
    s = plan["station"].lower()
    counter, handler, head, lead = (users[f"counter_{s}"], users[f"handler_{s}"], users[f"head_{s}"],
                                    users.get(f"crew_{s}"))
    manager, kind = users["manager"], plan["kind"]
    at = plan["at"]
    yield at if plan["channel"] == "counter" else at + timedelta(minutes=rng.randint(1, 6))
    on_the_spot = kind == OrderKind.ENQUIRY and rng.random() < 0.72
    order = ticket_intake(
        by=counter, kind=kind, channel=plan["channel"], description=plan["description"],
        customer=plan.get("customer"), complainant_name=plan.get("name", ""), complainant_phone=plan.get("phone", ""),
        anonymous=plan.get("anonymous", False), received_at=at, station=users["stations"][plan["station"]],
        service_type=plan.get("service_type", ""), address=plan.get("address", ""),
        inside_installation=plan.get("inside") if kind == OrderKind.REPAIR else None,
        answer=rng.choice(ANSWERS) if on_the_spot else "")
    if on_the_spot:
        return
    # taken from the station queue within the dispatch minutes (most), or given by the head
    yield office_hours(order.received_at + timedelta(minutes=rng.choice([2, 4, 6, 9, 12, 15, 19, 30])), rng) \
        if kind != OrderKind.REPAIR else order.received_at + timedelta(minutes=rng.uniform(1, 12))
    if kind in (OrderKind.SERVICE, OrderKind.OPINION) and rng.random() < 0.03:
        services.order_return(complaint=order, by=handler, reason="经核实不属于本所辖区，退回服务中心。")
        yield timezone.now() + timedelta(minutes=rng.uniform(10, 60))
        services.order_send(complaint=Complaint.all_kinds.get(pk=order.pk), by=manager,
                            station=users["stations"][plan["station"]])
        yield timezone.now() + timedelta(minutes=rng.uniform(5, 30))
    order = Complaint.all_kinds.get(pk=order.pk)
    services.complaint_take(complaint=order, by=handler if rng.random() < 0.85 else head)
    order = Complaint.all_kinds.get(pk=order.pk)
    owner = order.handler

    if kind == OrderKind.REPAIR and not plan.get("inside") and lead is not None:
        yield from _repair(order, lead=lead, crew=crews[plan["station"]], rng=rng)
    else:
        if order.status == "received" and order.ack_due_at:  # first contact (opinions, reports)
            yield timezone.now() + (order.ack_due_at - timezone.now()) * rng.uniform(0.05, 0.6)
            services.complaint_acknowledge(complaint=order, by=owner, how="phone", note="已联系客户，了解情况。")
            order = Complaint.all_kinds.get(pk=order.pk)
        due = order.resolve_due_at or timezone.now() + timedelta(hours=4)
        late = rng.random() < 0.05
        left = due - timezone.now()
        yield (due + timedelta(hours=rng.uniform(1, 20)) if late
               else office_hours(timezone.now() + max(left * rng.uniform(0.1, 0.8), timedelta(minutes=30)), rng))
        order = Complaint.all_kinds.get(pk=order.pk)
        if kind == OrderKind.REPORT and rng.random() < 0.1:
            services.order_terminate(complaint=order, by=manager, reason="举报人要求赔偿，超出规定范围，终止服务。")
            return
        verified = rng.random() < 0.5
        reply = ("已电话指导客户检查户内线路，说明户内故障可预约有偿服务。" if kind == OrderKind.REPAIR
                 else rng.choice(ANSWERS) if kind == OrderKind.ENQUIRY else rng.choice(REPLIES))
        services.complaint_resolve(complaint=order, by=owner, resolution=reply,
                                   verified=verified if kind == OrderKind.REPORT else None,
                                   utility_responsible=(verified and rng.random() < 0.6) if kind == OrderKind.REPORT
                                   else None)
    order = Complaint.all_kinds.get(pk=order.pk)
    if order.status != "resolved" or order.callback_due_at is None:
        return  # closed at the reply (no callback), or the crew is not done
    yield office_hours(order.resolved_at + timedelta(hours=rng.uniform(1, 20)), rng)
    services.complaint_callback(complaint=Complaint.all_kinds.get(pk=order.pk), by=counter,
                                satisfaction=_weighted(rng, [("satisfied", 92), ("neutral", 7), ("dissatisfied", 1)]),
                                note="客户对处理结果表示满意。")


def stories(start, now) -> list:
    users = _users()
    needed = [f"{r}_{code.lower()}" for code, *_ in STATIONS for r in ("counter", "handler", "head")] + ["manager"]
    if any(n not in users for n in needed) or Complaint.all_kinds.exclude(kind=OrderKind.COMPLAINT).exists():
        return []
    crews = {}
    for code, _name, _area, district in STATIONS:
        lead = users.get(f"crew_{code.lower()}")
        if lead is not None:
            crews[code], _new = Crew.objects.get_or_create(name=f"{district}抢修一班",
                                                           defaults={"station": users["stations"][code], "leader": lead})
            crews[code].members.add(lead)
    rng = random.Random(f"{SEED}-tickets")
    plans = _plans(rng, max(start, now - timedelta(days=DAYS)), now)
    return [_story(p, users, crews, random.Random(f"{SEED}-t-{n}")) for n, p in enumerate(plans)]


register_demo_stories("tickets", stories, order=25)
