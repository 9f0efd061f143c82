"""Bad input never answers 500 (issue 16, SPEC §13 and §7): each cause the penetration test found
answers 400 naming the field (or 404 / 409 as §7 says), texts are bounded, received_at is
bounded, uploads are capped in bytes before they are read and in pixels when decoded, HEIC is
decoded for real, redirect targets stay on the site, and intake and work-order creation give
one answer for "not in your scope" and "does not exist"."""

from __future__ import annotations

import datetime
import io
import struct
import zlib

import pytest
from django.test import Client
from django.utils import timezone

from complaints.models import Complaint
from core.models import Notification
from tests.complaints.factories import CategoryFactory, ComplaintFactory
from tests.customers.factories import CustomerFactory
from tests.workorders.factories import CrewFactory, WorkOrderFactory
from tests.workorders.helpers import fake_heic_bytes, heic_bytes, upload
from workorders.models import WorkOrder, WorkOrderPhoto

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def category(db):
    return CategoryFactory()


def _intake(client, **extra):
    body = {"channel": "phone", "category": "service.attitude", "description": "电话投诉：停电未通知。",
            "complainant_name": "王先生", "complainant_phone": "13800138000", **extra}
    return client.post("/api/v1/complaints/", body, format="json")


# --- the twelve causes of the issue ------------------------------------------------------------

@pytest.mark.parametrize("period", ["2026-13", "0000-00", "2026-00", "9999-12"])
def test_a_grade_run_for_a_month_that_does_not_exist_is_400(api, users, period):
    resp = api(users["manager"]).post("/api/v1/grading/runs/", {"period": period}, format="json")
    assert resp.status_code == 400, resp.content
    assert "period" in resp.json()


def test_reading_a_notification_by_a_word_is_404(api, users):
    resp = api(users["handler"]).post("/api/v1/notifications/abc/read/")
    assert resp.status_code == 404


@pytest.mark.parametrize("value", ["2026-10-01T10:00:00+18:37", "2026-10-01T10:00:00-23:59",
                                   "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59"])
def test_a_time_filter_out_of_range_is_400_naming_it(api, users, value):
    resp = api(users["manager"]).get("/api/v1/complaints/", {"received_before": value})
    assert resp.status_code == 400, resp.content
    assert "received_before" in resp.json()


def test_a_time_filter_with_an_odd_but_valid_offset_is_taken(api, users, station, category):
    ComplaintFactory(station=station, received_at=timezone.now() - datetime.timedelta(hours=2))
    resp = api(users["manager"]).get("/api/v1/complaints/", {"received_after": "2020-01-01T00:00:00+13:45"})
    assert resp.status_code == 200 and resp.json()["count"] == 1


def test_the_complaint_page_with_an_offset_the_database_cannot_store_is_not_500(users):
    client = Client()
    client.force_login(users["manager"])
    resp = client.get("/complaints/", {"received_before": "2026-10-01T10:00:00+18:37"})
    assert resp.status_code in (200, 400)


@pytest.mark.parametrize("value", ["0001-01-01T00:00:00", "0001-01-01T00:00:00+14:00", "1970-01-01T08:00:00+08:00"])
def test_a_received_at_in_the_distant_past_is_400(api, users, station, category, value):
    resp = _intake(api(users["handler"]), received_at=value)
    assert resp.status_code == 400, resp.content
    assert "received_at" in resp.json()
    assert not Complaint.objects.exists()


def test_received_at_older_than_the_configured_limit_is_400_and_within_it_is_taken(api, users, station, category,
                                                                                   settings):
    settings.RECEIVED_AT_MAX_AGE = datetime.timedelta(days=30)
    client = api(users["handler"])
    old = (timezone.now() - datetime.timedelta(days=31)).isoformat()
    resp = _intake(client, received_at=old)
    assert resp.status_code == 400 and "received_at" in resp.json()
    recent = (timezone.now() - datetime.timedelta(days=29)).isoformat()
    resp = _intake(client, received_at=recent)
    assert resp.status_code == 201, resp.json()


def test_received_at_in_the_future_is_400(api, users, station, category):
    future = (timezone.now() + datetime.timedelta(days=1)).isoformat()
    resp = _intake(api(users["handler"]), received_at=future)
    assert resp.status_code == 400 and "received_at" in resp.json()


@pytest.mark.parametrize(("param", "value"), [("to", "9999-12-31"), ("from", "0001-01-01"), ("to", "2026-02-30"),
                                               ("to", "0001-01-03")])
