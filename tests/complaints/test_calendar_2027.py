"""The 2027 calendar (SPEC §4): provisional statutory holidays for a year chinesecalendar does not
hold, marked on the receipt, the clock and the API; loading the official year corrects deadlines."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from complaints import services
from complaints.models import Complaint
from core.models import Notification, WorkCalendarDay

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
URL = "/api/v1/complaints/"
# the notice as the State Council might publish it: the Spring Festival week and a make-up Saturday
OFFICIAL_2027 = "date,is_workday,name\n" + "".join(
    f"2027-02-{d:02d},0,春节\n" for d in range(5, 12)) + "2027-02-20,1,春节调休上班\n2027-01-01,0,元旦\n"


def test_a_complaint_received_on_3_february_2027_is_due_after_the_spring_festival_provisionally(api, users, walk_in):
    assert not WorkCalendarDay.objects.filter(date__year=2027).exists()  # chinesecalendar 1.11 ends with 2026
    with time_machine.travel(datetime(2027, 2, 3, 10, 0, tzinfo=SH), tick=False):
        r = api(users["counter"]).post(URL, walk_in, format="json")
        assert r.status_code == 201, r.data
        # Thu 4th, then the Spring Festival off (5th–10th), Thu 11th, Fri 12th, Mon 15th, Tue 16th
        assert r.data["resolve_due_at"] == "2027-02-16T23:59:59+08:00"
        deadlines = {d["kind"]: d for d in r.data["deadlines"]}
        assert deadlines["resolve"]["provisional"] is True
        assert deadlines["ack"]["provisional"] is False  # 24 calendar hours count no day
        client = Client()
        client.force_login(users["counter"])
        number = r.data["number"]
        receipt = client.get(f"/complaints/{number}/receipt/").content.decode()
        assert "以国务院公布的节假日安排为准" in receipt
        detail = client.get(f"/complaints/{number}/")
        assert [row["provisional"] for row in detail.context["clock"]] == [False, True]


def test_loading_the_official_2027_calendar_moves_an_open_deadline_earlier_and_tells_the_handler(
        api, users, walk_in):
    with time_machine.travel(datetime(2027, 2, 17, 10, 0, tzinfo=SH), tick=False):  # a Wednesday
        r = api(users["counter"]).post(URL, walk_in, format="json")
        c = Complaint.objects.get(pk=r.data["id"])
        services.complaint_take(complaint=c, by=users["handler"])
    c.refresh_from_db()
    assert c.resolve_due_at == datetime(2027, 2, 24, 23, 59, 59, tzinfo=SH)  # 18, 19, 22, 23, 24
    with time_machine.travel(datetime(2027, 2, 18, 9, 0, tzinfo=SH), tick=False):
        admin = Client()
        admin.force_login(users["admin"])
        resp = admin.post("/calendar/", {"year": "2027", "file": SimpleUploadedFile(
            "2027.csv", OFFICIAL_2027.encode(), content_type="text/csv")})
        assert resp.status_code == 302, resp.content.decode()[:500]
    c.refresh_from_db()
    assert c.resolve_due_at == datetime(2027, 2, 23, 23, 59, 59, tzinfo=SH)  # the make-up Saturday counts
    event = c.events.get(kind="calendar_corrected")
    assert event.data["deadlines"]["resolve_due_at"] == ["2027-02-24T23:59:59+08:00", "2027-02-23T23:59:59+08:00"]
    assert event.data["earlier"] is True
    assert Notification.objects.filter(recipient=users["handler"], kind="complaint.calendar_corrected").count() == 1
    assert WorkCalendarDay.objects.filter(date__year=2027, source="official").count() == 9
    # no longer provisional
    r = api(users["handler"]).get(f"{URL}{c.pk}/")
    assert {d["kind"]: d["provisional"] for d in r.data["deadlines"]}["resolve"] is False


def test_the_calendar_page_opens_for_managers_heads_and_admins_only(users, station):
    station.head = users["handler"]
    station.save(update_fields=["head"])
    for who, code in (("manager", 200), ("handler", 200), ("admin", 200), ("counter", 404), ("crew", 404)):
        client = Client()
        client.force_login(users[who])
        resp = client.get("/calendar/")
        assert resp.status_code == code, who
    client = Client()
    client.force_login(users["manager"])
    assert "春节" in client.get("/calendar/").content.decode()
    assert client.post("/calendar/", {"year": "2027"}).status_code == 404  # only admins load
