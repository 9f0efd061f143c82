"""Who is told (SPEC §4, core.recipients): the leadership group is one set everywhere, and an
account manager hears of every complaint of their customers, whatever the grade."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from complaints.sweep import enforce_sla
from core import recipients
from core.models import Notification
from tests.customers.factories import CustomerFactory, StaffFactory

SH = ZoneInfo("Asia/Shanghai")
URL = "/api/v1/complaints/"
T0 = datetime(2026, 11, 25, 9, 0, tzinfo=SH)

pytestmark = pytest.mark.django_db


def told(kind, channel="in_app"):
    return set(Notification.objects.filter(kind__startswith=kind, channel=channel)
               .values_list("recipient_id", flat=True))


def test_the_forwarded_intake_and_level_3_recipients_are_the_same_set(api, users, walk_in):
    # around the leader: a handler flagged leadership (not a manager) and a leader who left
    StaffFactory(username="flagged_handler", role="handler", station=None, leadership=True)
    gone = StaffFactory(username="gone_leader", role="manager", station=None, leadership=True)
    gone.is_active = False
    gone.save()
    with time_machine.travel(T0, tick=False):
        r = api(users["manager"]).post(URL, {**walk_in, "channel": "forwarded", "station": "S01"}, format="json")
    assert r.status_code == 201, r.data
    with time_machine.travel(T0 + timedelta(hours=3), tick=False):  # ack (2 h) breached: severe at once
        enforce_sla()
    # level 3 alone goes by SMS (a leader who is also a manager gets one digest of L2 and L3)
    at_intake, at_level_3 = told("complaint.forwarded"), told("escalation", channel="sms")
    assert at_intake == at_level_3 == {users["leader"].pk} == set(recipients.leadership())


def test_a_grade_c_customers_account_manager_is_told_at_intake(api, users, station, walk_in):
    customer = CustomerFactory(station=station, grade="C", account_manager=users["account_manager"])
    r = api(users["counter"]).post(URL, {**walk_in, "customer": customer.pk}, format="json")
    assert r.status_code == 201, r.data
    n = Notification.objects.get(recipient=users["account_manager"], kind="complaint.customer_complained")
    assert customer.name in n.subject and r.data["number"] in n.subject


def test_the_station_head_and_the_managers_are_read_from_one_place(users, station, other_station):
    head = StaffFactory(username="head1", role="handler", station=station)
    station.head = head
    station.save()
    assert recipients.station_heads([station.pk, other_station.pk]) == {station.pk: head.pk}
    assert recipients.managers() == sorted([users["manager"].pk, users["leader"].pk])
    assert recipients.station_heads([]) == {}
