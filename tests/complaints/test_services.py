"""Lifecycle behaviour a user notices: clocks that pause, urges that escalate, extensions,
callbacks that reopen, and the rules on who may do what."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from complaints import services
from complaints.models import Complaint, ComplaintEvent, Escalation, SlaPolicy
from core.models import Notification

SH = ZoneInfo("Asia/Shanghai")
URL = "/api/v1/complaints/"
pytestmark = pytest.mark.django_db


def intake(api, users, walk_in, **extra):
    r = api(users["counter"]).post(URL, {**walk_in, **extra}, format="json")
    assert r.status_code == 201, r.data
    return Complaint.objects.get(pk=r.data["id"])


def act(api, user, c, action, body=None):
    return api(user).post(f"{URL}{c.pk}/{action}/", body or {}, format="json")


def test_pause_and_resume_move_every_open_deadline_by_the_paused_time(api, users, walk_in):
    with time_machine.travel(datetime(2026, 11, 25, 9, 0, tzinfo=SH), tick=False):
        c = intake(api, users, walk_in)
        ack, resolve = c.ack_due_at, c.resolve_due_at
        assert act(api, users["handler"], c, "pause", {"reason": "客户出差，约定三天后联系"}).status_code == 200
    with time_machine.travel(datetime(2026, 11, 27, 15, 30, tzinfo=SH), tick=False):
        r = act(api, users["handler"], c, "resume", {"note": "客户回来了"})
    assert r.status_code == 200 and r.data["status"] == "received"
    c.refresh_from_db()
    paused = timedelta(days=2, hours=6, minutes=30)
    assert c.ack_due_at == ack + paused
    # workdays move by whole working days: Wed 09:00 -> Fri 15:30 spent 2.27 working days -> 2
    assert c.resolve_due_at == datetime(2026, 12, 4, 23, 59, 59, tzinfo=SH) and resolve.day == 2
    seg = c.pauses.get()
    assert (seg.reason, seg.ended_at - seg.started_at) == ("客户出差，约定三天后联系", paused)
    event = c.events.get(kind="resumed")
    assert event.data["paused_seconds"] == int(paused.total_seconds())
    assert event.data["deadlines"]["resolve_due_at"][1] == "2026-12-04T23:59:59+08:00"


def test_a_paused_complaint_is_not_at_risk_while_the_clock_stands(api, users, walk_in):
    with time_machine.travel(datetime(2026, 11, 25, 9, 0, tzinfo=SH), tick=False):
        c = intake(api, users, walk_in)
        act(api, users["handler"], c, "pause", {"reason": "等待客户"})
    with time_machine.travel(datetime(2026, 12, 20, 9, 0, tzinfo=SH), tick=False):
        assert api(users["handler"]).get(f"{URL}{c.pk}/").data["sla_state"] == "on_track"


def test_the_second_urge_escalates_once_to_the_station_head(api, users, station, walk_in):
    station.head = users["manager"]
    station.save()
    c = intake(api, users, walk_in)
    act(api, users["manager"], c, "assign", {"handler": "handler1"})
    act(api, users["counter"], c, "urge", {"note": "第一次催办"})
    assert Notification.objects.filter(recipient=users["handler"], kind="complaint.urged").count() == 1
    assert not Escalation.objects.filter(complaint=c).exists()
    act(api, users["counter"], c, "urge", {"note": "第二次催办"})
    act(api, users["counter"], c, "urge", {"note": "第三次催办"})
    esc = Escalation.objects.get(complaint=c)
    assert (esc.kind, esc.level) == ("urge", 1)
    assert Notification.objects.filter(recipient=users["manager"], kind="complaint.escalated").count() == 1
    c.refresh_from_db()
    assert c.urge_count == 3 and c.resolve_due_at == c.original_resolve_due_at  # urging moves no deadline
    r = api(users["handler"]).get(f"{URL}{c.pk}/escalations/")
    assert [e["kind"] for e in r.data["results"]] == ["urge"]


def test_an_extension_is_asked_by_the_handler_and_decided_by_a_manager(api, users, walk_in):
    c = intake(api, users, walk_in)
    original = c.resolve_due_at
    new_due = (original + timedelta(days=3)).isoformat()
    assert act(api, users["handler"], c, "request-extension",
               {"requested_due_at": new_due, "reason": "需停电检修后处理"}).status_code == 200
    assert Notification.objects.filter(recipient=users["manager"], kind="complaint.extension_requested").exists()
    # a second request while one waits is refused
    r = act(api, users["handler"], c, "request-extension", {"requested_due_at": new_due, "reason": "再次"})
    assert r.status_code == 400 and "requested_due_at" in r.data
    # the handler cannot approve their own request
    assert act(api, users["handler"], c, "approve-extension", {"approve": True}).status_code == 403
    r = act(api, users["manager"], c, "approve-extension", {"approve": True, "note": "同意"})
    assert r.status_code == 200
    c.refresh_from_db()
    assert c.resolve_due_at == original + timedelta(days=3)
    assert c.original_resolve_due_at == original
    # nothing waits any more
    assert act(api, users["manager"], c, "approve-extension", {"approve": True}).status_code == 409


def test_an_earlier_deadline_is_not_an_extension(api, users, walk_in):
    c = intake(api, users, walk_in)
    r = act(api, users["handler"], c, "request-extension",
            {"requested_due_at": (c.resolve_due_at - timedelta(days=1)).isoformat(), "reason": "x"})
    assert r.status_code == 400 and "requested_due_at" in r.data


@time_machine.travel(datetime(2026, 11, 27, 10, 0, tzinfo=SH), tick=False)
def test_resolve_needs_the_reply_and_the_findings_and_sets_the_callback_deadline(api, users, walk_in):
    c = intake(api, users, walk_in, acknowledge_now=True)
    r = act(api, users["handler"], c, "resolve", {"resolution": "已处理", "verified": True})
    assert r.status_code == 400 and "utility_responsible" in r.data
    r = act(api, users["handler"], c, "resolve", {"resolution": "", "verified": True, "utility_responsible": True})
    assert r.status_code == 400 and "resolution" in r.data
    r = act(api, users["handler"], c, "resolve", {"resolution": "已处理", "verified": True,
                                                  "utility_responsible": True})
    assert r.status_code == 200
    # Friday: one working day later is Monday
    assert r.data["callback_due_at"] == "2026-11-30T23:59:59+08:00"
    assert r.data["sla_state"] == "on_track"


def test_the_handler_who_resolved_it_does_not_make_the_callback(api, users, walk_in):
    c = intake(api, users, walk_in, acknowledge_now=True)
    # a manager resolved it here, so the same manager may not call back; counter staff may
    act(api, users["manager"], c, "resolve", {"resolution": "已处理", "verified": False, "utility_responsible": False})
    r = act(api, users["manager"], c, "callback", {"satisfaction": "satisfied"})
    assert r.status_code == 403
    assert act(api, users["handler"], c, "callback", {"satisfaction": "satisfied"}).status_code == 403
    r = act(api, users["counter"], c, "callback", {"satisfaction": "satisfied"})
    assert r.status_code == 200 and r.data["status"] == "closed" and r.data["sla_state"] == "met"


def test_a_dissatisfied_callback_reopens_with_a_new_resolve_deadline_from_now(api, users, walk_in):
    with time_machine.travel(datetime(2026, 11, 25, 9, 0, tzinfo=SH), tick=False):
        c = intake(api, users, walk_in, acknowledge_now=True)
        act(api, users["handler"], c, "resolve", {"resolution": "已处理", "verified": True,
                                                  "utility_responsible": True})
    with time_machine.travel(datetime(2026, 11, 26, 14, 0, tzinfo=SH), tick=False):
        r = act(api, users["counter"], c, "callback", {"satisfaction": "dissatisfied", "note": "问题依旧"})
    assert r.status_code == 200
    assert r.data["status"] == "acknowledged" and r.data["reopen_count"] == 1
    assert r.data["resolve_due_at"] == "2026-12-03T23:59:59+08:00"  # 5 working days from Thursday
    assert r.data["callback_due_at"] is None
    kinds = list(c.events.values_list("kind", flat=True))
    assert kinds[-2:] == ["called_back", "reopened"]


def test_a_manager_closes_an_unreachable_complainant_with_a_reason(api, users, walk_in):
    c = intake(api, users, walk_in, acknowledge_now=True)
    act(api, users["handler"], c, "resolve", {"resolution": "已处理", "verified": True, "utility_responsible": True})
    assert act(api, users["counter"], c, "close", {"reason": "无法联系"}).status_code == 403
    r = act(api, users["manager"], c, "close", {"reason": "回访期限内三次无法联系"})
    assert r.status_code == 200 and r.data["close_reason"] == "回访期限内三次无法联系"
    assert act(api, users["manager"], c, "reopen", {"reason": "客户来电表示不满"}).data["status"] == "acknowledged"


def test_only_a_handler_of_the_complaints_station_can_be_assigned(api, users, walk_in):
    c = intake(api, users, walk_in)
    r = act(api, users["manager"], c, "assign", {"handler": "handler2"})
    assert r.status_code == 400 and "handler" in r.data
    r = act(api, users["manager"], c, "assign", {"handler": "counter1"})
    assert r.status_code == 400 and "handler" in r.data
    r = act(api, users["manager"], c, "assign", {"handler": "handler1"})
    assert r.data["handler"] == "handler1"
    assert Notification.objects.filter(recipient=users["handler"], kind="complaint.assigned").exists()


def test_a_late_acknowledgement_is_recorded_as_breached(api, users, walk_in):
    with time_machine.travel(datetime(2026, 11, 25, 9, 0, tzinfo=SH), tick=False):
        c = intake(api, users, walk_in)
    with time_machine.travel(datetime(2026, 11, 26, 10, 0, tzinfo=SH), tick=False):
        r = act(api, users["handler"], c, "acknowledge", {"how": "phone"})
    assert r.data["ack_breached"] is True and r.data["sla_state"] == "breached"


def test_managers_mark_typical_cases(users, api, walk_in):
    c = intake(api, users, walk_in)
    with pytest.raises(services.ActionNotPermitted):
        services.complaint_mark_typical(complaint=c, by=users["handler"])
    assert services.complaint_mark_typical(complaint=c, by=users["manager"]).typical is True
    assert act(api, users["handler"], c, "mark-typical", {"typical": False}).status_code == 403
    assert act(api, users["manager"], c, "mark-typical", {"typical": False}).data["typical"] is False


def test_the_timeline_is_append_only(api, users, walk_in):
    c = intake(api, users, walk_in)
    event = c.events.first()
    with pytest.raises(ValueError):
        event.save()
    with pytest.raises(ValueError):
        event.delete()
    r = api(users["manager"]).post(f"{URL}{c.pk}/events/", {}, format="json")
    assert r.status_code == 405
    r = api(users["handler"]).get(f"{URL}{c.pk}/events/")
    assert [e["kind"] for e in r.data["results"]] == ["received"]
    assert ComplaintEvent.objects.filter(complaint=c).count() == 1


def test_a_policy_beyond_the_ten_workday_ceiling_is_refused():
    policy = SlaPolicy(name="太宽松", ack_amount=24, ack_unit="hours", resolve_amount=11, resolve_unit="workdays",
                       callback_amount=1, callback_unit="workdays")
    with pytest.raises(ValidationError) as exc:
        policy.full_clean()
    assert "resolve_amount" in exc.value.message_dict
    policy.resolve_amount, policy.resolve_unit = 241, "hours"
    with pytest.raises(ValidationError):
        policy.full_clean()
    policy.resolve_amount = 240
    policy.full_clean()


def test_the_admin_refuses_a_policy_beyond_the_ceiling(users, client):
    client.force_login(users["admin"])
    policy = SlaPolicy.objects.get(name="重大投诉")
    r = client.post(f"/admin/complaints/slapolicy/{policy.pk}/change/", {
        "name": policy.name, "active": "on", "severity": "major", "grade": "", "channel": "", "priority": 0,
        "ack_amount": 2, "ack_unit": "hours", "resolve_amount": 15, "resolve_unit": "workdays",
        "callback_amount": 1, "callback_unit": "workdays", "warning_fraction": "0.75"})
    assert r.status_code == 200
    assert "10" in r.content.decode()
    policy.refresh_from_db()
    assert policy.resolve_amount == 10


def test_seeded_defaults_are_in_place():
    from complaints.models import ComplaintCategory
    from core.models import WorkCalendarDay

    assert ComplaintCategory.objects.filter(parent__isnull=True).count() == 4
    assert ComplaintCategory.objects.filter(parent__isnull=False).count() == 17
    # SPEC §4: 6; complaints.seeds.KIND_POLICIES: 15 (the §4 severities and channels, the §11 kinds)
    assert SlaPolicy.objects.count() == 21
    assert WorkCalendarDay.objects.filter(date__year=2026).count() >= 30
    assert WorkCalendarDay.objects.get(date="2026-10-10").is_workday is True


def test_the_handler_who_acknowledges_an_unassigned_complaint_owns_it(users, station):
    from complaints import services
    from tests.complaints.factories import ComplaintFactory

    c = ComplaintFactory(station=station, handler=None)
    services.complaint_acknowledge(complaint=c, by=users["handler"])
    c.refresh_from_db()
    assert c.handler == users["handler"]
    assigned = ComplaintFactory(station=station, handler=users["handler"])
    services.complaint_acknowledge(complaint=assigned, by=users["manager"])
    assigned.refresh_from_db()
    assert assigned.handler == users["handler"]
