"""Every action in every state through the API: allowed -> 200 and one event; not allowed -> 409
with the allowed actions, and nothing changed."""

from datetime import timedelta

import pytest
from django.utils import timezone

from complaints.choices import ComplaintStatus
from complaints.lifecycle import ALLOWED_ACTIONS
from complaints.models import Complaint, ComplaintEvent, ExtensionRequest, PauseSegment
from tests.complaints.factories import ComplaintFactory

pytestmark = pytest.mark.django_db

FAR = (timezone.now() + timedelta(days=60)).isoformat()
BODIES = {
    "acknowledge": {"how": "phone", "note": "已电话联系"},
    "pause": {"reason": "客户外出，约定下周联系"},
    "resume": {"note": "客户已返回"},
    "urge": {"note": "客户再次来电催办"},
    "request-extension": {"requested_due_at": FAR, "reason": "需现场勘查"},
    "approve-extension": {"approve": True},
    "resolve": {"resolution": "已核实，向客户解释并致歉。", "verified": True, "utility_responsible": False},
    "callback": {"satisfaction": "satisfied"},
    "reopen": {"reason": "复核发现问题未解决"},
    "assign": {"handler": "handler1"},
    "close": {"reason": "回访期限已过，多次无法联系"},
}


def make(state, station, users):
    traits = {"received": {}, "acknowledged": {"acknowledged": True}, "paused": {"acknowledged": True},
              "resolved": {"resolved": True}, "closed": {"closed": True}}[state]
    c = ComplaintFactory(station=station, **traits)
    if state in ("resolved", "closed"):
        Complaint.objects.filter(pk=c.pk).update(resolved_by=users["handler"])
    if state == "paused":
        now = timezone.now()
        PauseSegment.objects.create(complaint=c, started_at=now - timedelta(hours=1), reason="x",
                                    paused_by=users["handler"])
        Complaint.objects.filter(pk=c.pk).update(status="paused", status_before_pause="acknowledged",
                                                 paused_at=now - timedelta(hours=1))
    c.sla_targets = {"policy": "test", "ack": [24, "hours"], "resolve": [5, "workdays"],
                     "callback": [1, "workdays"], "warning_fraction": "0.75"}
    Complaint.objects.filter(pk=c.pk).update(sla_targets=c.sla_targets)
    return Complaint.objects.get(pk=c.pk)


@pytest.mark.parametrize("state", [s.value for s in ComplaintStatus])
@pytest.mark.parametrize("action", list(BODIES))
def test_every_action_in_every_state(api, users, station, state, action):
    c = make(state, station, users)
    if action == "approve-extension":
        ExtensionRequest.objects.create(complaint=c, requested_by=users["handler"],
                                        requested_due_at=timezone.now() + timedelta(days=30), reason="需要时间")
    before = Complaint.objects.values().get(pk=c.pk)
    events_before = ComplaintEvent.objects.filter(complaint=c).count()
    r = api(users["manager"]).post(f"/api/v1/complaints/{c.pk}/{action}/", BODIES[action], format="json")
    if action in ALLOWED_ACTIONS[state]:
        assert r.status_code == 200, r.data
        assert ComplaintEvent.objects.filter(complaint=c).count() > events_before
        assert r.data["version"] > before["version"]
    else:
        assert r.status_code == 409, r.data
        assert r.data["allowed_actions"] == sorted(ALLOWED_ACTIONS[state])
        assert r.data["status"] == state
        assert Complaint.objects.values().get(pk=c.pk) == before
        assert ComplaintEvent.objects.filter(complaint=c).count() == events_before


def test_the_transition_map_has_an_answer_for_every_status():
    assert set(ALLOWED_ACTIONS) == set(ComplaintStatus.values)
