"""The demo month: several hundred orders through the real services at realistic moments, once."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.utils import timezone

from complaints.choices import OrderKind
from complaints.models import Complaint, ComplaintEvent, Escalation
from grading.models import Visit
from workorders.models import WorkOrder

pytestmark = pytest.mark.django_db


def test_load_demo_makes_a_month_of_orders_in_every_state_once():
    call_command("load_demo", "--force")
    now = timezone.now()
    statuses = set(Complaint.objects.values_list("status", flat=True))
    assert statuses == {"received", "acknowledged", "paused", "resolved", "closed"}
    count = Complaint.objects.count()
    assert count >= 150
    wo_statuses = set(WorkOrder.objects.values_list("status", flat=True))
    assert {"created", "completed", "cancelled", "en_route", "on_site"} <= wo_statuses, wo_statuses
    assert count + WorkOrder.objects.count() >= 300
    # spread over the month, not written in one second
    received = list(Complaint.objects.values_list("received_at", flat=True))
    assert min(received) < now - timedelta(days=25) and max(received) > now - timedelta(days=2)
    assert len(set(received)) == count
    closed = Complaint.objects.filter(status="closed").exclude(closed_at=None)
    assert all(c.closed_at > c.received_at for c in closed)
    # late ones and escalations the month's sweeps raised; the newest wait in the station queue
    assert Complaint.objects.filter(ack_breached=True).exists() and Complaint.objects.filter(resolve_breached=True).exists()
    assert Escalation.objects.filter(acknowledged_at__isnull=True).exists()
    assert Escalation.objects.filter(acknowledged_at__isnull=False).exists()
    assert Complaint.objects.filter(handler__isnull=True, status="received").exists()
    assert ComplaintEvent.objects.filter(kind="taken").exists()
    assert Complaint.objects.filter(repeat_of__isnull=False).exists()
    assert Visit.objects.exists()
    _every_kind_in_a_centers_proportions(now)
    total = Complaint.all_kinds.count()
    call_command("load_demo", "--force")
    assert Complaint.objects.count() == count
    assert Complaint.all_kinds.count() == total


def _every_kind_in_a_centers_proportions(now):
    """tickets/demo.py: the last week of the month has every kind, mostly repair calls and enquiries."""
    week = Complaint.all_kinds.filter(received_at__gte=now - timedelta(days=7))
    counts = dict(week.values_list("kind").annotate(n=Count("id")))
    assert set(counts) == set(OrderKind.values), counts
    total = sum(counts.values())
    assert max(counts, key=counts.get) == OrderKind.REPAIR
    assert 0.35 < counts[OrderKind.REPAIR] / total < 0.55 and 0.18 < counts[OrderKind.ENQUIRY] / total < 0.32
    assert counts[OrderKind.COMPLAINT] / total < 0.15
    # repair calls went to a crew whose completion resolved them; enquiries mostly answered on the spot
    done = Complaint.all_kinds.filter(kind=OrderKind.REPAIR, status="closed", inside_installation=False)
    assert done.exists() and not done.exclude(work_orders__status="completed").exists()
    spot = ComplaintEvent.objects.filter(complaint__kind=OrderKind.ENQUIRY, kind="answered").count()
    assert spot and Complaint.all_kinds.filter(kind=OrderKind.ENQUIRY, status="closed").exclude(answer="").exists()
    # the lists have open work of several kinds
    open_kinds = set(Complaint.all_kinds.exclude(status="closed").values_list("kind", flat=True))
    assert len(open_kinds) >= 4, open_kinds


def test_every_demo_role_lands_on_a_page_with_something_on_it(client):
    call_command("load_demo", "--force")
    pages = {"manager": ("/dashboard/", "TS"), "head_s01": ("/station/", "TS"), "handler_s01": ("/my-work/", "TS"),
             "crew_s01": ("/crew/", "GD"), "am_s01": ("/my-customers/", "33")}
    for username, (url, marker) in pages.items():
        assert client.login(username=username, password="demo12345")
        resp = client.get("/", follow=True)
        assert resp.redirect_chain[-1][0] == url, username
        assert resp.status_code == 200 and marker in resp.content.decode(), username
        client.logout()
    client.login(username="handler_s01", password="demo12345")
    assert client.get("/queue/").context["unassigned"]
