"""The deadlines of every kind of order (SPEC §11, §4) computed exactly on the 2026 work calendar:
National Day (2026-10-01..07 off), the make-up working Saturday 2026-10-10, the Mid-Autumn days
(2026-09-25..27 off)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from complaints.models import Complaint, ComplaintEvent

from .conftest import URL

SH = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db

# received 2026-09-30 (Wed) 10:00, the eve of National Day: the working days after it are
# 10-08 (1), 10-09 (2), 10-10 Sat make-up (3), 10-12 (4), 10-13 (5), 10-14 (6), 10-15 (7), 10-16 (8),
# 10-19 (9), 10-20 (10)
EVE = datetime(2026, 9, 30, 10, 0, tzinfo=SH)


def wd(day: int) -> str:
    return f"2026-10-{day:02d}T23:59:59+08:00"


CASES = [
    # kind, extra body, number prefix, policy, ack_due_at, resolve_due_at, deadline kinds
    ("complaint", {"category": "service.attitude"}, "TS", "一般投诉·普通客户(C)", "2026-10-01T10:00:00+08:00", wd(13),
     {"ack", "resolve", "assign"}),
    ("report", {}, "JB", "举报", "2026-10-01T10:00:00+08:00", wd(19), {"ack", "resolve", "assign"}),
    ("opinion", {}, "YJ", "意见", "2026-10-01T10:00:00+08:00", wd(13), {"ack", "resolve", "assign"}),
    ("suggestion", {}, "JY", "建议", None, wd(20), {"resolve", "assign"}),
    ("enquiry", {}, "ZX", "咨询", None, wd(8), {"resolve", "assign"}),
    ("praise", {}, "BY", "表扬", None, wd(8), {"resolve", "assign"}),
    ("service", {"service_type": "reconnection"}, "FW", "服务申请·欠费复电", None, "2026-10-01T10:00:00+08:00",
     {"resolve", "assign"}),
    ("service", {"service_type": "appliance_damage"}, "FW", "服务申请·家电损坏", None, "2026-10-01T10:00:00+08:00",
     {"resolve", "assign"}),
    ("service", {"service_type": "meter_fault"}, "FW", "服务申请·计量故障", None, wd(12), {"resolve", "assign"}),
    ("service", {"service_type": "reading_anomaly"}, "FW", "服务申请·抄表异常", None, wd(14), {"resolve", "assign"}),
    ("service", {"service_type": "other"}, "FW", "服务申请（其他）", None, wd(13), {"resolve", "assign"}),
    ("repair", {"address": "东风路12号", "inside_installation": True}, "BX", "故障报修", None, None, {"assign"}),
]


@time_machine.travel(EVE, tick=False)
@pytest.mark.parametrize("kind,extra,prefix,policy,ack,resolve,kinds", CASES,
                         ids=[f"{c[0]}-{c[1].get('service_type', '')}" for c in CASES])
def test_each_kind_gets_its_number_policy_and_deadlines(api, users, caller, kind, extra, prefix, policy, ack,
                                                         resolve, kinds):
    r = api(users["counter"]).post(URL, {**caller, "kind": kind, "description": "来电。", **extra,
                                         "received_at": EVE.isoformat()}, format="json")
    assert r.status_code == 201, r.data
    assert r.data["number"] == f"{prefix}202609300001"
    assert r.data["kind"] == kind
    assert r.data["status"] == "received"
    assert (r.data["ack_due_at"], r.data["resolve_due_at"], r.data["callback_due_at"]) == (ack, resolve, None)
    assert r.data["sla_policy"] == policy
    assert {d["kind"] for d in r.data["deadlines"]} == kinds
    # 派单 within 20 minutes for every kind
    assign = next(d for d in r.data["deadlines"] if d["kind"] == "assign")
    assert assign["due_at"] == "2026-09-30T10:20:00+08:00"
    order = Complaint.all_kinds.get(pk=r.data["id"])
    assert order.sla_policy.name == policy
    assert ComplaintEvent.objects.filter(complaint=order, kind="received").count() == 1


@time_machine.travel(datetime(2026, 10, 9, 15, 0, tzinfo=SH), tick=False)
def test_an_enquiry_taken_on_friday_is_answered_by_the_make_up_saturday(api, users, caller):
    r = api(users["counter"]).post(URL, {**caller, "kind": "enquiry", "description": "问电价"}, format="json")
    assert r.status_code == 201, r.data
    assert r.data["resolve_due_at"] == "2026-10-10T23:59:59+08:00"  # 调休: Saturday 10-10 is a working day


@time_machine.travel(EVE, tick=False)
@pytest.mark.parametrize("body,ack,resolve,policy", [
    ({"channel": "hotline_12398"}, "2026-09-30T12:00:00+08:00", wd(20), "12398能源监管热线"),
    ({"channel": "hotline_12345"}, "2026-09-30T12:00:00+08:00", "2026-10-07T10:00:00+08:00", "12345政务服务热线"),
    ({"severity": "significant"}, "2026-09-30T12:00:00+08:00", wd(13), "较大投诉"),
    ({"severity": "major"}, "2026-09-30T12:00:00+08:00", wd(20), "重大投诉"),
    ({"severity": "special"}, "2026-09-30T12:00:00+08:00", wd(20), "特殊投诉"),
])
def test_the_section_4_channels_and_severities_of_a_complaint(api, users, caller, body, ack, resolve, policy):
    r = api(users["manager"]).post(URL, {**caller, "kind": "complaint", "category": "service.attitude",
                                         "description": "投诉", "station": "S01", **body}, format="json")
    assert r.status_code == 201, r.data
    assert (r.data["ack_due_at"], r.data["resolve_due_at"], r.data["sla_policy"]) == (ack, resolve, policy)
