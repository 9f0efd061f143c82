"""The escalation inbox: `/api/v1/escalations/` (+ acknowledge) and the `/escalations/` page."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from complaints.models import ComplaintEvent, Escalation
from complaints.sweep import enforce_sla
from tests.complaints.factories import ComplaintFactory

T0 = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)


@pytest.fixture
def escalated(users, station, other_station):
    here = ComplaintFactory(station=station, handler=users["handler"], received_at=T0,
                            ack_due_at=T0 + timedelta(hours=2), ack_warn_at=T0 + timedelta(hours=1))
    there = ComplaintFactory(station=other_station, received_at=T0, severity="major",
                             ack_due_at=T0 + timedelta(hours=2), ack_warn_at=T0 + timedelta(hours=1))
    enforce_sla(now=T0 + timedelta(hours=2))
    return here, there


def test_manager_sees_every_escalation_severe_first(api, users, escalated, django_assert_max_num_queries):
    # session/auth 0 (forced), count 1, page 1, complaint numbers via select_related: 2 (+ roles 1)
    with django_assert_max_num_queries(4):
        r = api(users["manager"]).get("/api/v1/escalations/")
    assert r.status_code == 200
    rows = r.json()["results"]
    assert r.json()["count"] == 5  # here: ack L1, L2; there (major): L1, L2, L3
    assert rows[0]["level"] == 3 and rows[0]["subject_number"] == escalated[1].number
    assert rows[0]["link"] == f"/complaints/{escalated[1].number}/"
    assert {row["station"] for row in rows} == {"S01", "S02"}


def test_filters(api, users, escalated):
    client = api(users["manager"])
    assert client.get("/api/v1/escalations/?level=3").json()["count"] == 1
    assert client.get("/api/v1/escalations/?station=S01").json()["count"] == 2
    assert client.get("/api/v1/escalations/?kind=ack&level=1&level=2").json()["count"] == 4
    assert client.get("/api/v1/escalations/?acknowledged=true").json()["count"] == 0


def test_handler_sees_own_station_read_only_and_others_nothing(api, users, escalated):
    r = api(users["handler"]).get("/api/v1/escalations/")
    assert r.json()["count"] == 2 and {row["station"] for row in r.json()["results"]} == {"S01"}
    theirs = Escalation.objects.filter(station__code="S02").first()
    assert api(users["handler"]).get(f"/api/v1/escalations/{theirs.pk}/").status_code == 404
    mine = Escalation.objects.filter(station__code="S01").first()
    assert api(users["handler"]).post(f"/api/v1/escalations/{mine.pk}/acknowledge/").status_code == 403
    assert api(users["counter"]).get("/api/v1/escalations/").json()["count"] == 0
    assert api(users["crew"]).get(f"/api/v1/escalations/{mine.pk}/").status_code == 404
    assert api().get("/api/v1/escalations/").status_code == 401


def test_manager_acknowledges_once(api, users, escalated):
    esc = Escalation.objects.get(level=3)
    client = api(users["manager"])
    r = client.post(f"/api/v1/escalations/{esc.pk}/acknowledge/", {"note": "已协调抢修"}, format="json")
    assert r.status_code == 200
    assert r.json()["acknowledged_by"] == "manager1" and r.json()["acknowledged_at"]
    again = client.post(f"/api/v1/escalations/{esc.pk}/acknowledge/")
    assert again.status_code == 409 and again.json()["code"] == "invalid_state"
    assert ComplaintEvent.objects.filter(complaint=esc.complaint, kind="escalation_acknowledged",
                                         note="已协调抢修").count() == 1
    assert client.get("/api/v1/escalations/?acknowledged=false").json()["count"] == 4


def test_inbox_page_lists_and_acknowledges(client, users, escalated):
    client.force_login(users["manager"])
    page = client.get("/escalations/")
    assert page.status_code == 200
    html = page.content.decode()
    assert escalated[0].number in html and escalated[1].number in html
    esc = Escalation.objects.get(level=3)
    r = client.post(f"/escalations/{esc.pk}/acknowledge/", {"next": "/escalations/"})
    assert r.status_code == 302 and r["Location"] == "/escalations/"
    esc.refresh_from_db()
    assert esc.acknowledged_by == users["manager"]
    # the late deadline leaves the inbox, every level of it (one row per deadline)
    assert escalated[1].number not in client.get("/escalations/").content.decode()
    assert escalated[0].number in client.get("/escalations/").content.decode()
    assert client.get("/escalations/?acknowledged=true").content.decode().count("esc-level-3") == 1


def test_inbox_page_is_not_for_counter_staff(client, users, escalated):
    client.force_login(users["counter"])
    assert client.get("/escalations/").status_code == 404
    client.force_login(users["handler"])
    esc = Escalation.objects.filter(station__code="S01").first()
    assert client.post(f"/escalations/{esc.pk}/acknowledge/").status_code == 404
