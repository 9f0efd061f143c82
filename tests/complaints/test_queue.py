"""The station queue (SPEC §4, §8): unassigned orders wait in their station's queue, seen by
every handler of the station and by the station head; one click takes one (首问负责制)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from complaints import services
from complaints.models import Complaint, ComplaintEvent, Escalation
from tests.complaints.factories import ComplaintFactory
from tests.customers.factories import StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def crew_of_station(station, users):
    """A second handler and the head of `station` (the head is a handler named on the station)."""
    second = StaffFactory(username="handler1b", role="handler", station=station)
    head = StaffFactory(username="head1", role="handler", station=station)
    station.head = head
    station.save(update_fields=["head"])
    return {"second": second, "head": head}


@pytest.fixture
def walk_in_complaint(users, category):
    return services.complaint_intake(by=users["counter"], channel="counter", category=category,
                                     complainant_name="李女士", complainant_phone="13800001111",
                                     description="营业厅窗口排队一小时无人办理。")


def _page(user):
    client = Client()
    client.force_login(user)
    return client


def _numbers(resp, key):
    return [c.number for c in resp.context[key]]


def test_queue_shows_an_unassigned_walk_in_to_every_handler_of_its_station_and_the_head_only(
        users, crew_of_station, walk_in_complaint):
    assert walk_in_complaint.handler_id is None
    for user in (users["handler"], crew_of_station["second"], crew_of_station["head"]):
        resp = _page(user).get("/queue/")
        assert resp.status_code == 200
        assert _numbers(resp, "unassigned") == [walk_in_complaint.number], user.username
        assert walk_in_complaint.number in resp.content.decode()
    other = _page(users["other_handler"]).get("/queue/")
    assert other.status_code == 200
    assert _numbers(other, "unassigned") == []
    assert walk_in_complaint.number not in other.content.decode()
    assert _page(users["crew"]).get("/queue/").status_code == 404


def test_taking_a_queued_complaint_makes_the_taker_its_handler_with_a_timeline_event(
        users, crew_of_station, walk_in_complaint):
    second = crew_of_station["second"]
    resp = _page(second).post(f"/queue/{walk_in_complaint.number}/take/")
    assert resp.status_code == 302 and resp["Location"] == f"/complaints/{walk_in_complaint.number}/"
    walk_in_complaint.refresh_from_db()
    assert walk_in_complaint.handler == second
    event = ComplaintEvent.objects.get(complaint=walk_in_complaint, kind="taken")
    assert event.actor == second
    # it left the unassigned part and sits in the station's open orders; and in the taker's work
    resp = _page(users["handler"]).get("/queue/")
    assert _numbers(resp, "unassigned") == []
    assert _numbers(resp, "assigned") == [walk_in_complaint.number]
    assert walk_in_complaint.number in _page(second).get("/my-work/").content.decode()


def test_a_second_taker_gets_409_and_the_first_keeps_it(api, users, crew_of_station, walk_in_complaint):
    first = api(users["handler"]).post(f"/api/v1/complaints/{walk_in_complaint.pk}/take/")
    assert first.status_code == 200, first.content
    assert first.json()["handler"] == users["handler"].username
    again = api(users["handler"]).post(f"/api/v1/complaints/{walk_in_complaint.pk}/take/")
    assert again.status_code == 200  # taking one's own again changes nothing
    late = api(crew_of_station["second"]).post(f"/api/v1/complaints/{walk_in_complaint.pk}/take/")
    assert late.status_code == 409
    assert "take" not in late.json().get("allowed_actions", [])
    assert Complaint.objects.get(pk=walk_in_complaint.pk).handler == users["handler"]
    assert ComplaintEvent.objects.filter(complaint=walk_in_complaint, kind="taken").count() == 1
    # the page says who was first, and does not change the handler
    resp = _page(crew_of_station["second"]).post(f"/queue/{walk_in_complaint.number}/take/", follow=True)
    assert "已" in resp.content.decode() or "already" in resp.content.decode()


def test_another_station_and_other_roles_cannot_take(api, users, walk_in_complaint):
    assert api(users["other_handler"]).post(f"/api/v1/complaints/{walk_in_complaint.pk}/take/").status_code == 404
    assert api(users["counter"]).post(f"/api/v1/complaints/{walk_in_complaint.pk}/take/").status_code == 403
    assert api(users["manager"]).post(f"/api/v1/complaints/{walk_in_complaint.pk}/take/").status_code == 403


def test_queue_order_unassigned_oldest_first_then_open_by_nearest_deadline(station, users):
    now = timezone.now()
    old = ComplaintFactory(station=station, received_at=now - timedelta(hours=5))
    new = ComplaintFactory(station=station, received_at=now - timedelta(hours=1))
    later = ComplaintFactory(station=station, handler=users["handler"], received_at=now - timedelta(hours=2),
                             ack_due_at=now + timedelta(hours=20))
    sooner = ComplaintFactory(station=station, handler=users["handler"], received_at=now - timedelta(hours=3),
                              ack_due_at=now + timedelta(hours=2))
    ComplaintFactory(station=station, status="closed", received_at=now - timedelta(hours=9))
    resp = _page(users["handler"]).get("/queue/")
    assert _numbers(resp, "unassigned") == [old.number, new.number]
    assert _numbers(resp, "assigned") == [sooner.number, later.number]


def test_queue_page_reads_a_constant_number_of_queries(station, users, django_assert_max_num_queries):
    for _ in range(12):
        ComplaintFactory(station=station)
        ComplaintFactory(station=station, handler=users["handler"])
    client = _page(users["handler"])
    # session + user + groups + station of the user + head check + 2 queue queries + a margin for the menu
    with django_assert_max_num_queries(10):
        assert client.get("/queue/").status_code == 200


def test_station_head_lands_on_the_station_overview_and_acknowledges_its_escalations(
        users, crew_of_station, walk_in_complaint, station, other_station):
    head = crew_of_station["head"]
    client = Client()
    client.force_login(head)
    assert client.get("/")["Location"] == "/station/"
    late = ComplaintFactory(station=station, handler=users["handler"],
                            received_at=timezone.now() - timedelta(days=2),
                            ack_due_at=timezone.now() - timedelta(days=1), ack_breached=True)
    esc = Escalation.objects.create(subject_type="complaint", subject_id=late.pk, complaint=late, station=station,
                                    kind="ack", level=2, due_at=late.ack_due_at)
    other = ComplaintFactory(station=other_station, ack_breached=True)
    other_esc = Escalation.objects.create(subject_type="complaint", subject_id=other.pk, complaint=other,
                                          station=other_station, kind="ack", level=2, due_at=other.ack_due_at)
    resp = client.get("/station/")
    assert resp.status_code == 200
    body = resp.content.decode()
    assert walk_in_complaint.number in body and late.number in body and other.number not in body
    assert [c.number for c in resp.context["late"]] == [late.number]
    assert [e.pk for e, _n, _l in resp.context["escalations"]] == [esc.pk]
    assert 'href="/escalations/"' in body  # the inbox is in the head's menu
    resp = client.post(f"/escalations/{esc.pk}/acknowledge/", {"next": "/station/"})
    assert resp.status_code == 302
    esc.refresh_from_db()
    assert esc.acknowledged_by == head
    # not another station's, and a plain handler acknowledges nothing
    assert client.post(f"/escalations/{other_esc.pk}/acknowledge/").status_code == 404
    plain = Client()
    plain.force_login(users["handler"])
    assert plain.get("/").status_code == 302 and plain.get("/")["Location"] == "/my-work/"
    assert plain.get("/station/").status_code == 404
    other_esc.refresh_from_db()
    assert other_esc.acknowledged_at is None


def test_station_head_acknowledges_through_the_api(api, users, crew_of_station, station, other_station):
    c = ComplaintFactory(station=station, ack_breached=True)
    esc = Escalation.objects.create(subject_type="complaint", subject_id=c.pk, complaint=c, station=station,
                                    kind="ack", level=1, due_at=c.ack_due_at)
    assert api(users["handler"]).post(f"/api/v1/escalations/{esc.pk}/acknowledge/").status_code == 403
    resp = api(crew_of_station["head"]).post(f"/api/v1/escalations/{esc.pk}/acknowledge/")
    assert resp.status_code == 200, resp.content
    assert resp.json()["acknowledged_by"] == "head1"


def test_station_overview_lists_a_late_unassigned_complaint(users, crew_of_station, station):
    late = ComplaintFactory(station=station, received_at=timezone.now() - timedelta(days=2),
                            ack_due_at=timezone.now() - timedelta(days=1))
    resp = _page(crew_of_station["head"]).get("/station/")
    assert resp.status_code == 200
    assert [c.number for c in resp.context["late"]] == [late.number]
