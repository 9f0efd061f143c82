"""Outage services (SPEC §12): scope resolution, the lifecycle's steps, estimate changes on the
timeline, SMS once per customer and message, restore closing the loop, bad input."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from complaints.models import ComplaintEvent
from outages import services, texts
from outages.models import CustomerSms, EstimateChange, OutageCustomer, OutageEvent, OutageLink
from servicecenter.exceptions import InvalidTransition, ValidationFailed
from tests.complaints.factories import ComplaintFactory
from tests.workorders.factories import WorkOrderFactory

pytestmark = pytest.mark.django_db


def scope_of(outage):
    return set(OutageCustomer.objects.filter(outage=outage).values_list("customer_id", flat=True))


def test_scope_of_a_line_and_areas_counts_a_customer_once(grid, users):
    c = grid.customers
    outage = services.outage_create(by=users["handler"], kind="fault", cause="线路故障", lines=["L01"],
                                    areas=["T01", "T03"])
    # c1, c4, c5 are on L01 and in T01: one row each; c3 comes with T03; c6 is on no line
    assert scope_of(outage) == {c[k].pk for k in ("c1", "c2", "c3", "c4", "c5")}
    assert outage.customers_affected == 5
    assert outage.scope_name == "10kV东风01线等3处"


def test_scope_of_areas_only(grid, users):
    outage = services.outage_create(by=users["handler"], kind="fault", cause="台区变压器故障", areas=["T02"])
    assert scope_of(outage) == {grid.customers["c2"].pk}
    assert outage.scope_name == "幸福小区2号台区"


def test_a_fault_is_opened_in_progress_and_every_customer_with_a_phone_is_told_at_once(fault, grid):
    assert fault.status == "in_progress" and fault.number.startswith("TD")
    sms = CustomerSms.objects.filter(outage=fault)
    assert sorted(sms.values_list("phone", flat=True)) == ["13900000001", "13900000002", "13900000005"]
    assert all(s.urgent and s.message_key == "announce" for s in sms)
    assert OutageEvent.objects.filter(outage=fault, kind="created").count() == 1


def test_estimate_changes_are_on_the_timeline_with_their_reasons_and_each_one_texted_once(fault, users):
    first = timezone.now() + timedelta(hours=5)
    second = timezone.now() + timedelta(hours=6)
    services.outage_update_estimate(outage=fault, by=users["handler"], estimated_restore_at=first, reason="故障点查找中")
    services.outage_update_estimate(outage=fault, by=users["handler"], estimated_restore_at=second, reason="需更换电杆")
    changes = list(EstimateChange.objects.filter(outage=fault).values_list("new", "reason"))
    assert changes == [(first, "故障点查找中"), (second, "需更换电杆")]
    events = list(OutageEvent.objects.filter(outage=fault, kind="estimate_changed").values_list("note", flat=True))
    assert events == ["故障点查找中", "需更换电杆"]
    assert CustomerSms.objects.filter(outage=fault, message_key="estimate:1").count() == 3
    assert CustomerSms.objects.filter(outage=fault, message_key="estimate:2").count() == 3
    fault.refresh_from_db()
    assert fault.estimated_restore_at == second and fault.version == 3


def test_the_same_message_written_twice_is_one_sms_per_customer(fault):
    now = timezone.now()
    again = services._write_sms(fault, kind="announce", key="announce", text="x", urgent=True, now=now)
    assert again == 0
    assert CustomerSms.objects.filter(outage=fault, message_key="announce").count() == 3


def test_an_estimate_needs_a_reason_and_a_future_time(fault, users):
    with pytest.raises(ValidationFailed) as exc:
        services.outage_update_estimate(outage=fault, by=users["handler"],
                                        estimated_restore_at=timezone.now() + timedelta(hours=1), reason=" ")
    assert exc.value.field == "reason"
    with pytest.raises(ValidationFailed) as exc:
        services.outage_update_estimate(outage=fault, by=users["handler"],
                                        estimated_restore_at=timezone.now() - timedelta(minutes=5), reason="x")
    assert exc.value.field == "estimated_restore_at"


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"lines": [], "areas": []}, "lines"),
    ({"lines": ["L99"]}, "lines"),
    ({"areas": ["T01", "T77"]}, "areas"),
    ({"lines": ["L01"], "estimated_restore_at": -1}, "estimated_restore_at"),
    ({"lines": ["L01"], "cause": ""}, "cause"),
    ({"lines": ["L01"], "kind": "planned"}, "planned_start"),
])
def test_bad_input_names_the_field(grid, users, kwargs, field):
    args = {"kind": "fault", "cause": "故障", **kwargs}
    if args.get("estimated_restore_at") == -1:
        args["estimated_restore_at"] = timezone.now() - timedelta(hours=1)
    with pytest.raises(ValidationFailed) as exc:
        services.outage_create(by=users["handler"], **args)
    assert exc.value.field == field


def test_restore_before_the_start_is_refused_and_a_cancelled_outage_cannot_be_restored(fault, grid, users):
    with pytest.raises(ValidationFailed) as exc:
        services.outage_restore(outage=fault, by=users["handler"], restored_at=fault.started_at - timedelta(minutes=1))
    assert exc.value.field == "restored_at"
    planned = services.outage_create(by=users["handler"], kind="planned", cause="线路检修", lines=["L02"],
                                     planned_start=timezone.now() + timedelta(days=8),
                                     estimated_restore_at=timezone.now() + timedelta(days=8, hours=8))
    services.outage_cancel(outage=planned, by=users["handler"], reason="天气原因改期")
    with pytest.raises(InvalidTransition) as exc:
        services.outage_restore(outage=planned, by=users["handler"])
    assert exc.value.status_code == 409
    assert exc.value.extra["allowed_actions"] == []
    # the customers told of it are told it is cancelled
    assert CustomerSms.objects.filter(outage=planned, message_key="cancel").count() == 1


def test_restore_computes_customer_hours_and_texts_every_customer(fault, users):
    at = fault.started_at + timedelta(hours=2)
    from unittest import mock

    with mock.patch("django.utils.timezone.now", return_value=at + timedelta(minutes=1)):
        restored = services.outage_restore(outage=fault, by=users["handler"], restored_at=at, result="更换绝缘子")
    assert restored.status == "restored"
    assert restored.customer_hours == 8  # 4 customers x 2 hours
    assert CustomerSms.objects.filter(outage=fault, message_key="restore", urgent=True).count() == 3


def test_a_temporary_outage_tells_its_important_users_ahead_and_everyone_when_it_starts(grid, users):
    start = timezone.now() + timedelta(hours=30)
    outage = services.outage_create(by=users["handler"], kind="temporary", cause="配合市政施工", lines=["L01"],
                                    planned_start=start, estimated_restore_at=start + timedelta(hours=4))
    sms = CustomerSms.objects.filter(outage=outage)
    assert list(sms.values_list("phone", flat=True)) == ["13900000005"]  # the important user, 30 h ahead
    assert outage.notice_due_at == start - timedelta(hours=24) and outage.notice_met_at is not None
    services.outage_start(outage=outage, by=users["handler"])
    assert sorted(sms.values_list("phone", flat=True)) == ["13900000001", "13900000002", "13900000005"]
    assert sms.filter(urgent=True).count() == 2


def intake(customer, users):
    from complaints.models import ComplaintCategory
    from complaints.services import complaint_intake

    return complaint_intake(by=users["counter"], channel="counter", description="停电了，什么时候来电？",
                            category=ComplaintCategory.objects.get(code="service.attitude"), customer=customer,
                            complainant_name=customer.name, complainant_phone=customer.phone)


def test_restore_leaves_linked_complaints_for_a_handler_with_an_event_and_a_proposed_reply(fault, grid, users):
    complaint = intake(grid.customers["c1"], users)
    services.link_order(fault, "complaint", complaint.pk, by=users["counter"])
    services.outage_restore(outage=fault, by=users["handler"], result="已修复")
    complaint.refresh_from_db()
    assert complaint.status == "received"  # left for a handler
    event = ComplaintEvent.objects.get(complaint=complaint, kind="outage_restored")
    assert event.data["outage"] == fault.number
    link = OutageLink.objects.get(subject_id=complaint.pk)
    assert link.proposed_reply.startswith("您反映的停电问题") and fault.number in link.proposed_reply
    results = services.resolve_linked_complaints(outage=fault, by=users["handler"], verified=True,
                                                 utility_responsible=True)
    assert results == [{"id": complaint.pk, "number": complaint.number, "ok": True, "detail": ""}]
    complaint.refresh_from_db()
    assert complaint.status == "resolved" and complaint.resolution == link.proposed_reply


def test_restore_closes_linked_work_orders_other_than_its_own(fault, grid, users, crew):
    own = WorkOrderFactory(station=grid.station, crew=crew, status="on_site", arrived_at=timezone.now())
    joined = WorkOrderFactory(station=grid.station, status="created")
    on_site = WorkOrderFactory(station=grid.station, crew=crew, status="on_site", arrived_at=timezone.now())
    fault.work_order = own
    fault.save(update_fields=["work_order"])
    for order in (own, joined, on_site):
        services.link_order(fault, "work_order", order.pk)
    services.outage_restore(outage=fault, by=users["handler"])
    for order in (own, joined, on_site):
        order.refresh_from_db()
    assert (own.status, joined.status, on_site.status) == ("on_site", "cancelled", "completed")
    assert OutageLink.objects.filter(outage=fault, closed_at__isnull=False).count() == 2


def test_a_registered_outage_restored_handler_closes_its_links(fault, grid, users):
    from core.registry import outage_restored

    complaint = ComplaintFactory(station=grid.station, customer=grid.customers["c2"])
    link = services.link_order(fault, "complaint", complaint.pk)
    seen = []

    def close_repairs(*, outage, links, by, now):
        seen.append([x.pk for x in links])
        return [link.pk]

    outage_restored.register("test.repairs", close_repairs)
    try:
        services.outage_restore(outage=fault, by=users["handler"])
    finally:
        outage_restored._items.pop("test.repairs")
    assert seen == [[link.pk]]
    link.refresh_from_db()
    assert link.closed_at is not None
    assert not ComplaintEvent.objects.filter(complaint=complaint, kind="outage_restored").exists()


def test_an_order_keeps_its_first_outage(fault, grid, users):
    other = services.outage_create(by=users["handler"], kind="fault", cause="台区故障", areas=["T03"])
    services.link_order(fault, "complaint", 12345)
    link = services.link_order(other, "complaint", 12345, different_fault=True)
    assert link.outage_id == fault.pk


@pytest.mark.parametrize("maker", ["planned", "advance", "off", "fault", "estimate", "restored", "cancelled"])
def test_every_sms_text_fits_one_segment_even_with_a_long_cause(maker):
    now = timezone.now()
    scope = "10kV东风开发区幸福路01号线路等12处"
    cause = "上级电源检修，配合110kV变电站主变更换及线路迁改工程，涉及多条配网线路切改" * 2
    made = {
        "planned": lambda: texts.planned_notice(scope=scope, cause=cause, start=now, end=now + timedelta(hours=9)),
        "advance": lambda: texts.advance_notice(scope=scope, cause=cause, start=now, end=None),
        "off": lambda: texts.power_off(scope=scope, cause=cause, start=now, end=now + timedelta(days=1), fault=False),
        "fault": lambda: texts.power_off(scope=scope, cause=cause, start=now, end=now + timedelta(hours=2), fault=True),
        "estimate": lambda: texts.new_estimate(scope=scope, reason=cause, new=now + timedelta(days=1), now=now),
        "restored": lambda: texts.restored(scope=scope * 3, at=now),
        "cancelled": lambda: texts.cancelled(scope=scope * 3, start=now),
    }[maker]()
    assert len(made) <= texts.SEGMENT, (len(made), made)
    assert "95598" in made and "【95598】" in made


def test_a_short_text_names_the_scope_the_cause_and_the_times():
    from datetime import datetime

    from django.utils.timezone import make_aware

    start = make_aware(datetime(2026, 12, 18, 8, 0))
    text = texts.planned_notice(scope="10kV东风01线", cause="线路检修", start=start, end=start + timedelta(hours=9))
    assert text == "【95598】10kV东风01线计划于12月18日08:00至17:00停电，原因：线路检修。咨询请拨95598。"


def test_an_order_taken_inside_an_active_outage_is_linked_and_a_repair_call_joins_a_fault(fault, grid, users):
    from core.registry import order_taken_by

    c1, c3 = grid.customers["c1"], grid.customers["c3"]
    answer = order_taken_by(subject_type="complaint", subject_id=901, customer=c1, kind="repair", by=users["counter"])
    assert answer == {"outage": {"outage_id": fault.pk, "number": fault.number, "joins": True}}
    other = order_taken_by(subject_type="complaint", subject_id=902, customer=c1, kind="repair",
                           different_fault=True)
    assert other["outage"]["joins"] is False
    assert OutageLink.objects.get(subject_id=902).different_fault
    assert order_taken_by(subject_type="complaint", subject_id=903, customer=c3, kind="repair") == {}
