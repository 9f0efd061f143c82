"""A quiet inbox (issue 15 item 3): one row per late deadline at its highest level, the object's
number with a link, the station picked from a list, bulk acknowledge that acknowledges every
level of each selected deadline, once; managers see all stations, station heads their own."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from complaints.models import ComplaintEvent, Escalation
from complaints.sweep import enforce_sla
from reports import selectors as report_selectors
from tests.complaints.factories import ComplaintFactory
from tests.customers.factories import StaffFactory

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)


@pytest.fixture
def late(users, station, other_station):
    """Three late ack deadlines: S01 normal (L1+L2), S01 major (L1-L3), S02 normal (L1+L2)."""
    rows = []
    for st, severity in ((station, "normal"), (station, "major"), (other_station, "normal")):
        rows.append(ComplaintFactory(station=st, severity=severity, received_at=T0,
                                     handler=users["handler"] if st == station else users["other_handler"],
                                     ack_due_at=T0 + timedelta(hours=2), ack_warn_at=T0 + timedelta(hours=1)))
    enforce_sla(now=T0 + timedelta(hours=2))
    assert Escalation.objects.count() == 7
    return rows


@pytest.fixture
def head(station):
    user = StaffFactory(username="head1", role="handler", station=station, first_name="建国", last_name="王")
    station.head = user
    station.save(update_fields=["head"])
    return user


def _rows(resp):
    return [(esc.subject_id, esc.level) for esc, *_rest in resp.context["rows"]]


def test_one_row_per_late_deadline_at_its_highest_level(client, users, late, django_assert_max_num_queries):
    client.force_login(users["manager"])
    # session, user, groups, headed stations, stations (filter), count, page (+ levels/first in the
    # row query), complaint numbers come with the rows (select_related)
    with django_assert_max_num_queries(9):
        resp = client.get("/escalations/")
    assert resp.status_code == 200
    assert sorted(_rows(resp)) == sorted([(late[0].pk, 2), (late[1].pk, 3), (late[2].pk, 2)])
    html = resp.content.decode()
    for c in late:
        assert f'href="/complaints/{c.number}/"' in html
    assert f">{late[1].pk}<" not in html  # numbers, never database ids
    # the station is a choice of names, not a code to type
    assert '<select name="station"' in html and "城西供电所</option>" in html
    assert 'type="text" name="station"' not in html


def test_filters_by_station_and_top_level(client, users, late):
    client.force_login(users["manager"])
    assert sorted(_rows(client.get("/escalations/?station=S01"))) == sorted([(late[0].pk, 2), (late[1].pk, 3)])
    assert _rows(client.get("/escalations/?level=3")) == [(late[1].pk, 3)]
    # level is the deadline's top level: the major complaint's L2 is not listed under "breached"
    assert sorted(_rows(client.get("/escalations/?level=2"))) == sorted([(late[0].pk, 2), (late[2].pk, 2)])
    resp = client.get("/escalations/?station=S99")
    assert resp.status_code == 200 and _rows(resp) == [] and resp.context["filterset"].errors["station"]


def test_bulk_acknowledge_acknowledges_every_level_of_each_once(client, users, late):
    client.force_login(users["manager"])
    picked = [esc.pk for esc, *_r in client.get("/escalations/?station=S01").context["rows"]]
    resp = client.post("/escalations/acknowledge/", {"ids": picked, "next": "/escalations/"})
    assert resp.status_code == 302 and resp["Location"] == "/escalations/"
    s01 = Escalation.objects.filter(station__code="S01")
    assert s01.count() == 5 and not s01.filter(acknowledged_at__isnull=True).exists()
    assert set(s01.values_list("acknowledged_by__username", flat=True)) == {"manager1"}
    events = ComplaintEvent.objects.filter(kind="escalation_acknowledged")
    assert events.count() == 2  # one per late deadline, not one per level
    assert sorted(len(e.data["escalations"]) for e in events) == [2, 3]
    first_time = set(s01.values_list("acknowledged_at", flat=True))
    # again: nothing changes, no second event
    client.post("/escalations/acknowledge/", {"ids": picked})
    assert ComplaintEvent.objects.filter(kind="escalation_acknowledged").count() == 2
    assert set(s01.values_list("acknowledged_at", flat=True)) == first_time
    assert _rows(client.get("/escalations/")) == [(late[2].pk, 2)]
    assert Escalation.objects.filter(station__code="S02", acknowledged_at__isnull=True).count() == 2


def test_a_new_higher_level_brings_an_acknowledged_deadline_back(client, users, late):
    client.force_login(users["manager"])
    normal = late[0]
    top = Escalation.objects.get(complaint=normal, level=2)
    client.post("/escalations/acknowledge/", {"ids": [top.pk]})
    assert normal.pk not in [pk for pk, _lvl in _rows(client.get("/escalations/"))]
    enforce_sla(now=T0 + timedelta(hours=27))  # 24 h after the breach: severe
    assert (normal.pk, 3) in _rows(client.get("/escalations/"))


def test_station_head_sees_and_acknowledges_their_station_only(client, users, late, head):
    client.force_login(head)
    resp = client.get("/escalations/")
    assert sorted(_rows(resp)) == sorted([(late[0].pk, 2), (late[1].pk, 3)])
    assert '<select name="station"' not in resp.content.decode()  # one station: nothing to choose
    theirs = Escalation.objects.filter(station__code="S02").first()
    assert client.post("/escalations/acknowledge/", {"ids": [theirs.pk]}).status_code == 404
    assert theirs.__class__.objects.get(pk=theirs.pk).acknowledged_at is None
    mine = Escalation.objects.get(complaint=late[0], level=2)
    client.post(f"/escalations/{mine.pk}/acknowledge/")
    assert not Escalation.objects.filter(complaint=late[0], acknowledged_at__isnull=True).exists()


def test_a_handler_reads_their_station_and_cannot_acknowledge(client, users, late):
    client.force_login(users["handler"])
    resp = client.get("/escalations/")
    assert sorted(_rows(resp)) == sorted([(late[0].pk, 2), (late[1].pk, 3)])
    assert "esc-ack-selected" not in resp.content.decode()
    esc = Escalation.objects.filter(station__code="S01").first()
    assert client.post("/escalations/acknowledge/", {"ids": [esc.pk]}).status_code == 404


def test_api_top_rows_and_bulk_acknowledge(api, users, late, head):
    client = api(users["manager"])
    rows = client.get("/api/v1/escalations/?top=true").json()["results"]
    assert sorted((r["subject_number"], r["level"]) for r in rows) == sorted(
        [(late[0].number, 2), (late[1].number, 3), (late[2].number, 2)])
    ids = [r["id"] for r in rows]
    r = client.post("/api/v1/escalations/acknowledge/", {"ids": ids, "note": "已督办"}, format="json")
    assert r.status_code == 200 and r.json() == {"deadlines": 3, "escalations": 7}
    again = client.post("/api/v1/escalations/acknowledge/", {"ids": ids}, format="json")
    assert again.status_code == 200 and again.json() == {"deadlines": 0, "escalations": 0}
    assert ComplaintEvent.objects.filter(kind="escalation_acknowledged", note="已督办").count() == 3
    bad = client.post("/api/v1/escalations/acknowledge/", {"ids": []}, format="json")
    assert bad.status_code == 400 and "ids" in bad.json().get("errors", bad.json())
    assert client.post("/api/v1/escalations/acknowledge/", {"ids": [10**9]}, format="json").status_code == 404
    # a handler may not; a station head may, for their station only (another's answers 404)
    assert api(users["handler"]).post("/api/v1/escalations/acknowledge/", {"ids": ids[:1]},
                                      format="json").status_code == 403
    s02 = Escalation.objects.filter(station__code="S02").first()
    assert api(head).post("/api/v1/escalations/acknowledge/", {"ids": [s02.pk]}, format="json").status_code == 404


def test_the_dashboard_panel_shows_one_row_per_late_deadline(client, users, late):
    panel = report_selectors.escalation_inbox()
    assert sorted((e.subject_id, e.level) for e, _n, _l in panel) == sorted(
        [(late[0].pk, 2), (late[1].pk, 3), (late[2].pk, 2)])
    assert report_selectors.escalation_inbox_count() == 3
    client.force_login(users["manager"])
    html = client.get("/dashboard/").content.decode()
    assert f'<a href="/complaints/{late[1].number}/">{late[1].number}</a>' in html
    assert '<span class="badge" id="inbox-count">3</span>' in html
