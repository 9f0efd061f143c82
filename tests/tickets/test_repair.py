"""A repair call (故障报修, SPEC §11): taking it creates exactly one repair work order in the same
transaction (a failure in either writes neither), the crew sees it with its arrival deadline
(SPEC §4), and completing it resolves the call and starts the caller's 1-workday callback."""

from datetime import datetime, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
import time_machine

from clock.models import Deadline
from complaints.models import Complaint, ComplaintEvent
from servicecenter.exceptions import ValidationFailed
from tests.customers.factories import CustomerFactory
from workorders.models import WorkOrder

from .conftest import URL

SH = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db
CALL = datetime(2026, 9, 30, 17, 0, tzinfo=SH)  # the eve of National Day


def repair_call(api, user, caller, **extra):
    return api(user).post(URL, {**caller, "kind": "repair", "address": "东风路12号3单元", "description": "整栋楼停电",
                                **extra}, format="json")


@time_machine.travel(CALL, tick=False)
def test_a_repair_call_creates_exactly_one_repair_work_order_linked_both_ways(api, users, caller):
    r = repair_call(api, users["counter"], caller)
    assert r.status_code == 201, r.data
    order = Complaint.all_kinds.get(pk=r.data["id"])
    [wo] = WorkOrder.objects.all()
    assert (wo.kind, wo.complaint_id, wo.station_id, wo.address) == ("repair", order.pk, order.station_id, "东风路12号3单元")
    assert (wo.contact_name, wo.contact_phone) == ("李女士", "13800001111")
    assert r.data["work_order"] == wo.number
    # SPEC §4, urban area: arrival target 45 min (warning), ceiling 60 min (breach)
    assert wo.arrive_target_at == CALL + timedelta(minutes=45)
    assert wo.arrive_due_at == CALL + timedelta(minutes=60)
    assert Deadline.objects.filter(subject_type="work_order", subject_id=wo.pk, kind="arrive", running=True).count() == 1
    # the order's own clock: 派单 only; no first contact, no resolve (the work order's), no callback yet
    assert [d["kind"] for d in r.data["deadlines"]] == ["assign"]
    assert ComplaintEvent.objects.filter(complaint=order, kind="work_order_created").count() == 1
    detail = api(users["handler"]).get(f"{URL}{order.pk}/").data
    assert detail["work_order"] == wo.number


@time_machine.travel(CALL, tick=False)
def test_a_diamond_customers_repair_call_gets_thirty_minutes_in_a_rural_station(api, users, other_station, caller):
    customer = CustomerFactory(station=other_station, grade="A", address="柳林村5组")
    r = api(users["other_counter"]).post(URL, {**caller, "kind": "repair", "customer": customer.pk,
                                               "description": "停电"}, format="json")
    assert r.status_code == 201, r.data
    wo = WorkOrder.objects.get(complaint_id=r.data["id"])
    assert (wo.area_type, wo.address) == ("rural", "柳林村5组")
    assert wo.arrive_target_at == wo.arrive_due_at == CALL + timedelta(minutes=30)


@pytest.mark.parametrize("failing", ["work_order", "order_events"])
def test_a_failure_in_either_writes_neither(api, users, caller, failing):
    orders, work_orders, events = Complaint.all_kinds.count(), WorkOrder.objects.count(), ComplaintEvent.objects.count()
    if failing == "work_order":
        patch = mock.patch("tickets.services.work_order_create", side_effect=ValidationFailed("address", "无法派单"))
    else:  # the order's side fails after the work order was written (its notifications)
        patch = mock.patch("complaints.services.notify_many", side_effect=RuntimeError("outbox down"))
    with patch:
        if failing == "work_order":
            r = repair_call(api, users["counter"], caller)
            assert r.status_code == 400 and "address" in r.data
        else:
            with pytest.raises(RuntimeError):
                repair_call(api, users["counter"], caller)
    assert Complaint.all_kinds.count() == orders
    assert WorkOrder.objects.count() == work_orders
    assert ComplaintEvent.objects.count() == events
    assert not Deadline.objects.filter(subject_type__in=["complaint", "work_order"]).exists()


