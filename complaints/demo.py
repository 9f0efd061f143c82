"""Demo complaints for `manage.py load_demo`: a month of a service center's complaints.

Every complaint is taken, handled and called back through the real services, each step at the
moment a real month would have had it (`customers.demo.simulated_time`): received in office
hours and in the evening, taken from the station queue within minutes, first contact within
the policy's hours (a few late), paused while the complainant is away, urged, extended,
resolved in working days (a few late), called back, a few reopened; the SLA sweep runs every few
hours of the month, so breaches and escalations happen when they would have. What the month has
not reached yet stays open: the newest complaints wait in their station's queue.
Idempotent: a second run adds nothing.
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from customers.demo import SEED, STATIONS, demo_person, demo_phone, office_hours, register_demo_stories
from customers.models import Customer, SupplyStation
from servicecenter.exceptions import DomainError

from . import services
from .models import Complaint, ComplaintCategory, Escalation

# complaints per station per day on average (the urban station is the busiest)
PER_DAY = {"S01": 4.5, "S02": 2.5, "S03": 1.5}

CHANNELS = [("phone", 46), ("counter", 18), ("wechat", 12), ("web", 8), ("letter", 5), ("visit", 7), ("forwarded", 4)]
TEXTS = {
    "service.attitude": ["营业厅工作人员态度生硬，解释不耐烦。", "电话咨询时客服人员中途挂断电话。"],
    "service.conduct": ["抄表员未出示工作证进入小区。", "工作人员上门服务迟到一个多小时且未提前告知。"],
    "billing.meter_reading": ["本月电费比上月高出一倍，怀疑抄表有误。", "连续两个月估抄，电量与实际不符。"],
    "billing.fees": ["办理业务被收取不明费用。"],
    "billing.tariff": ["峰谷电价执行有误，谷段电量偏少。", "阶梯电价计算与公示标准不一致。"],
    "billing.collection": ["已缴费仍收到欠费停电通知。", "催费短信频繁且措辞不当。"],
    "billing.metering": ["电能表走字过快，申请校验。", "电表显示屏不亮，无法读数。"],
    "billing.connection": ["报装申请已超过十个工作日仍未接电。", "一户一表改造后迟迟未通电。"],
    "operation.fault": ["故障报修后抢修人员迟迟未到。", "小区频繁跳闸，报修多次未解决。"],
    "operation.quality": ["近一周晚间电压偏低，空调无法启动。", "电压波动大，灯光忽明忽暗。"],
    "operation.outage_notice": ["计划停电未提前通知，生产线被迫停工。", "停电公告张贴位置不明显。"],
    "operation.appliance_damage": ["停电恢复时电压过高，烧坏冰箱和电视。"],
    "operation.hazard": ["小区门口电杆倾斜，存在安全隐患。", "配电箱门损坏，线路裸露。"],
    "operation.construction": ["线路施工后路面未恢复，影响通行。"],
    "operation.environment": ["变压器噪音大，影响夜间休息。"],
    "operation.grid_upgrade": ["电网改造施工长期占道，影响出行。"],
    "publicity.insufficient": ["电费新政策未做宣传，缴费时才知道。"],
}
REPLIES = [
    "经现场核实情况属实，已整改并向客户致歉，客户表示认可。",
    "已安排专人上门解释并处理，问题已解决。",
    "经核查系客户内部线路问题，已指导客户自行维修，并做好解释工作。",
    "已重新核算电费并退补差额，向客户说明原因。",
    "已对相关人员进行批评教育，纳入月度考核。",
]


def _weighted(rng: random.Random, pairs):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights)[0]


def _users() -> dict:
    User = get_user_model()
    names = ["manager", "leader"] + [f"{r}_{code.lower()}" for code, *_ in STATIONS
                                     for r in ("counter", "handler", "head")]
    out = {u.username: u for u in User.objects.filter(username__in=names)}
    out["stations"] = {s.code: s for s in SupplyStation.objects.all()}
    return out


def _plans(rng: random.Random, start, now) -> list[dict]:
    """Who complains, when, about what: per station a Poisson-like stream over the month, more on
    weekdays and in office hours, plus one walk-in who comes back three times (重复投诉预警)."""
    cats = {c.code: c for c in ComplaintCategory.objects.filter(parent__isnull=False, active=True)}
    codes = [c for c in TEXTS if c in cats]
    plans = []
    for code, *_rest in STATIONS:
        customers = list(Customer.objects.filter(station__code=code).order_by("account_no"))
        rng.shuffle(customers)
        day = start
        while day < now:
            local = timezone.localtime(day)
            rate = PER_DAY[code] * (1.25 if local.weekday() < 5 else 0.55)
            for _ in range(int(rng.gauss(rate, rate ** 0.5) + 0.5)):
                hour = _weighted(rng, [(7, 2), (8, 6), (9, 10), (10, 10), (11, 8), (13, 6), (14, 9), (15, 9),
                                       (16, 8), (17, 6), (19, 4), (20, 3), (21, 2), (22, 1)])
                at = timezone.localtime(day).replace(hour=hour, minute=rng.randint(0, 59),
                                                     second=rng.randint(0, 59), microsecond=0)
                if at >= now or at < start:
                    continue
                channel = _weighted(rng, CHANNELS)
                if channel == "counter" and not 8 <= hour < 18:
                    channel = "phone"  # the service hall is closed in the evening
                cat = rng.choice(codes)
                plan = {"station": code, "at": at, "now": now, "channel": channel, "category": cats[cat],
                        "description": rng.choice(TEXTS[cat]), "severity": "major" if rng.random() < 0.04 else "normal"}
                if customers and rng.random() < 0.7:
                    plan["customer"] = customers.pop()
                else:
                    plan["name"], plan["phone"] = demo_person(rng), demo_phone(rng)
                plans.append(plan)
            day += timedelta(days=1)
    # the complainant who comes back (the third time raises the repeat warning)
    s01 = [p for p in plans if p["station"] == "S01"]
    if len(s01) > 30:
        name, phone = "李秀英", "13800138001"
        for p in (s01[-25], s01[-12], s01[-3]):
            p.pop("customer", None)
            p.update(name=name, phone=phone, category=cats["service.attitude"], channel="counter",
                     description="营业厅窗口排队一小时无人办理，多次反映无人联系。")
            p["at"] = office_hours(p["at"], rng)
    # whatever the hour the demo is loaded, the newest two calls of each station came in minutes ago
    # and wait in the station queue, untaken, inside their 20-minute dispatch deadline (the 95598
    # line answers round the clock; distinct minutes: two calls at one instant are one moment too few)
    waiting = [p for code, *_rest in STATIONS for p in [p for p in plans if p["station"] == code][-2:]]
    for p, minutes in zip(waiting, rng.sample(range(2, 17), len(waiting)), strict=True):
        p.update(waiting=True, at=now - timedelta(minutes=minutes), channel="phone")
    return sorted(plans, key=lambda p: p["at"])


def _story(plan: dict, users: dict, rng: random.Random):
    """One complaint from receipt to close, one step per yield (see customers.demo.run_stories)."""
    s = plan["station"].lower()
    counter, handler, head = users[f"counter_{s}"], users[f"handler_{s}"], users[f"head_{s}"]
    manager = users["manager"]
    at = plan["at"]
    forwarded = plan["channel"] == "forwarded"
    by = manager if forwarded else counter
    # phone calls and letters are entered a little after they were received
    yield at if plan["channel"] == "counter" or plan.get("waiting") else at + timedelta(minutes=rng.randint(2, 15))
    on_the_spot = plan["channel"] == "counter" and rng.random() < 0.12 and not plan.get("waiting")
    c = services.complaint_intake(
        by=by, channel=plan["channel"], category=plan["category"], description=plan["description"],
        customer=plan.get("customer"), complainant_name=plan.get("name", ""),
        complainant_phone=plan.get("phone", ""), severity=plan["severity"], received_at=at,
        station=users["stations"][plan["station"]],
        acknowledge_now=on_the_spot, ack_note="当场向客户解释并致歉。" if on_the_spot else "")
    if plan.get("waiting"):
        return  # still in the station queue when the month ends
    if c.review_due_at is not None:  # significant / major / special: a manager reviews it first (SPEC §11)
        yield c.received_at + (c.review_due_at - c.received_at) * rng.uniform(0.2, 0.9)
        services.complaint_review(complaint=c, by=manager, note="已审核，转供电所处理。")

    # taken from the queue (most within the 20 minutes of the dispatch rule), or given by the head
    yield office_hours(c.received_at + timedelta(minutes=rng.choice([4, 7, 9, 12, 15, 18, 26, 40, 75])), rng)
    roll = rng.random()
    if roll < 0.7:
        services.complaint_take(complaint=c, by=handler)
        owner = handler
    elif roll < 0.9:
        services.complaint_assign(complaint=c, by=head, handler=handler)
        owner = handler
    else:
        services.complaint_take(complaint=c, by=head)
        owner = head

    c.refresh_from_db()
    if c.status == "received":
        due, moment = c.ack_due_at, timezone.now()
        if rng.random() < 0.08:  # a late first contact
            target = due + (due - c.received_at) * rng.uniform(0.05, 0.6)
        else:
            target = moment + (due - moment) * rng.uniform(0.05, 0.7)
        yield max(moment + timedelta(minutes=3), target)
        services.complaint_acknowledge(complaint=c, by=owner, how=rng.choice(["phone", "phone", "visit", "sms"]),
                                       note="已联系客户，了解具体情况。")

    recent = plan["at"] > plan["now"] - timedelta(days=4)
    if rng.random() < (0.3 if recent else 0.08):  # the complainant is away: the clock stops
        yield timezone.now() + timedelta(hours=rng.uniform(1, 8))
        services.complaint_pause(complaint=c, by=owner, reason="客户外出，约定回来后再联系。")
        yield timezone.now() + timedelta(hours=rng.uniform(10, 72) * (3 if recent else 1))
        services.complaint_resume(complaint=c, by=owner, note="已与客户重新取得联系。")
    if rng.random() < 0.07:  # 催办
        yield timezone.now() + timedelta(hours=rng.uniform(6, 30))
        services.complaint_urge(complaint=c, by=counter, note="客户来电催促处理进度。")
        if rng.random() < 0.35:
            yield timezone.now() + timedelta(hours=rng.uniform(4, 20))
            services.complaint_urge(complaint=c, by=counter, note="客户再次来电催办。")
    c.refresh_from_db()
    if rng.random() < 0.05 and c.status == "acknowledged":
        yield timezone.now() + timedelta(hours=rng.uniform(2, 24))
        c.refresh_from_db()
        services.complaint_request_extension(complaint=c, by=owner, requested_due_at=c.resolve_due_at + timedelta(days=3),
                                             reason="需协调施工单位现场处理，时间较长。")
        if rng.random() < 0.75:
            yield timezone.now() + timedelta(hours=rng.uniform(1, 6))
            services.complaint_approve_extension(complaint=c, by=manager, approve=True, note="同意延期。")

    for cycle in range(2):
        c.refresh_from_db()
        late = rng.random() < 0.07
        left = c.resolve_due_at - timezone.now()
        yield (c.resolve_due_at + timedelta(hours=rng.uniform(2, 40)) if late
               else office_hours(timezone.now() + max(left * rng.uniform(0.15, 0.85), timedelta(hours=1)), rng))
        verified = rng.random() < 0.6
        services.complaint_resolve(complaint=c, by=owner, resolution=rng.choice(REPLIES), verified=verified,
                                   utility_responsible=verified and rng.random() < 0.75)
        c.refresh_from_db()
        if rng.random() < 0.03:  # nobody answers the callback: a manager closes it
            yield c.callback_due_at + timedelta(hours=rng.uniform(1, 8))
            services.complaint_close(complaint=c, by=manager, reason="多次回访电话无人接听。")
            return
        yield office_hours(c.resolved_at + timedelta(hours=rng.uniform(1, 26)), rng)
        satisfaction = _weighted(rng, [("satisfied", 85), ("neutral", 10), ("dissatisfied", 5 if cycle == 0 else 0)])
        services.complaint_callback(complaint=c, by=counter, satisfaction=satisfaction,
                                    note="客户对处理结果表示认可。" if satisfaction != "dissatisfied" else "客户对答复不满意。")
        if satisfaction != "dissatisfied":
            return


def _sweeps(start, until):
    """The SLA sweep at 08:30 every day of the month (a late sweep gives the same result as
    minute-by-minute ones; one a day keeps the demo quick), and once more at the end."""
    from .sweep import enforce_sla

    moment = timezone.localtime(start).replace(hour=8, minute=30, second=0, microsecond=0)
    while moment <= until:
        if moment >= start:
            yield moment
            enforce_sla(now=moment)
        moment += timedelta(days=1)
    yield until
    enforce_sla(now=until)


def _acknowledger(users, start, until, rng):
    """Every morning the managers and the station heads acknowledge most older escalations."""
    from .escalations import escalation_acknowledge

    day = start
    while day <= until:
        local = timezone.localtime(day)
        yield local.replace(hour=9, minute=rng.randint(0, 40), second=rng.randint(0, 59))
        for esc in Escalation.objects.filter(acknowledged_at__isnull=True,
                                             created_at__lt=timezone.now() - timedelta(days=1)).select_related("station"):
            if rng.random() < 0.8:
                by = users["manager"] if esc.level >= 2 or esc.station.head_id is None else esc.station.head
                try:
                    escalation_acknowledge(escalation=esc, by=by, note="已督促处理。")
                except DomainError:
                    pass  # acknowledged with its deadline's other levels
        day += timedelta(days=1)


def stories(start, now) -> list:
    users = _users()
    if len(users) < 3 + 3 * len(STATIONS) or Complaint.objects.filter(received_by__in=[
            users[f"counter_{code.lower()}"] for code, *_ in STATIONS]).exists():
        return []
    rng = random.Random(f"{SEED}-complaints")
    plans = _plans(rng, start, now)
    out = [_story(p, users, random.Random(f"{SEED}-c-{n}")) for n, p in enumerate(plans)]
    return out + [_sweeps(start, now), _acknowledger(users, start, now, random.Random(f"{SEED}-ack"))]


register_demo_stories("complaints", stories, order=20)
