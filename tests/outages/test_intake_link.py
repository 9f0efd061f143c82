"""Intake links orders to the active outage (SPEC §12 "Intake knows"): every order taken for a
customer inside an active outage is linked; a repair call inside an active FAULT outage joins it
(no repair work order of its own) unless the handler says `different_fault`; the lookup adds at
most one query to an intake."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from complaints.models import Complaint
from outages import services
from outages.models import OutageEvent, OutageLink
from outages.selectors import active_outage_for
from tests.complaints.conftest import _fresh_reference_cache, category  # noqa: F401
from workorders.models import WorkOrder

pytestmark = pytest.mark.django_db
URL = "/api/v1/tickets/"


def call(api, user, customer, **extra):
    body = {"channel": "phone", "customer": customer.pk, "description": "家里停电了", **extra}
    return api(user).post(URL, body, format="json")


def test_a_repair_call_inside_a_fault_outage_joins_it_without_a_work_order(api, users, grid, fault):
    r = call(api, users["counter"], grid.customers["c1"], kind="repair")
    assert r.status_code == 201, r.data
    assert r.data["work_order"] is None and r.data["outage"] == fault.number
    link = OutageLink.objects.get(subject_type="complaint", subject_id=r.data["id"])
    assert link.outage_id == fault.pk and not link.different_fault
    assert not WorkOrder.objects.filter(complaint_id=r.data["id"]).exists()
    assert WorkOrder.objects.count() == 0  # no crew dispatched for the joined call


def test_a_different_fault_gets_its_own_work_order_and_is_still_linked(api, users, grid, fault):
    r = call(api, users["counter"], grid.customers["c2"], kind="repair", different_fault=True)
    assert r.status_code == 201, r.data
    wo = WorkOrder.objects.get(complaint_id=r.data["id"])
    assert r.data["work_order"] == wo.number and r.data["outage"] == fault.number
    assert OutageLink.objects.get(subject_type="complaint", subject_id=r.data["id"]).different_fault


def test_a_repair_call_outside_any_outage_dispatches_as_before(api, users, grid, fault):
    r = call(api, users["counter"], grid.customers["c3"], kind="repair")  # line L02: not in the outage
    assert r.status_code == 201, r.data
    assert r.data["outage"] is None and r.data["work_order"] is not None
    assert not OutageLink.objects.exists()


def test_a_repair_call_inside_a_planned_outage_is_linked_and_still_dispatched(api, users, grid):
    """Only a FAULT outage has a crew on the fault; a planned one is linked, the call dispatched."""
    outage = services.outage_create(by=users["handler"], kind="planned", cause="线路检修", lines=["L02"],
                                    planned_start=timezone.now() + timedelta(days=8),
                                    estimated_restore_at=timezone.now() + timedelta(days=8, hours=8))
    later = timezone.now() + timedelta(days=8, minutes=5)
    assert active_outage_for(grid.customers["c3"], now=later).pk == outage.pk
    with time_machine.travel(later, tick=False):
        r = call(api, users["counter"], grid.customers["c3"], kind="repair")
    assert r.status_code == 201, r.data
    assert r.data["outage"] == outage.number and r.data["work_order"] is not None


def test_every_kind_taken_inside_an_outage_is_linked(api, users, grid, fault, category):  # noqa: F811
    enquiry = call(api, users["counter"], grid.customers["c1"], kind="enquiry")
    complaint = call(api, users["counter"], grid.customers["c2"], kind="complaint", category=category.code,
                     complainant_name="王先生", complainant_phone="13900000002")
    assert enquiry.status_code == complaint.status_code == 201, (enquiry.data, complaint.data)
    linked = set(OutageLink.objects.filter(outage=fault).values_list("subject_id", flat=True))
    assert linked == {enquiry.data["id"], complaint.data["id"]}
    # the complaints API links too (the same intake)
    r = api(users["counter"]).post("/api/v1/complaints/", {
        "channel": "counter", "customer": grid.customers["c5"].pk, "category": category.code,
        "description": "停电太久"}, format="json")
    assert r.status_code == 201, r.data
    assert OutageLink.objects.filter(outage=fault, subject_id=r.data["id"]).exists()


def test_a_failure_after_linking_writes_neither_the_order_nor_the_link(api, users, grid, fault, monkeypatch):
    import complaints.services

    def broken(*args, **kwargs):
        raise RuntimeError("outbox down")

    monkeypatch.setattr(complaints.services, "notify_many", broken)
    with pytest.raises(RuntimeError):
        call(api, users["counter"], grid.customers["c1"], kind="repair")
    assert not Complaint.all_kinds.exists() and not OutageLink.objects.exists()


def test_the_outage_lookup_adds_one_query_to_an_intake_outside_an_outage(api, users, grid, fault):
    """Outside an outage the registry's lookup is the one query more (the budgets of
    tests/complaints/test_intake.py count it)."""
    client = api(users["counter"])
    call(api, users["counter"], grid.customers["c3"], kind="enquiry")  # warm the caches
    with CaptureQueriesContext(connection) as ctx:
        r = client.post(URL, {"channel": "phone", "customer": grid.customers["c3"].pk, "kind": "enquiry",
                              "description": "咨询电价"}, format="json")
    assert r.status_code == 201
    outage_queries = [q["sql"] for q in ctx.captured_queries if "outages_" in q["sql"]]
    assert len(outage_queries) == 1, outage_queries


def test_inside_an_outage_the_link_costs_no_statement_more(api, users, grid, fault):
    """Inside: the lookup, the link (the order is new: no select first) and its event on the
    outage's timeline are one statement on PostgreSQL (the lookup and two inserts elsewhere): the
    same queries as outside, within intake's budget of 12."""
    client = api(users["counter"])
    call(api, users["counter"], grid.customers["c3"], kind="enquiry")  # warm the caches
    counts = {}
    for key, customer in (("outside", grid.customers["c3"]), ("inside", grid.customers["c1"])):
        with CaptureQueriesContext(connection) as ctx:
            r = client.post(URL, {"channel": "phone", "customer": customer.pk, "kind": "enquiry",
                                  "description": "咨询停电"}, format="json")
        assert r.status_code == 201
        counts[key] = len(ctx.captured_queries)
    assert counts["inside"] == counts["outside"] + (0 if connection.vendor == "postgresql" else 2)
    assert counts["inside"] <= 12, counts
    from outages.models import OutageEvent

    event = OutageEvent.objects.filter(outage=fault, kind="order_linked").latest("id")
    assert event.actor_id == users["counter"].pk and event.data["subject_type"] == "complaint"
    assert event.data["different_fault"] is False
    link = OutageLink.objects.get(subject_id=r.data["id"])
    assert link.linked_by_id == users["counter"].pk and link.proposed_reply == "" and link.closed_at is None