def test_a_fault_inside_the_customers_installation_sends_no_crew_and_waits_for_a_handler(api, users, caller):
    r = repair_call(api, users["counter"], caller, inside_installation=True)
    assert r.status_code == 201, r.data
    assert r.data["work_order"] is None and r.data["inside_installation"] is True
    assert not WorkOrder.objects.exists()
    assert r.data["status"] == "received"
    r = api(users["handler"]).post(f"{URL}{r.data['id']}/resolve/",
                                   {"resolution": "属客户内部故障，已电话指导更换空开；如需上门为有偿服务。"}, format="json")
    assert r.status_code == 200, r.data
    assert r.data["status"] == "resolved" and r.data["callback_due_at"] is not None


def _work(api, crew_user, wo, action, **body):
    wo.refresh_from_db()
    r = api(crew_user).post(f"/api/v1/work-orders/{wo.pk}/{action}/", {"version": wo.version, **body}, format="json")
    assert r.status_code == 200, r.json()
    return r


def test_completing_the_work_order_resolves_the_call_and_starts_the_1_workday_callback(api, users, caller, crew):
    with time_machine.travel(CALL, tick=False):
        r = repair_call(api, users["counter"], caller)
        order_id = r.data["id"]
        wo = WorkOrder.objects.get(complaint_id=order_id)
        manager = api(users["manager"])
        assert manager.post(f"/api/v1/work-orders/{wo.pk}/dispatch/", {"version": wo.version, "crew": crew.name},
                            format="json").status_code == 200
        _work(api, users["crew"], wo, "accept")
        _work(api, users["crew"], wo, "depart")
    with time_machine.travel(CALL + timedelta(minutes=40), tick=False):
        _work(api, users["crew"], wo, "arrive")
    with time_machine.travel(CALL + timedelta(hours=2), tick=False):  # 19:00 on the eve of National Day
        _work(api, users["crew"], wo, "complete", notes="更换跌落式熔断器，已恢复供电。")
    order = api(users["manager"]).get(f"{URL}{order_id}/").data
    assert order["status"] == "resolved"
    assert order["resolved_at"] == "2026-09-30T19:00:00+08:00"
    assert order["resolution"] == "更换跌落式熔断器，已恢复供电。"
    # 1 workday after completion: the holiday week is skipped, 10-08 is the first working day
    assert order["callback_due_at"] == "2026-10-08T23:59:59+08:00"
    assert {d["kind"] for d in order["deadlines"]} == {"assign", "callback"}
    kinds = list(ComplaintEvent.objects.filter(complaint_id=order_id).values_list("kind", flat=True))
    assert kinds[-2:] == ["work_order_completed", "repaired"]
    # and the service center calls back: closed
    with time_machine.travel(datetime(2026, 10, 8, 10, 0, tzinfo=SH), tick=False):
        r = api(users["counter"]).post(f"{URL}{order_id}/callback/", {"satisfaction": "satisfied"}, format="json")
    assert r.status_code == 200, r.data
    assert r.data["status"] == "closed" and not r.data["callback_breached"]


def test_a_repair_call_has_no_pause_or_first_contact(api, users, caller):
    r = repair_call(api, users["counter"], caller)
    answer = api(users["handler"]).post(f"{URL}{r.data['id']}/pause/", {"reason": "客户外出"}, format="json")
    assert answer.status_code == 409
    assert answer.data["allowed_actions"] == sorted(["urge", "assign", "take", "resolve", "return", "send", "terminate"])
    assert api(users["handler"]).post(f"{URL}{r.data['id']}/acknowledge/", {}, format="json").status_code == 409


def test_intake_of_a_repair_call_costs_a_bounded_number_of_queries(api, users, caller, django_assert_max_num_queries):
    repair_call(api, users["counter"], caller)  # warm the reference caches
    with django_assert_max_num_queries(40):
        # order: number, insert, events + rows; work order: number, insert, update, rows, events; outbox
        r = repair_call(api, users["counter"], caller)
    assert r.status_code == 201
    assert WorkOrder.objects.filter(complaint_id=r.data["id"]).count() == 1
