"""One intake for every kind: what each kind requires (400 naming the field), an enquiry answered
on the spot, who is told (account managers of any kind, the leadership group of a higher
authority's order), and /api/v1/complaints/ unchanged beside it."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from complaints.models import Complaint, ComplaintEvent
from core.models import Notification
from tests.customers.factories import CustomerFactory, StaffFactory

from .conftest import URL

SH = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("kind,body,field", [
    ("service", {}, "service_type"),
    ("service", {"service_type": "meter_reading"}, "service_type"),
    ("repair", {}, "address"),
    ("repair", {"address": "   "}, "address"),
    ("complaint", {}, "category"),
    ("complaint", {"category": "service.attitude", "severity": "urgent"}, "severity"),
    ("report", {"severity": "critical"}, "severity"),
    ("holiday", {}, "kind"),
    ("enquiry", {"description": ""}, "description"),
])
def test_bad_input_for_each_kind_answers_400_naming_the_field(api, users, caller, kind, body, field):
    before = Complaint.all_kinds.count()
    r = api(users["counter"]).post(URL, {**caller, "kind": kind, "description": "来电。", **body}, format="json")
    assert r.status_code == 400, r.data
    assert field in r.data, r.data
    assert Complaint.all_kinds.count() == before


def test_a_repair_call_of_a_customer_takes_the_customers_address(api, users, station):
    customer = CustomerFactory(station=station, address="西湖路8号")
    r = api(users["counter"]).post(URL, {"kind": "repair", "channel": "phone", "customer": customer.pk,
                                         "description": "家中停电", "inside_installation": True}, format="json")
    assert r.status_code == 201, r.data
    assert r.data["address"] == "西湖路8号"


@time_machine.travel(datetime(2026, 11, 25, 9, 30, tzinfo=SH), tick=False)
def test_an_enquiry_answered_on_the_spot_is_closed_at_intake_with_the_answer(api, users, caller):
    r = api(users["counter"]).post(URL, {**caller, "kind": "enquiry", "channel": "counter", "description": "峰谷电价怎么算？",
                                         "answer": "峰时段8:00-22:00，谷时段22:00-次日8:00。"}, format="json")
    assert r.status_code == 201, r.data
    assert r.data["status"] == "closed"
    assert r.data["answer"] == r.data["resolution"] == "峰时段8:00-22:00，谷时段22:00-次日8:00。"
    assert r.data["closed_at"] == r.data["resolved_at"] == "2026-11-25T09:30:00+08:00"
    assert r.data["sla_state"] == "met"
    rows = {d["kind"]: d for d in r.data["deadlines"]}
    assert rows["resolve"]["met_at"] == "2026-11-25T09:30:00+08:00" and not rows["resolve"]["breached"]
    # nothing to dispatch: the assign deadline is met at intake (the statistics count no late dispatch)
    assert rows["assign"]["met_at"] == "2026-11-25T09:30:00+08:00" and not rows["assign"]["breached"]
    order = Complaint.all_kinds.get(pk=r.data["id"])
    assert order.assigned_at == order.closed_at and not order.assign_breached
    kinds = list(ComplaintEvent.objects.filter(complaint=order).values_list("kind", flat=True))
    assert kinds == ["received", "answered", "closed"]
    assert ComplaintEvent.objects.get(complaint=order, kind="answered").note == order.answer


def test_an_enquiry_without_an_answer_waits_and_is_answered_by_the_reply(api, users, caller):
    r = api(users["counter"]).post(URL, {**caller, "kind": "enquiry", "description": "如何办理过户？"}, format="json")
    assert r.status_code == 201 and r.data["status"] == "received", r.data
    assert r.data["answer"] == ""
    r = api(users["handler"]).post(f"{URL}{r.data['id']}/resolve/", {"resolution": "携带身份证与房产证到营业厅办理。"},
                                   format="json")
    assert r.status_code == 200, r.data
    assert r.data["status"] == "closed"  # no callback for an enquiry
    assert r.data["answer"] == "携带身份证与房产证到营业厅办理。"
    assert r.data["callback_due_at"] is None


def test_an_enquiry_is_answered_with_the_answer_action(api, users, caller):
    r = api(users["counter"]).post(URL, {**caller, "kind": "enquiry", "description": "停电原因？"}, format="json")
    r = api(users["counter"]).post(f"{URL}{r.data['id']}/answer/", {"answer": "线路检修，预计16时复电。"}, format="json")
    assert r.status_code == 200, r.data
    assert (r.data["status"], r.data["answer"]) == ("closed", "线路检修，预计16时复电。")
    assert ComplaintEvent.objects.filter(complaint_id=r.data["id"], kind="answered").count() == 1
    other = api(users["counter"]).post(URL, {**caller, "kind": "praise", "description": "表扬"}, format="json")
    assert api(users["counter"]).post(f"{URL}{other.data['id']}/answer/", {"answer": "x"},
                                      format="json").status_code == 409


def test_the_account_manager_is_told_of_an_order_of_any_kind(api, users, station):
    customer = CustomerFactory(station=station, grade="C", account_manager=users["account_manager"])
    r = api(users["counter"]).post(URL, {"kind": "praise", "channel": "counter", "customer": customer.pk,
                                         "description": "抢修师傅很负责，特此表扬。"}, format="json")
    assert r.status_code == 201, r.data
    told = Notification.objects.get(recipient=users["account_manager"])
    assert told.kind == "order.customer_filed" and r.data["number"] in told.subject


@pytest.mark.parametrize("channel", ["forwarded", "hotline_12398", "hotline_12345"])
def test_an_order_from_a_higher_authority_tells_the_leadership_group_at_intake(api, users, caller, channel):
    r = api(users["manager"]).post(URL, {**caller, "kind": "opinion", "channel": channel, "station": "S01",
                                         "description": "转办：供电服务意见"}, format="json")
    assert r.status_code == 201, r.data
    assert Notification.objects.filter(recipient=users["leader"], link=f"/tickets/{r.data['number']}/").count() == 1
    assert not Notification.objects.filter(recipient=users["manager"]).exists()


@time_machine.travel(datetime(2026, 11, 25, 9, 30, tzinfo=SH), tick=False)
def test_a_complaint_taken_as_a_ticket_is_the_same_as_one_taken_at_the_complaints_api(api, users, walk_in):
    r1 = api(users["counter"]).post("/api/v1/complaints/", walk_in, format="json")
    r2 = api(users["counter"]).post(URL, {**walk_in, "kind": "complaint"}, format="json")
    assert r1.status_code == r2.status_code == 201
    same = ["status", "ack_due_at", "resolve_due_at", "sla_policy", "category", "station", "channel"]
    assert [r1.data[k] for k in same] == [r2.data[k] for k in same]
    assert r2.data["number"].startswith("TS")
    listed = api(users["counter"]).get("/api/v1/complaints/").data
    assert {c["number"] for c in listed["results"]} == {r1.data["number"], r2.data["number"]}


def test_the_complaints_api_shows_complaints_only(api, users, caller, walk_in):
    api(users["counter"]).post("/api/v1/complaints/", walk_in, format="json")
    other = api(users["counter"]).post(URL, {**caller, "kind": "opinion", "description": "意见"}, format="json").data
    complaints = api(users["manager"]).get("/api/v1/complaints/").data
    assert [c["number"][:2] for c in complaints["results"]] == ["TS"]
    assert api(users["manager"]).get(f"/api/v1/complaints/{other['id']}/").status_code == 404
    assert api(users["manager"]).get(f"{URL}{other['id']}/").status_code == 200
    everything = api(users["manager"]).get(URL).data
    assert sorted(t["kind"] for t in everything["results"]) == ["complaint", "opinion"]


def test_staff_of_another_station_do_not_see_the_order(api, users, caller):
    r = api(users["counter"]).post(URL, {**caller, "kind": "service", "service_type": "other",
                                         "description": "申请"}, format="json")
    assert api(users["other_handler"]).get(f"{URL}{r.data['id']}/").status_code == 404
    assert api(StaffFactory(username="crew9", role="crew")).get(f"{URL}{r.data['id']}/").status_code == 404
