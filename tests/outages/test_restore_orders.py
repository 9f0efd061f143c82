"""Restore closes the loop for repair calls and enquiries (SPEC §12): the tickets app's
`outage_restored` handler closes them with the outage's result, each with a timeline event;
complaints stay for a handler; a different fault is left to its own crew."""

from __future__ import annotations

import pytest

from clock.models import Deadline
from complaints.models import Complaint, ComplaintEvent
from core.registry import outage_restored
from outages import services
from outages.models import OutageLink
from tests.complaints.conftest import _fresh_reference_cache, category  # noqa: F401
from workorders.models import WorkOrder

pytestmark = pytest.mark.django_db
URL = "/api/v1/tickets/"


def call(api, user, customer, **extra):
    r = api(user).post(URL, {"channel": "phone", "customer": customer.pk, "description": "停电了", **extra},
                       format="json")
    assert r.status_code == 201, r.data
    return Complaint.all_kinds.get(pk=r.data["id"])


def test_the_tickets_app_registers_its_restore_handler():
    assert "tickets.close_linked_orders" in dict(outage_restored.items())


def test_restore_closes_linked_repair_calls_and_enquiries_with_the_outages_result(api, users, grid, fault,
                                                                               category):  # noqa: F811
    repair = call(api, users["counter"], grid.customers["c1"], kind="repair")
    enquiry = call(api, users["counter"], grid.customers["c2"], kind="enquiry")
    complaint = call(api, users["counter"], grid.customers["c5"], kind="complaint", category=category.code)
    other_fault = call(api, users["counter"], grid.customers["c4"], kind="repair", different_fault=True,
                       complainant_phone="13900000004")
    assert Deadline.objects.filter(subject_type="complaint", subject_id=repair.pk, running=True).exists()

    services.outage_restore(outage=fault, by=users["handler"], result="更换跌落式熔断器")

    for order in (repair, enquiry, complaint, other_fault):
        order.refresh_from_db()
    assert (repair.status, enquiry.status) == ("closed", "closed")
    assert fault.number in repair.resolution and "更换跌落式熔断器" in repair.resolution
    assert enquiry.answer == enquiry.resolution == repair.resolution
    for order in (repair, enquiry):
        event = ComplaintEvent.objects.get(complaint=order, kind="closed")
        assert event.data["outage"] == fault.number and event.note == order.resolution
        assert not Deadline.objects.filter(subject_type="complaint", subject_id=order.pk, running=True).exists()
    # the complaint stays for a handler, with the restore on its timeline (outages' default)
    assert complaint.status == "received"
    assert ComplaintEvent.objects.filter(complaint=complaint, kind="outage_restored").exists()
    # the different fault keeps its own crew and stays open
    assert other_fault.status == "received" and WorkOrder.objects.filter(complaint=other_fault).exists()
    closed = set(OutageLink.objects.filter(outage=fault, closed_at__isnull=False).values_list("subject_id", flat=True))
    assert closed == {repair.pk, enquiry.pk}


def test_an_enquiry_answered_on_the_spot_is_left_as_it_was(api, users, grid, fault):
    enquiry = call(api, users["counter"], grid.customers["c1"], kind="enquiry", answer="预计17:00复电")
    assert enquiry.status == "closed"
    services.outage_restore(outage=fault, by=users["handler"], result="已修复")
    enquiry.refresh_from_db()
    assert enquiry.answer == "预计17:00复电"
    assert ComplaintEvent.objects.filter(complaint=enquiry, kind="closed").count() == 1  # the intake's
    assert OutageLink.objects.get(subject_id=enquiry.pk).closed_at is not None
