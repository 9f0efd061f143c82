"""Demo complaints for `manage.py load_demo`, created through the services (numbers, policies,
deadlines, events and notifications exactly as at a real counter). Idempotent."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from customers.demo import register_demo_loader
from customers.models import Customer

from . import services
from .models import Complaint, ComplaintCategory


def load() -> str | None:
    User = get_user_model()
    users = {u.username: u for u in User.objects.filter(username__in=[
        "counter_s01", "handler_s01", "manager", "counter_s02", "handler_s02"])}
    if len(users) < 5 or Complaint.objects.filter(received_by=users["counter_s01"]).exists():
        return None
    cat = {c.code: c for c in ComplaintCategory.objects.filter(parent__isnull=False)}
    s01 = list(Customer.objects.filter(station__code="S01").order_by("-grade", "account_no")[:40])
    s02 = list(Customer.objects.filter(station__code="S02").order_by("account_no")[:5])
    if len(s01) < 6 or not s02:
        return None
    gold = next((c for c in s01 if c.grade in ("A", "B")), s01[0])
    now = timezone.now()
    counter, handler, manager = users["counter_s01"], users["handler_s01"], users["manager"]
    made = []
    with transaction.atomic():
        def intake(**kw):
            c = services.complaint_intake(by=kw.pop("by", counter), **kw)
            made.append(c)
            return c

        intake(channel="counter", category=cat["service.attitude"], complainant_name="李秀英",
               complainant_phone="13800138001", description="营业厅窗口排队一小时无人办理，工作人员态度生硬。")
        intake(channel="phone", category=cat["billing.tariff"], customer=s01[1], received_at=now - timedelta(days=3),
               description="本月电费比上月高出一倍，怀疑抄表有误。")
        intake(channel="letter", category=cat["operation.quality"], customer=s01[2],
               received_at=now - timedelta(hours=20), description="近一周晚间电压偏低，空调无法启动。")
        c = intake(channel="counter", category=cat["billing.connection"], customer=s01[3],
                   description="报装申请已超过十个工作日仍未接电。")
        services.complaint_assign(complaint=c, by=manager, handler=handler)
        services.complaint_acknowledge(complaint=c, by=handler, how="phone", note="已电话联系客户，约定现场勘查。")
        c = intake(channel="counter", category=cat["operation.outage_notice"], customer=gold,
                   description="计划停电未提前通知，生产线被迫停工。")
        services.complaint_assign(complaint=c, by=manager, handler=handler)
        services.complaint_acknowledge(complaint=c, by=handler, how="visit", note="上门致歉并了解损失情况。")
        services.complaint_resolve(complaint=c, by=handler, resolution="经核实停电公告未按规定送达，已向客户致歉并完善通知流程。",
                                   verified=True, utility_responsible=True)
        c = intake(channel="wechat", category=cat["billing.metering"], customer=s01[4],
                   description="电能表走字过快，申请校验。")
        services.complaint_assign(complaint=c, by=manager, handler=handler)
        services.complaint_acknowledge(complaint=c, by=handler, how="phone")
        services.complaint_resolve(complaint=c, by=handler, resolution="已现场校验，电能表误差在允许范围内，向客户解释。",
                                   verified=False, utility_responsible=False)
        services.complaint_callback(complaint=c, by=counter, satisfaction="satisfied", note="客户表示理解。")
        c = intake(channel="phone", category=cat["operation.fault"], customer=s01[5], received_at=now - timedelta(hours=5),
                   description="故障报修后抢修人员迟迟未到。")
        services.complaint_assign(complaint=c, by=manager, handler=handler)
        services.complaint_pause(complaint=c, by=handler, reason="客户外出，约定明日联系。")
        intake(channel="counter", category=cat["service.attitude"], complainant_name="李秀英",
               complainant_phone="13800138001", description="再次反映：上次投诉至今无人联系。")
        intake(by=manager, channel="forwarded", severity="major", category=cat["operation.grid_upgrade"],
               customer=s02[0], received_at=now - timedelta(hours=1),
               description="12345 政务热线转办：电网改造施工长期占道，影响出行。")
    return f"{len(made)} complaints"


register_demo_loader("complaints", load, order=20)
