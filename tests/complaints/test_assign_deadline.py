"""The `assign` deadline (派单, SPEC §4): an order not yet with a handler must be taken from the
station queue (or assigned) within the policy's minutes of receipt, 20 by default; level 1
tells the station head, level 2 the station head and the managers. Taking it meets the deadline
whatever the status; the clock is moved, never waited for."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from clock.models import Deadline
from complaints import services
from complaints.lifecycle import COMPLAINT
from complaints.models import Complaint, Escalation, SlaPolicy
from complaints.sweep import enforce_sla
from core.models import Notification
from tests.customers.factories import StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def head(station):
    head = StaffFactory(username="head1", role="handler", station=station)
    station.head = head
    station.save(update_fields=["head"])
    return head


@pytest.fixture
def walk_in(users, category, head):
    return services.complaint_intake(by=users["counter"], channel="counter", category=category,
                                     complainant_name="李女士", complainant_phone="13800001111",
                                     description="营业厅窗口排队一小时无人办理。")


def _escalations(c):
    return sorted(Escalation.objects.filter(complaint=c, kind="assign").values_list("level", flat=True))


def _told(user, level):
    return Notification.objects.filter(recipient=user, kind__in=[f"escalation.L{level}", "escalation.digest"],
                                       channel="in_app").exists()


def test_intake_sets_the_assign_deadline_twenty_calendar_minutes_from_receipt(walk_in):
    assert walk_in.assign_due_at == walk_in.received_at + timedelta(minutes=20)
    assert walk_in.assign_warn_at == walk_in.received_at + timedelta(minutes=15)  # the 0.75 warning share
    row = Deadline.objects.get(subject_type="complaint", subject_id=walk_in.pk, kind="assign")
    assert row.running and row.due_at == walk_in.assign_due_at and row.target == [20, "minutes"]
    assert "assign" in COMPLAINT.running_for(walk_in)


def test_the_policy_says_how_many_minutes(users, category, head):
    SlaPolicy.objects.update(assign_minutes=30)
    c = services.complaint_intake(by=users["counter"], channel="counter", category=category,
                                  complainant_name="王先生", complainant_phone="13900002222",
                                  description="抄表数据有误。")
    assert c.assign_due_at == c.received_at + timedelta(minutes=30)


def test_assign_warns_the_head_then_breaches_to_the_head_and_the_managers_on_time(walk_in, users, head):
    at = walk_in.received_at
    assert enforce_sla(now=at + timedelta(minutes=14)).total == 0
    enforce_sla(now=at + timedelta(minutes=16))
    assert _escalations(walk_in) == [1]
    assert _told(head, 1) and not _told(users["manager"], 1)
    assert not Notification.objects.filter(recipient=users["handler"], kind__startswith="escalation").exists()
    enforce_sla(now=at + timedelta(minutes=21))
    assert _escalations(walk_in) == [1, 2]
    walk_in.refresh_from_db()
    assert walk_in.assign_breached and walk_in.status == "received"
    assert _told(head, 2) and _told(users["manager"], 2)
    assert Escalation.objects.get(complaint=walk_in, kind="assign", level=2).station_id == walk_in.station_id
    # a second sweep raises nothing new
    assert enforce_sla(now=at + timedelta(minutes=22)).total == 0


def test_taking_it_in_time_meets_the_deadline_and_no_sweep_escalates_it(walk_in, users):
    services.complaint_take(complaint=walk_in, by=users["handler"])
    walk_in.refresh_from_db()
    assert walk_in.assigned_at is not None and not walk_in.assign_breached
    row = Deadline.objects.get(subject_type="complaint", subject_id=walk_in.pk, kind="assign")
    assert not row.running and row.met_at == walk_in.assigned_at
    assert "assign" not in COMPLAINT.running_for(walk_in)
    enforce_sla(now=walk_in.received_at + timedelta(hours=2))
    assert _escalations(walk_in) == []
    # the list filters no longer count it for assignment
    assert not Complaint.objects.filter(COMPLAINT.breached_q(walk_in.received_at + timedelta(minutes=30)),
                                        pk=walk_in.pk).exists()


def test_assigning_late_records_the_breach_and_stops_the_clock(walk_in, users, head):
    Complaint.objects.filter(pk=walk_in.pk).update(assign_due_at=timezone.now() - timedelta(minutes=1))
    walk_in.refresh_from_db()
    services.complaint_assign(complaint=walk_in, by=head, handler=users["handler"])
    walk_in.refresh_from_db()
    assert walk_in.assign_breached and walk_in.assigned_at is not None
    row = Deadline.objects.get(subject_type="complaint", subject_id=walk_in.pk, kind="assign")
    assert not row.running and row.breached
    # reassigning later does not move the first assignment
    first = walk_in.assigned_at
    services.complaint_assign(complaint=walk_in, by=head, handler=head)
    walk_in.refresh_from_db()
    assert walk_in.assigned_at == first


def test_an_unassigned_complaint_past_its_assign_deadline_is_breached_in_the_lists(walk_in):
    later = walk_in.received_at + timedelta(minutes=25)
    assert Complaint.objects.filter(COMPLAINT.breached_q(later), pk=walk_in.pk).exists()
    assert COMPLAINT.sla_state(walk_in, later) == "breached"
    assert COMPLAINT.sla_state(walk_in, walk_in.received_at + timedelta(minutes=16)) == "at_risk"


def test_a_pause_moves_the_assign_deadline_by_the_paused_time(walk_in, users):
    services.complaint_pause(complaint=walk_in, by=users["manager"], reason="客户外出，暂时联系不上。")
    walk_in.refresh_from_db()
    Complaint.objects.filter(pk=walk_in.pk).update(paused_at=walk_in.paused_at - timedelta(minutes=10))
    walk_in.refresh_from_db()
    due = walk_in.assign_due_at
    services.complaint_resume(complaint=walk_in, by=users["manager"])
    walk_in.refresh_from_db()
    assert walk_in.status == "received"
    assert timedelta(minutes=10) <= walk_in.assign_due_at - due < timedelta(minutes=11)


def test_the_queue_shows_the_dispatch_deadline_of_an_unassigned_complaint(walk_in, users):
    from django.test import Client

    client = Client()
    client.force_login(users["handler"])
    resp = client.get("/queue/")
    row = resp.context["unassigned"][0]
    assert row.number == walk_in.number and row.next_kind == "assign" and row.next_due == walk_in.assign_due_at
    assert 0 < row.seconds_left <= 20 * 60
    assert "派单" in resp.content.decode()