def test_the_summary_with_a_date_out_of_range_is_400_naming_it(api, users, param, value):
    resp = api(users["manager"]).get("/api/v1/sla/summary/", {param: value})
    assert resp.status_code == 400, resp.content
    assert param in resp.json()


def test_a_nul_byte_in_a_filter_is_400_naming_it(api, users):
    resp = api(users["manager"]).get("/api/v1/customers/?q=ab%00cd")
    assert resp.status_code == 400
    assert "q" in resp.json()
    client = Client()
    client.force_login(users["manager"])
    assert client.get("/complaints/?q=%00").status_code == 400


@pytest.mark.parametrize("path", ["/customers/%00/", "/complaints/TS%00/", "/api/v1/crews/a%00b/"])
def test_a_nul_byte_in_a_path_is_404(users, path):
    client = Client()
    client.force_login(users["manager"])
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("path", ["/counter/?customer=abc", "/counter/preview.json?customer=abc",
                                  "/counter/preview.json?customer=99999999999999999999999",
                                  "/counter/preview.json?channel=phone&received_at=2026-02-30T10:00"])
def test_the_counter_with_a_customer_that_is_not_a_number_is_not_500(users, path):
    client = Client()
    client.force_login(users["counter"])
    resp = client.get(path)
    assert resp.status_code in (200, 400), resp.status_code
    if resp.status_code == 400:
        assert resp.json()


