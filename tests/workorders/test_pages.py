"""The crew's tablet pages, the dispatcher list and the create form, through the Django client."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from complaints.models import ComplaintEvent
from core.registry import render_customer_panels
from tests.complaints.factories import ComplaintFactory
from tests.customers.factories import CustomerFactory
from tests.workorders.factories import CrewFactory, WorkOrderFactory
from tests.workorders.helpers import png_bytes, upload
from workorders.models import WorkOrder, WorkOrderEvent, WorkOrderPhoto

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


def client_for(user):
    c = Client()
    c.force_login(user)
    return c


def test_crew_list_shows_the_crews_open_orders_most_urgent_first(users, station, crew):
    now = timezone.now()
    later = WorkOrderFactory(station=station, crew=crew, status="accepted", arrive_due_at=now + timedelta(hours=1))
    urgent = WorkOrderFactory(station=station, crew=crew, status="dispatched", arrive_due_at=now + timedelta(minutes=9))
    on_site = WorkOrderFactory(station=station, crew=crew, status="on_site",
                               restore_due_at=now + timedelta(minutes=30))
    WorkOrderFactory(station=station, crew=crew, status="completed")
    WorkOrderFactory(station=station, crew=CrewFactory(name="别的班", station=station), status="dispatched")
    html = client_for(users["crew"]).get("/crew/").content.decode()
    numbers = list(dict.fromkeys(re.findall(r"GD\d{12}", html)))
    assert numbers == [urgent.number, on_site.number, later.number]
    assert "分钟" in html  # time left, in Chinese by default


def test_crew_detail_shows_the_minimum_of_the_customer_and_one_big_next_step(users, station, crew):
    customer = CustomerFactory(station=station, name="赵六", phone="13812345678", address="城东路18号",
                               account_no="3300999999")
    complaint = ComplaintFactory(station=station, customer=customer, description="整条街停电三小时。")
    order = WorkOrderFactory(station=station, crew=crew, status="dispatched", customer=customer, complaint=complaint,
                             contact_name="", contact_phone="")
    html = client_for(users["crew"]).get(f"/crew/{order.number}/").content.decode()
    assert "赵六" in html and 'href="tel:13812345678"' in html and "uri.amap.com" in html
    assert "整条街停电三小时" in html
    assert "3300999999" not in html  # no account number for the crew
    assert html.count('data-testid="next-step"') == 1
    assert 'name="version" value="1"' in html and 'name="idempotency_key"' in html


def test_a_double_tap_acts_once(users, station, crew):
    order = WorkOrderFactory(station=station, crew=crew, status="dispatched")
    c = client_for(users["crew"])
    form = {"action": "accept", "version": "1", "idempotency_key": "render-1",
            "client_time": "2026-11-25T10:00:00+08:00"}
    first = c.post(f"/crew/{order.number}/step/", form)
    second = c.post(f"/crew/{order.number}/step/", form)
    assert first.status_code == second.status_code == 302
    assert second["Location"] == first["Location"]
    assert WorkOrderEvent.objects.filter(work_order=order, kind="accept").count() == 1
    fresh = WorkOrder.objects.get(pk=order.pk)
    assert fresh.status == "accepted" and fresh.client_accepted_at == datetime(2026, 11, 25, 10, tzinfo=SH)


def test_a_stale_page_changes_nothing_and_says_so(users, station, crew):
    order = WorkOrderFactory(station=station, crew=crew, status="accepted", version=4)
    c = client_for(users["crew"])
    resp = c.post(f"/crew/{order.number}/step/", {"action": "depart", "version": "3", "idempotency_key": "x"},
                  follow=True)
    assert WorkOrder.objects.get(pk=order.pk).status == "accepted"
    assert "其他人" in resp.content.decode() or "someone else" in resp.content.decode().lower()


def test_a_late_crew_is_asked_for_the_delay_reason(users, station, crew):
    with time_machine.travel(datetime(2026, 11, 25, 10, 0, tzinfo=SH), tick=False):
        order = WorkOrderFactory(station=station, crew=crew, status="en_route")
    c = client_for(users["crew"])
    with time_machine.travel(datetime(2026, 11, 25, 11, 30, tzinfo=SH), tick=False):
        html = c.get(f"/crew/{order.number}/").content.decode()
        assert 'name="delay_reason"' in html and 'name="customer_informed"' in html
        resp = c.post(f"/crew/{order.number}/step/", {"action": "arrive", "version": "1", "idempotency_key": "a1"})
        assert resp.status_code == 400
        assert WorkOrder.objects.get(pk=order.pk).status == "en_route"
        resp = c.post(f"/crew/{order.number}/step/", {
            "action": "arrive", "version": "1", "idempotency_key": "a2", "delay_reason": "暴雨积水绕行",
            "customer_informed": "yes", "lat": "30.27", "lng": "120.15"})
    assert resp.status_code == 302
    fresh = WorkOrder.objects.get(pk=order.pk)
    assert fresh.status == "on_site" and fresh.customer_informed is True and fresh.delay_reason == "暴雨积水绕行"


def test_on_time_arrival_shows_no_delay_fields(users, station, crew):
    order = WorkOrderFactory(station=station, crew=crew, status="en_route")
    html = client_for(users["crew"]).get(f"/crew/{order.number}/").content.decode()
    assert 'name="delay_reason"' not in html and 'data-geo="1"' in html


def test_complete_with_notes_and_a_photo(users, station, crew):
    order = WorkOrderFactory(station=station, crew=crew, status="on_site")
    c = client_for(users["crew"])
    resp = c.post(f"/crew/{order.number}/step/", {"action": "complete", "version": "1", "idempotency_key": "c1",
                                                  "notes": "更换跌落式熔断器", "photo": upload("done.png", png_bytes())})
    assert resp.status_code == 302 and resp["Location"] == "/crew/"
    fresh = WorkOrder.objects.get(pk=order.pk)
    assert fresh.status == "completed" and fresh.notes == "更换跌落式熔断器"
    assert WorkOrderPhoto.objects.filter(work_order=order).count() == 1


def test_complete_with_a_bad_photo_completes_nothing(users, station, crew):
    order = WorkOrderFactory(station=station, crew=crew, status="on_site")
    resp = client_for(users["crew"]).post(f"/crew/{order.number}/step/", {
        "action": "complete", "version": "1", "idempotency_key": "c2", "notes": "已处理",
        "photo": upload("fake.jpg", b"hello, not an image")})
    assert resp.status_code == 400
    assert "JPEG" in resp.content.decode()
    assert WorkOrder.objects.get(pk=order.pk).status == "on_site"


def test_photo_upload_from_the_tablet_and_the_photo_is_served_in_scope_only(users, station, crew, other_crew):
    order = WorkOrderFactory(station=station, crew=crew, status="on_site")
    c = client_for(users["crew"])
    assert c.post(f"/crew/{order.number}/photos/", {"photo": upload("p.png", png_bytes()),
                                                    "idempotency_key": "ph"}).status_code == 302
    photo = WorkOrderPhoto.objects.get()
    resp = c.get(f"/work-orders/{order.number}/photos/{photo.pk}/")
    assert resp.status_code == 200 and resp["Content-Type"] == "image/png"
    assert b"".join(resp.streaming_content) == png_bytes()
    outsider = client_for(other_crew.members.first())
    assert outsider.get(f"/work-orders/{order.number}/photos/{photo.pk}/").status_code == 404


def test_other_crews_orders_are_404(users, station, crew, other_crew):
    order = WorkOrderFactory(station=other_crew.station, crew=other_crew, status="dispatched")
    c = client_for(users["crew"])
    assert c.get(f"/crew/{order.number}/").status_code == 404
    assert c.post(f"/crew/{order.number}/step/", {"action": "accept", "version": "1"}).status_code == 404


def test_dispatcher_list_filters_and_dispatches(users, station, other_station, crew):
    here = WorkOrderFactory(station=station)
    there = WorkOrderFactory(station=other_station)
    c = client_for(users["handler"])
    html = c.get("/work-orders/").content.decode()
    assert here.number in html and there.number not in html
    assert crew.name in html
    resp = c.post(f"/work-orders/{here.number}/dispatch/", {"version": "1", "crew": crew.name,
                                                            "idempotency_key": "d1", "next": "/work-orders/"}, follow=True)
    assert resp.redirect_chain[-1][0] == "/work-orders/"
    assert WorkOrder.objects.get(pk=here.pk).crew == crew
    assert here.number not in c.get("/work-orders/?status=completed").content.decode()


def test_dispatcher_pages_are_for_the_office(users, station):
    order = WorkOrderFactory(station=station)
    for role in ("crew", "counter", "account_manager"):
        assert client_for(users[role]).get("/work-orders/").status_code == 404
    assert client_for(users["other_handler"]).get(f"/work-orders/{order.number}/").status_code == 404
    assert client_for(users["manager"]).get(f"/work-orders/{order.number}/").status_code == 200


def test_cancel_from_the_dispatcher_detail(users, station, crew):
    order = WorkOrderFactory(station=station, crew=crew, status="en_route")
    c = client_for(users["handler"])
    c.post(f"/work-orders/{order.number}/cancel/", {"version": "1", "reason": "客户已自行修复", "idempotency_key": "x"})
    fresh = WorkOrder.objects.get(pk=order.pk)
    assert fresh.status == "cancelled" and fresh.cancel_reason == "客户已自行修复"


def test_create_from_a_complaint(users, station):
    complaint = ComplaintFactory(station=station)
    c = client_for(users["handler"])
    html = c.get(f"/work-orders/new/?complaint={complaint.number}").content.decode()
    assert complaint.number in html and complaint.customer.account_no in html
    form = {"complaint": complaint.number, "kind": "repair", "priority": "1", "account_no": complaint.customer.account_no,
            "address": "城东路99号", "idempotency_key": "new-1"}
    first = c.post("/work-orders/new/", form)
    again = c.post("/work-orders/new/", form)
    assert first.status_code == 302 and again["Location"] == first["Location"]
    order = WorkOrder.objects.get()
    assert order.complaint == complaint and order.address == "城东路99号" and order.priority == 1
    assert ComplaintEvent.objects.filter(complaint=complaint, kind="work_order_created").count() == 1


def test_create_from_another_stations_complaint_is_404(users, other_station):
    complaint = ComplaintFactory(station=other_station)
    assert client_for(users["handler"]).get(f"/work-orders/new/?complaint={complaint.number}").status_code == 404


def test_customer_card_panel_lists_the_customers_work_orders(users, station, rf):
    customer = CustomerFactory(station=station, account_manager=users["account_manager"])
    order = WorkOrderFactory(station=station, customer=customer)
    request = rf.get("/")
    request.user = users["account_manager"]
    panels = dict(render_customer_panels(request, customer))
    assert [o.number for o in panels["workorders/_customer_panel.html"]["work_orders"]] == [order.number]


def _count_queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_page_query_counts_do_not_grow_with_the_number_of_orders(users, station, crew):
    crew_client, office = client_for(users["crew"]), client_for(users["handler"])
    for _ in range(3):
        WorkOrderFactory(station=station, crew=crew, status="accepted")
    small = (_count_queries(crew_client, "/crew/"), _count_queries(office, "/work-orders/"))
    for _ in range(30):
        WorkOrderFactory(station=station, crew=crew, status="dispatched")
    assert (_count_queries(crew_client, "/crew/"), _count_queries(office, "/work-orders/")) == small
    # /crew/: session, user, roles, crew ids, orders (customer joined) — a handful, whatever the count
    assert small[0] <= 8
