"""The manager's review (SPEC §11): a significant, major or special complaint is reviewed by a
manager within 15 minutes (deadline `review`) before the station gets it; a normal one is not."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from complaints.models import Complaint, ComplaintEvent, Escalation
from complaints.sweep import enforce_sla
from core.models import Notification

from .conftest import URL

SH = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db
T0 = datetime(2026, 11, 25, 9, 0, tzinfo=SH)


def take_in(api, users, walk_in, severity):
    with time_machine.travel(T0, tick=False):
        r = api(users["counter"]).post(URL, {**walk_in, "kind": "complaint", "severity": severity}, format="json")
    assert r.status_code == 201, r.data
    return r.data


@pytest.mark.parametrize("severity", ["significant", "major", "special"])
def test_an_upper_severity_complaint_waits_for_the_managers_review(api, users, walk_in, station, severity):
    station.head = users["handler"]
    station.save()
    data = take_in(api, users, walk_in, severity)
    assert data["review_due_at"] == "2026-11-25T09:15:00+08:00"
    assert "review" in {d["kind"] for d in data["deadlines"]}
    assert Notification.objects.filter(recipient=users["manager"], kind="complaint.review").count() == 1
    # the station does not get it yet
    r = api(users["handler"]).post(f"{URL}{data['id']}/take/", format="json")
    assert r.status_code == 409 and "take" not in r.data["allowed_actions"]
    assert api(users["handler"]).post(f"{URL}{data['id']}/review/", {}, format="json").status_code == 403
    with time_machine.travel(T0 + timedelta(minutes=10), tick=False):
        r = api(users["manager"]).post(f"/api/v1/complaints/{data['id']}/review/", {"note": "情况属实，转供电所"},
                                       format="json")
    assert r.status_code == 200, r.data
    order = Complaint.objects.get(pk=data["id"])
    assert order.reviewed_at == T0 + timedelta(minutes=10) and not order.review_breached
    assert ComplaintEvent.objects.filter(complaint=order, kind="reviewed").count() == 1
    assert Notification.objects.filter(recipient=users["handler"], kind="complaint.reviewed").count() == 1
    review_row = next(d for d in r.data["deadlines"] if d["kind"] == "review")
    assert review_row["met_at"] == "2026-11-25T09:10:00+08:00" and not review_row["breached"]
    assert api(users["handler"]).post(f"{URL}{data['id']}/take/", format="json").status_code == 200


def test_a_normal_complaint_has_no_review(api, users, walk_in):
    data = take_in(api, users, walk_in, "normal")
    assert data["review_due_at"] is None
    assert "review" not in {d["kind"] for d in data["deadlines"]}
    assert not Notification.objects.filter(kind="complaint.review").exists()
    assert api(users["handler"]).post(f"{URL}{data['id']}/take/", format="json").status_code == 200


def test_a_late_review_escalates_and_a_major_ones_breach_is_severe_at_once(api, users, walk_in):
    data = take_in(api, users, walk_in, "major")
    with time_machine.travel(T0 + timedelta(minutes=16), tick=False):
        enforce_sla()
    levels = sorted(Escalation.objects.filter(complaint_id=data["id"], kind="review").values_list("level", flat=True))
    assert levels == [1, 2, 3]
    assert Complaint.objects.get(pk=data["id"]).review_breached is True


def test_other_kinds_have_no_review(api, users, caller):
    r = api(users["counter"]).post(URL, {**caller, "kind": "report", "severity": "major", "description": "举报"},
                                   format="json")
    assert r.status_code == 201 and r.data["review_due_at"] is None
    answer = api(users["manager"]).post(f"{URL}{r.data['id']}/review/", {}, format="json")
    assert answer.status_code == 409 and "review" not in answer.data["allowed_actions"]