def _png_header(width: int, height: int) -> bytes:
    """A PNG that declares width × height pixels (a decompression bomb's header) and one tiny IDAT."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b"")


@pytest.fixture
def on_site(users, station):
    crew = CrewFactory(name="抢修一班", station=station, members=[users["crew"]])
    return WorkOrderFactory(station=station, crew=crew, status="on_site")


def test_a_decompression_bomb_png_is_refused(api, users, on_site):
    bomb = _png_header(12000, 12000)  # 144 megapixels, a few hundred bytes
    resp = api(users["crew"]).post(f"/api/v1/work-orders/{on_site.pk}/photos/",
                                   {"photo": upload("bomb.png", bomb, "image/png")}, format="multipart")
    assert resp.status_code == 400
    assert "50" in resp.json()["photo"][0]  # "more than 50 million pixels"
    assert not WorkOrderPhoto.objects.exists()


def test_an_html_page_claiming_to_be_heic_is_refused_and_a_real_heic_is_taken(api, users, on_site):
    client = api(users["crew"])
    url = f"/api/v1/work-orders/{on_site.pk}/photos/"
    resp = client.post(url, {"photo": upload("x.heic", fake_heic_bytes(), "image/heic")}, format="multipart")
    assert resp.status_code == 400 and "photo" in resp.json()
    resp = client.post(url, {"photo": upload("IMG_1.HEIC", heic_bytes(), "image/heic")}, format="multipart")
    assert resp.status_code == 201, resp.content
    assert resp.json()["content_type"] == "image/heic"


class _UnreadableBody(io.RawIOBase):
    """A request body that fails the test if anybody reads it."""

    def read(self, *args):
        raise AssertionError("the body was read")

    readline = readinto = read


def test_a_100_mb_body_is_refused_before_it_is_read(users, on_site):
    client = Client()
    client.force_login(users["crew"])
    resp = client.generic("POST", f"/api/v1/work-orders/{on_site.pk}/photos/", b"",
                          content_type="multipart/form-data; boundary=x",
                          CONTENT_LENGTH=str(100 * 1024 * 1024), **{"wsgi.input": _UnreadableBody()})
    assert resp.status_code == 400
    assert resp.json()["code"] == "too_large"


@pytest.mark.parametrize(("lat", "lng"), [("nan", 120.1), (30.2, "inf"), ("NaN", "NaN"), ("-inf", 0)])
def test_a_location_that_is_not_a_number_is_400(api, users, station, lat, lng):
    crew = CrewFactory(name="抢修一班", station=station, members=[users["crew"]])
    order = WorkOrderFactory(station=station, crew=crew, status="en_route")
    resp = api(users["crew"]).post(f"/api/v1/work-orders/{order.pk}/arrive/",
                                   {"version": order.version, "lat": lat, "lng": lng}, format="json")
    assert resp.status_code == 400, resp.content
    assert {"lat", "lng"} & set(resp.json())
    assert WorkOrder.objects.get(pk=order.pk).status == "en_route"


def test_a_1_mb_note_is_refused(api, users, station):
    complaint = ComplaintFactory(station=station, handler=users["handler"])
    resp = api(users["handler"]).post(f"/api/v1/complaints/{complaint.pk}/acknowledge/",
                                      {"how": "phone", "note": "x" * 1_000_000}, format="json")
    assert resp.status_code == 400
    assert "note" in resp.json()
    # a body past Django's DATA_UPLOAD_MAX_MEMORY_SIZE (3 MB of Chinese) is a JSON 400 too
    resp = api(users["handler"]).post(f"/api/v1/complaints/{complaint.pk}/acknowledge/",
                                      {"how": "phone", "note": "长" * 1_000_000}, format="json")
    assert resp.status_code == 400 and resp.json()["code"] == "too_large"
    complaint.refresh_from_db()
    assert complaint.status == "received"


@pytest.mark.parametrize(("path", "field"), [
    ("pause", "reason"), ("urge", "note"), ("resume", "note"), ("resolve", "resolution"), ("callback", "note"),
])
def test_every_complaint_action_bounds_its_text(api, users, station, path, field):
    complaint = ComplaintFactory(station=station, handler=users["handler"])
    body = {field: "x" * 100_000, "verified": True, "utility_responsible": False, "satisfaction": "satisfied"}
    resp = api(users["manager"]).post(f"/api/v1/complaints/{complaint.pk}/{path}/", body, format="json")
    assert resp.status_code == 400, (path, resp.status_code)
    assert field in resp.json()


# --- redirects -------------------------------------------------------------------------------

@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/", "/\\evil.example/",
                                    "javascript:alert(1)"])
def test_the_dispatcher_action_does_not_redirect_off_the_site(users, station, target):
    crew = CrewFactory(name="抢修一班", station=station, members=[users["crew"]])
    order = WorkOrderFactory(station=station, crew=crew, status="dispatched")
    client = Client()
    client.force_login(users["handler"])
    resp = client.post(f"/work-orders/{order.number}/cancel/",
                       {"reason": "客户已自行处理", "version": order.version, "next": target})
    assert resp.status_code == 302
    assert resp["Location"] == f"/work-orders/{order.number}/"


def test_the_dispatcher_action_keeps_a_next_on_the_site(users, station):
    crew = CrewFactory(name="抢修一班", station=station, members=[users["crew"]])
    order = WorkOrderFactory(station=station, crew=crew, status="dispatched")
    client = Client()
    client.force_login(users["handler"])
    resp = client.post(f"/work-orders/{order.number}/cancel/",
                       {"reason": "客户已自行处理", "version": order.version, "next": "/work-orders/?status=created"})
    assert resp["Location"] == "/work-orders/?status=created"


# --- one answer for "not in your scope" and "does not exist" -----------------------------------

def test_intake_answers_the_same_for_another_stations_customer_and_no_customer(api, users, other_station,
                                                                               category):
    theirs = CustomerFactory(station=other_station)
    client = api(users["counter"])
    other = _intake(client, customer=theirs.pk)
    missing = _intake(client, customer=theirs.pk + 1000)
    assert other.status_code == missing.status_code == 400
    assert other.json() == missing.json()
    assert list(other.json()) == ["customer"]


def test_work_order_creation_answers_the_same_for_another_stations_customer_and_no_customer(api, users,
                                                                                            other_station):
    theirs = CustomerFactory(station=other_station)
    client = api(users["handler"])
    body = {"kind": "survey", "address": "城东路1号"}
    other = client.post("/api/v1/work-orders/", {**body, "customer": theirs.pk}, format="json")
    missing = client.post("/api/v1/work-orders/", {**body, "customer": theirs.pk + 1000}, format="json")
    assert other.status_code == missing.status_code == 400
    assert other.json() == missing.json()
    their_complaint = ComplaintFactory(station=other_station)
    other = client.post("/api/v1/work-orders/", {**body, "complaint": their_complaint.number}, format="json")
    missing = client.post("/api/v1/work-orders/", {**body, "complaint": "TS209901010001"}, format="json")
    assert other.status_code == missing.status_code == 400
    assert other.json() == missing.json()


def test_a_notification_of_someone_else_is_404_like_one_that_does_not_exist(api, users):
    from core.outbox import notify

    notify(recipients=[users["other_handler"]], kind="test", dedupe_key="t", subject="x", body="y")
    theirs = Notification.objects.filter(recipient=users["other_handler"]).first()
    client = api(users["handler"])
    assert client.post(f"/api/v1/notifications/{theirs.pk}/read/").status_code == 404
    assert client.post(f"/api/v1/notifications/{theirs.pk + 1000}/read/").status_code == 404
