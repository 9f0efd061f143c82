"""Pause rules (SPEC §3): a workdays deadline moves by whole working days; a pause never hides
a breach that had happened before it."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from complaints import services
from complaints.models import Complaint, Escalation
from complaints.sweep import enforce_sla

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


def _intake(users, category, at, phone="13800001111"):
    with time_machine.travel(at, tick=False):
        return services.complaint_intake(by=users["counter"], channel="counter", category=category,
                                         complainant_name="李女士", complainant_phone=phone,
                                         description="营业厅窗口排队一小时无人办理。")


def _pause_resume(c, user, start, end):
    with time_machine.travel(start, tick=False):
        services.complaint_pause(complaint=c, by=user, reason="客户外出")
    with time_machine.travel(end, tick=False):
        services.complaint_resume(complaint=c, by=user)
    c.refresh_from_db()
    return c


def test_a_five_minute_pause_leaves_a_workday_deadline_unchanged(users, category):
    c = _intake(users, category, datetime(2026, 3, 2, 10, 0, tzinfo=SH))  # Monday
    ack, resolve = c.ack_due_at, c.resolve_due_at
    assert resolve == datetime(2026, 3, 9, 23, 59, 59, tzinfo=SH)
    c = _pause_resume(c, users["handler"], datetime(2026, 3, 2, 11, 0, tzinfo=SH), datetime(2026, 3, 2, 11, 5, tzinfo=SH))
    assert c.resolve_due_at == resolve  # a few minutes: not a whole working day
    assert c.ack_due_at == ack + timedelta(minutes=5)  # calendar hours move by the wall clock


def test_friday_17_to_monday_09_moves_a_workday_deadline_one_working_day(users, category):
    c = _intake(users, category, datetime(2026, 3, 2, 10, 0, tzinfo=SH))
    c = _pause_resume(c, users["handler"], datetime(2026, 3, 6, 17, 0, tzinfo=SH), datetime(2026, 3, 9, 9, 0, tzinfo=SH))
    assert c.resolve_due_at == datetime(2026, 3, 10, 23, 59, 59, tzinfo=SH)  # one working day, end of day
    moved = c.events.get(kind="resumed").data["deadlines"]["resolve_due_at"]
    assert moved == ["2026-03-09T23:59:59+08:00", "2026-03-10T23:59:59+08:00"]


def test_a_deadline_passed_before_the_pause_is_breached_and_escalated_after_one_sweep(users, category):
    received = datetime(2026, 3, 2, 10, 0, tzinfo=SH)
    c = _intake(users, category, received)
    with time_machine.travel(received + timedelta(hours=30), tick=False):  # the 24 h ack deadline passed
        services.complaint_pause(complaint=c, by=users["handler"], reason="客户外出")
    with time_machine.travel(received + timedelta(days=3), tick=False):
        services.complaint_resume(complaint=c, by=users["handler"])
    c.refresh_from_db()
    assert c.ack_due_at == received + timedelta(hours=24)  # the pause did not move a passed deadline
    # an on-time twin: the same complaint, never paused
    twin = _intake(users, category, received, phone="13800002222")
    enforce_sla(now=received + timedelta(days=3, minutes=1))
    c.refresh_from_db()
    assert c.ack_breached is True
    levels = sorted(Escalation.objects.filter(complaint=c, kind="ack").values_list("level", flat=True))
    twin_levels = sorted(Escalation.objects.filter(complaint=twin, kind="ack").values_list("level", flat=True))
    assert levels == twin_levels == [1, 2, 3]  # warning, breach, and severe 24 h after the breach
    enforce_sla(now=received + timedelta(days=3, minutes=2))
    assert Escalation.objects.filter(complaint=c, kind="ack").count() == 3
    assert Complaint.objects.get(pk=c.pk).ack_breached


def test_a_deadline_passed_before_the_pause_is_breached_by_a_sweep_while_still_paused(users, category):
    """The pause hides nothing: the sweep breaches and escalates the passed deadline of a paused
    complaint as it does its never-paused twin's; one still ahead at the pause stands still."""
    received = datetime(2026, 3, 2, 10, 0, tzinfo=SH)
    c = _intake(users, category, received)
    twin = _intake(users, category, received, phone="13800002222")
    with time_machine.travel(received + timedelta(hours=30), tick=False):  # the 24 h ack deadline passed
        services.complaint_pause(complaint=c, by=users["handler"], reason="客户外出")
    enforce_sla(now=received + timedelta(days=3))
    c.refresh_from_db()
    assert c.status == "paused" and c.ack_breached is True
    levels = sorted(Escalation.objects.filter(complaint=c, kind="ack").values_list("level", flat=True))
    twin_levels = sorted(Escalation.objects.filter(complaint=twin, kind="ack").values_list("level", flat=True))
    assert levels == twin_levels == [1, 2, 3]
    # the reply deadline was still ahead when the clock stopped: it does not run while paused
    assert not Escalation.objects.filter(complaint=c, kind="resolve").exists()
    from complaints.filters import breached_q
    assert Complaint.objects.filter(breached_q(received + timedelta(days=3)), pk=c.pk).exists()
    enforce_sla(now=received + timedelta(days=3, minutes=1))  # a repeated sweep writes nothing more
    assert Escalation.objects.filter(complaint=c, kind="ack").count() == 3
