"""Pages: the counter, the receipt, the list with filters, the detail with its actions, the letter."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from complaints.models import Complaint
from tests.complaints.factories import ComplaintFactory
from tests.customers.factories import CustomerFactory

SH = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db


def client_for(user):
    c = Client()
    c.force_login(user)
    return c


@time_machine.travel(datetime(2026, 9, 25, 16, 0, tzinfo=SH), tick=False)
def test_counter_staff_register_a_walk_in_and_get_the_receipt(users, category):
    c = client_for(users["counter"])
    page = c.get("/counter/")
    assert page.status_code == 200
    assert "服务态度" in page.content.decode()
    r = c.post("/counter/", {"channel": "counter", "complainant_name": "李女士", "complainant_phone": "13800001111",
                             "category": "service.attitude", "severity": "normal", "description": "排队太久"})
    assert r.status_code == 302, r.content.decode()[:2000]
    assert r["Location"] == "/complaints/TS202609250001/receipt/"
    receipt = c.get(r["Location"]).content.decode()
    assert "TS202609250001" in receipt
    assert "2026-10-09 23:59<" in receipt  # 5 working days, the National Day holiday skipped; one format
    assert "2026-09-26 16:00" in receipt  # first contact within 24 hours
    assert "95598" in receipt


def test_the_counter_form_shows_errors_in_chinese(users, category):
    r = client_for(users["counter"]).post("/counter/", {
        "channel": "counter", "complainant_name": "李女士", "complainant_phone": "", "category": "service.attitude",
        "severity": "normal", "description": "排队太久"})
    assert r.status_code == 200
    assert "回访" in r.content.decode() or "电话" in r.content.decode()
    assert not Complaint.objects.exists()


@time_machine.travel(datetime(2026, 11, 25, 9, 0, tzinfo=SH), tick=False)
def test_the_preview_shows_the_deadlines_before_saving(users, station):
    customer = CustomerFactory(station=station, grade="A")
    r = client_for(users["counter"]).get("/counter/preview.json", {"customer": customer.pk, "channel": "counter",
                                                                   "severity": "normal"})
    assert r.json() == {"policy": "一般投诉·钻石客户(A)", "grade": "A", "ack_due_at": "2026-11-25 11:00",
                        "resolve_due_at": "2026-11-30 23:59"}


def test_crews_have_no_counter(users):
    assert client_for(users["crew"]).get("/counter/").status_code == 403


def test_the_list_filters_and_colours_by_sla_state(users, station, other_station, django_assert_max_num_queries):
    ComplaintFactory.create_batch(3, station=station)
    ComplaintFactory(station=station, breached=True)
    ComplaintFactory(station=other_station)
    c = client_for(users["handler"])
    with django_assert_max_num_queries(12):
        page = c.get("/complaints/").content.decode()
    assert page.count("sla-row-") == 4
    assert "sla-row-breached" in page
    page = c.get("/complaints/", {"breached": "true"}).content.decode()
    assert page.count("sla-row-") == 1


def test_the_detail_shows_the_clock_the_timeline_and_only_allowed_actions(api, users, walk_in):
    number = api(users["counter"]).post("/api/v1/complaints/", walk_in, format="json").data["number"]
    handler_page = client_for(users["handler"]).get(f"/complaints/{number}/").content.decode()
    assert 'id="action-acknowledge"' in handler_page
    assert 'id="action-callback"' not in handler_page
    assert "一般投诉·普通客户(C)" in handler_page
    counter_page = client_for(users["counter"]).get(f"/complaints/{number}/").content.decode()
    assert 'id="action-pause"' not in counter_page
    assert client_for(users["other_handler"]).get(f"/complaints/{number}/").status_code == 404
    assert client_for(users["crew"]).get(f"/complaints/{number}/").status_code == 404


def test_actions_posted_from_the_page_use_the_services(api, users, walk_in):
    number = api(users["counter"]).post("/api/v1/complaints/", walk_in, format="json").data["number"]
    h = client_for(users["handler"])
    h.post(f"/complaints/{number}/acknowledge/", {"acknowledge-how": "phone", "acknowledge-note": "已联系"})
    h.post(f"/complaints/{number}/resolve/", {"resolve-resolution": "已整改，向客户致歉。", "resolve-verified": "true",
                                               "resolve-utility_responsible": "true"})
    complaint = Complaint.objects.get(number=number)
    assert complaint.status == "resolved"
    # a wrong-state action is refused with a message in Chinese, nothing changes
    r = h.post(f"/complaints/{number}/pause/", {"pause-reason": "x"}, follow=True)
    assert "不能" in r.content.decode() or "无法" in r.content.decode()
    assert Complaint.objects.get(number=number).status == "resolved"
    letter = h.get(f"/complaints/{number}/letter/").content.decode()
    assert "已整改，向客户致歉。" in letter and "李女士" in letter


def test_the_customer_card_lists_the_customers_complaints(users, station):
    customer = CustomerFactory(station=station)
    complaint = ComplaintFactory(station=station, customer=customer)
    page = client_for(users["counter"]).get(f"/customers/{customer.account_no}/").content.decode()
    assert complaint.number in page


def test_detail_page_links_to_a_new_work_order_and_lists_the_complaints_orders(client, users, station):
    from tests.complaints.factories import ComplaintFactory
    from workorders.models import WorkOrder

    complaint = ComplaintFactory(station=station, acknowledged=True)
    WorkOrder.objects.create(number="GD202611250999", kind="repair", complaint=complaint, station=station,
                             address="城东路1号", area_type="urban", status="created")
    client.force_login(users["handler"])
    page = client.get(f"/complaints/{complaint.number}/").content.decode()
    assert f"/work-orders/new/?complaint={complaint.number}" in page
    assert "GD202611250999" in page
    client.force_login(users["counter"])
    page = client.get(f"/complaints/{complaint.number}/").content.decode()
    assert "/work-orders/new/" not in page
