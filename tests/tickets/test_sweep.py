"""The one sweep runs every kind: a repair call's callback, a report's first contact, an order from
the 12398 hotline (severe at once), all from the same deadline rows."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from complaints import services
from complaints.models import Complaint, ComplaintEvent, Escalation
from complaints.sweep import enforce_sla
from core.models import Notification
from tickets.services import ticket_intake
from workorders.services import (
    work_order_accept,
    work_order_arrive,
    work_order_complete,
    work_order_depart,
    work_order_dispatch,
)

SH = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db
T0 = datetime(2026, 11, 24, 9, 0, tzinfo=SH)  # Tuesday


def levels(order):
    return sorted(Escalation.objects.filter(subject_type="complaint", subject_id=order.pk)
                  .values_list("kind", "level"))


def sweep_at(moment):
    with time_machine.travel(moment, tick=False):
        return enforce_sla()


def test_a_repair_calls_callback_is_swept_like_a_complaints(users, crew):
    with time_machine.travel(T0, tick=False):
        order = ticket_intake(by=users["counter"], kind="repair", channel="phone", complainant_name="李女士",
                              complainant_phone="13800001111", address="东风路12号", description="停电")
        services.complaint_take(complaint=order, by=users["handler"])  # 派单 met
        wo = order.work_orders.get()
        wo = work_order_dispatch(work_order=wo, by=users["manager"], crew=crew, version=wo.version)
        wo = work_order_accept(work_order=wo, by=users["crew"], version=wo.version)
        wo = work_order_depart(work_order=wo, by=users["crew"], version=wo.version)
        wo = work_order_arrive(work_order=wo, by=users["crew"], version=wo.version)
        work_order_complete(work_order=wo, by=users["crew"], version=wo.version, notes="已恢复供电")
    order = Complaint.all_kinds.get(pk=order.pk)
    assert order.status == "resolved"
    assert order.callback_due_at == datetime(2026, 11, 25, 23, 59, 59, tzinfo=SH)
    sweep_at(datetime(2026, 11, 25, 12, 0, tzinfo=SH))  # before the warning (0.75 of the time)
    assert levels(order) == []
    sweep_at(datetime(2026, 11, 26, 0, 30, tzinfo=SH))
    assert levels(order) == [("callback", 1), ("callback", 2)]
    order.refresh_from_db()
    assert order.callback_breached is True
    assert ComplaintEvent.objects.filter(complaint=order, kind="escalated").count() == 2
    # the notifications link the order's page under /tickets/
    assert Notification.objects.filter(link=f"/tickets/{order.number}/", kind__startswith="escalation").exists()


@pytest.mark.parametrize("channel,severe_at_once", [("hotline_12398", True), ("hotline_12345", True),
                                                    ("phone", False)])
def test_a_report_breach_from_a_higher_authority_is_severe_at_once(users, channel, severe_at_once):
    with time_machine.travel(T0, tick=False):
        order = ticket_intake(by=users["manager"], kind="report", channel=channel, anonymous=True, station=users[
            "handler"].profile.station, description="有人窃电")
    assert order.ack_due_at == T0 + timedelta(hours=24)
    sweep_at(order.ack_due_at + timedelta(minutes=1))
    ack = [level for kind, level in levels(order) if kind == "ack"]
    assert ack == ([1, 2, 3] if severe_at_once else [1, 2])