def test_intake_links_to_the_outage_the_lookup_finds_in_every_state(grid, users):
    """Intake's hook (on PostgreSQL the function outages_order_taken, migration 0002) and
    active_outage_for (the pages' notice) read the same outage: announced before its start none,
    after it the planned one, in progress the latest, restored or cancelled none."""
    c1, now = grid.customers["c1"], timezone.now()
    planned = services.outage_create(by=users["handler"], kind="planned", cause="线路检修", lines=["L01"],
                                     planned_start=now + timedelta(days=8),
                                     estimated_restore_at=now + timedelta(days=8, hours=8))
    seq = iter(range(9001, 9100))

    def taken(at):
        answer = services.link_taken_order(subject_type="complaint", subject_id=next(seq), customer=c1,
                                           kind="repair", by=users["counter"], now=at)
        found = active_outage_for(c1, now=at)
        assert (answer or {}).get("outage_id") == (found.pk if found else None)
        return answer

    assert taken(now) is None and not OutageLink.objects.exists()
    later = now + timedelta(days=8, minutes=5)
    answer = taken(later)
    assert answer == {"outage_id": planned.pk, "number": planned.number, "joins": False}
    link = OutageLink.objects.get(subject_id=9002)
    assert link.outage_id == planned.pk and link.linked_at == later and link.linked_by_id == users["counter"].pk
    fault = services.outage_create(by=users["handler"], kind="fault", cause="10kV线路故障跳闸", areas=["T01"],
                                   estimated_restore_at=now + timedelta(hours=3))
    assert taken(now)["outage_id"] == fault.pk  # the fault (in progress) over the planned one (not yet active)
    services.outage_restore(outage=fault, by=users["handler"])
    services.outage_cancel(outage=planned, by=users["handler"], reason="改期")
    assert taken(now) is None and taken(later) is None
    assert OutageLink.objects.count() == 2
    events = OutageEvent.objects.filter(kind="order_linked").order_by("id")
    assert [(e.outage_id, e.data["subject_id"]) for e in events] == [(planned.pk, 9002), (fault.pk, 9003)]
