"""Pages of every kind (SPEC §8, §11): the one counter intake (the kind first, the form of that
kind, the deadlines before saving), the receipt of each kind, /tickets/ and /tickets/<number>/,
links to an order of any kind, the customer card, the queue and the work list."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from complaints.choices import EventKind
from complaints.escalations import subject_refs
from complaints.kinds import order_url
from complaints.models import Complaint, ComplaintEvent, Escalation
from core.models import Notification
from tests.customers.factories import CustomerFactory
from tickets.services import ticket_intake
from workorders.models import WorkOrder

SH = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db
MONDAY = datetime(2026, 11, 23, 9, 30, tzinfo=SH)  # an ordinary working Monday
CALLER = {"channel": "counter", "complainant_name": "李女士", "complainant_phone": "13800001111"}


def client_for(user, language=None):
    c = Client()
    c.force_login(user)
    if language:
        c.cookies["django_language"] = language
    return c


def take(user, kind, **fields):
    body = {"channel": "phone", "complainant_name": "李女士", "complainant_phone": "13800001111",
            "description": "来电。", **fields}
    return ticket_intake(by=user, kind=kind, **body)


# --- the counter ---------------------------------------------------------------------------------


def test_the_counter_asks_for_the_kind_first_complaint_by_default_each_with_an_access_key(users):
    html = client_for(users["counter"]).get("/counter/").content.decode()
    picker = html.index('id="kind-picker"')
    assert picker < html.index('id="customer-search"')  # the kind comes first
    radios = re.findall(r'<input type="radio" name="kind" value="(\w+)" id="id_kind_\w+" accesskey="(\d)"( checked)?',
                        html)
    assert [r[0] for r in radios][:3] == ["complaint", "repair", "enquiry"]
    assert {r[0] for r in radios} == {"complaint", "report", "opinion", "suggestion", "enquiry", "praise",
                                      "service", "repair"}
    assert [r[0] for r in radios if r[2]] == ["complaint"]
    assert len({r[1] for r in radios}) == 8
    # the fields of each kind are in the form, shown by the kind picked
    for name in ("category", "service_type", "inside_installation", "address", "answer"):
        assert f'name="{name}"' in html
    assert "故障报修" in html and "咨询" in html and "服务申请" in html


def test_the_counter_opens_on_the_kind_asked_for(users):
    html = client_for(users["counter"]).get("/counter/?kind=repair").content.decode()
    assert 'value="repair" id="id_kind_repair" accesskey="2" checked' in html


@time_machine.travel(MONDAY, tick=False)
def test_an_enquiry_answered_on_the_spot_is_closed_and_its_receipt_says_so(users):
    c = client_for(users["counter"])
    r = c.post("/counter/", {**CALLER, "kind": "enquiry", "description": "峰谷电价怎么算？",
                             "answer": "峰时段8:00-22:00，谷时段22:00-次日8:00。", "severity": "normal"})
    assert r.status_code == 302, r.content.decode()[:3000]
    assert r["Location"] == "/tickets/ZX202611230001/receipt/"
    order = Complaint.all_kinds.get(number="ZX202611230001")
    assert (order.kind, order.status, order.answer) == ("enquiry", "closed", "峰时段8:00-22:00，谷时段22:00-次日8:00。")
    receipt = c.get(r["Location"]).content.decode()
    assert "咨询受理回执" in receipt
    assert 'id="receipt-number">ZX202611230001<' in receipt
    assert "峰时段8:00-22:00" in receipt and "当场答复（已办结）" in receipt
    assert 'id="receipt-resolve"' not in receipt  # nothing left to wait for
    assert "95598" in receipt


@time_machine.travel(MONDAY, tick=False)
def test_an_enquiry_without_an_answer_waits_for_one_within_a_working_day(users):
    c = client_for(users["counter"])
    r = c.post("/counter/", {**CALLER, "kind": "enquiry", "description": "分时电价何时执行？", "severity": "normal"})
    assert r.status_code == 302, r.content.decode()[:3000]
    receipt = c.get(r["Location"]).content.decode()
    assert 'id="receipt-resolve">2026-11-24 ' in receipt
    assert 'id="receipt-ack"' not in receipt  # an enquiry has no first-contact deadline
    assert 'id="receipt-callback"' not in receipt  # nor a callback


@time_machine.travel(MONDAY, tick=False)
def test_a_repair_call_at_the_counter_dispatches_its_work_order_and_the_receipt_names_it(users, station):
    customer = CustomerFactory(station=station, address="西湖路8号", phone="13912345678")
    c = client_for(users["counter"])
    r = c.post("/counter/", {**CALLER, "kind": "repair", "customer": customer.pk, "description": "家中突然停电",
                             "address": "西湖路8号2单元", "inside_installation": "false", "severity": "normal"})
    assert r.status_code == 302, r.content.decode()[:3000]
    assert r["Location"] == "/tickets/BX202611230001/receipt/"
    [wo] = WorkOrder.objects.all()
    assert wo.complaint.number == "BX202611230001" and wo.address == "西湖路8号2单元"
    receipt = c.get(r["Location"]).content.decode()
    assert "故障报修受理回执" in receipt
    assert f'id="receipt-work-order">{wo.number}<' in receipt
    assert 'id="receipt-address">西湖路8号2单元<' in receipt
    assert 'id="receipt-arrive">2026-11-23 ' in receipt
    assert 'id="receipt-callback">13800001111<' in receipt  # called back after the repair


@time_machine.travel(MONDAY, tick=False)
def test_a_fault_inside_the_customers_installation_sends_no_crew(users):
    c = client_for(users["counter"])
    r = c.post("/counter/", {**CALLER, "kind": "repair", "description": "家里空开跳闸", "address": "东风路1号",
                             "inside_installation": "true", "severity": "normal"})
    assert r.status_code == 302, r.content.decode()[:3000]
    assert not WorkOrder.objects.exists()
    assert "有偿服务" in c.get(r["Location"]).content.decode()


def test_a_service_request_without_its_type_is_refused_in_chinese(users):
    r = client_for(users["counter"]).post("/counter/", {**CALLER, "kind": "service", "description": "申请复电",
                                                        "severity": "normal"})
    assert r.status_code == 200
    assert "请选择服务申请类型" in r.content.decode() or "服务申请类型" in r.content.decode()
    assert not Complaint.all_kinds.exists()


def test_a_repair_call_without_an_address_is_refused_naming_the_address(users):
    r = client_for(users["counter"]).post("/counter/", {**CALLER, "kind": "repair", "description": "停电",
                                                        "severity": "normal"})
    assert r.status_code == 200
    html = r.content.decode()
    assert "故障地址" in html
    assert not Complaint.all_kinds.exists() and not WorkOrder.objects.exists()


@time_machine.travel(MONDAY, tick=False)
def test_a_report_taken_at_the_counter_withholds_the_informant_on_its_receipt(users):
    c = client_for(users["counter"])
    r = c.post("/counter/", {"channel": "counter", "complainant_name": "赵先生", "complainant_phone": "13900002222",
                             "kind": "report", "description": "抄表员收取好处费。", "severity": "normal"})
    assert r.status_code == 302, r.content.decode()[:3000]
    assert r["Location"] == "/tickets/JB202611230001/receipt/"
    receipt = c.get(r["Location"]).content.decode()
    assert "举报受理回执" in receipt
    assert "赵先生" not in receipt and "13900002222" not in receipt
    assert 'id="receipt-ack">2026-11-24 09:30<' in receipt  # contact within 24 hours
    assert 'id="receipt-resolve">2026-12-04 ' in receipt  # 9 working days


def test_a_complaint_at_the_counter_still_goes_to_the_complaint_receipt(users, category):
    r = client_for(users["counter"]).post("/counter/", {**CALLER, "kind": "complaint", "category": "service.attitude",
                                                        "severity": "normal", "description": "排队太久"})
    assert r.status_code == 302
    assert re.fullmatch(r"/complaints/TS\d{12}/receipt/", r["Location"])


@time_machine.travel(MONDAY, tick=False)
@pytest.mark.parametrize("params,expected", [
    ({"kind": "service", "service_type": "meter_fault"},
     {"kind": "service", "prefix": "FW", "service_type": "meter_fault", "resolve_due_at": "2026-11-27 23:59"}),
    ({"kind": "service", "service_type": "reading_anomaly"}, {"resolve_due_at": "2026-12-01 23:59"}),
    ({"kind": "enquiry"}, {"kind": "enquiry", "prefix": "ZX", "kind_label": "咨询", "callback": None}),
    ({"kind": "report"}, {"prefix": "JB", "ack_due_at": "2026-11-24 09:30"}),
    ({"kind": "repair"}, {"prefix": "BX", "kind_label": "故障报修"}),
])
def test_the_preview_shows_the_deadlines_of_the_kind_picked_as_the_intake_picks_them(users, params, expected):
    d = client_for(users["counter"]).get("/counter/preview.json", {"channel": "counter", **params}).json()
    assert d["policy"], d
    for key, value in expected.items():
        assert d[key] == value, (key, d)
    if params["kind"] in ("enquiry", "repair"):
        assert "ack_due_at" not in d  # no first-contact deadline for these kinds


@time_machine.travel(MONDAY, tick=False)
@pytest.mark.parametrize("kind,extra", [("service", {"service_type": "meter_fault"}), ("report", {}),
                                        ("enquiry", {}), ("opinion", {})])
def test_the_preview_matches_what_the_intake_then_records(users, kind, extra):
    d = client_for(users["counter"]).get("/counter/preview.json", {"channel": "phone", "kind": kind, **extra}).json()
    order = take(users["counter"], kind, **extra)
    assert d["resolve_due_at"] == order.resolve_due_at.astimezone(SH).strftime("%Y-%m-%d %H:%M")
    assert d.get("ack_due_at") == (order.ack_due_at.astimezone(SH).strftime("%Y-%m-%d %H:%M")
                                   if order.ack_due_at else None)


def test_the_preview_refuses_an_unknown_kind(users):
    r = client_for(users["counter"]).get("/counter/preview.json", {"kind": "holiday"})
    assert r.status_code == 400 and "kind" in r.json()


# --- /tickets/ -----------------------------------------------------------------------------------


def _orders(users, n):
    for i in range(n):
        kind = ["repair", "enquiry", "service", "report", "opinion"][i % 5]
        extra = {"repair": {"address": f"东风路{i}号"}, "service": {"service_type": "meter_fault"}}.get(kind, {})
        take(users["counter"], kind, **extra)


@pytest.mark.parametrize("n", [3, 40])
def test_the_ticket_list_shows_every_kind_in_constant_queries(users, n, django_assert_max_num_queries):
    _orders(users, n)
    c = client_for(users["handler"])
    # session + user + roles/profile (3-4), count, page of orders with deadline rows and the work
    # order number annotated (1), the station choices of the filter form (1), the bell (1-2)
    with django_assert_max_num_queries(12):
        html = c.get("/tickets/").content.decode()
    assert html.count('class="sla-row-') == n
    for label in ("故障报修", "咨询", "服务申请", "举报", "意见"):
        assert label in html


def test_the_ticket_list_filters_by_kind_and_by_the_complaint_filters(users):
    _orders(users, 10)
    c = client_for(users["manager"])
    html = c.get("/tickets/", {"kind": "repair"}).content.decode()
    assert html.count('class="sla-row-') == 2 and "BX" in html and "ZX2" not in html
    html = c.get("/tickets/", {"kind": "service", "subtype": "meter_fault", "station": "S01"}).content.decode()
    assert html.count('class="sla-row-') == 2
    assert c.get("/tickets/", {"status": "open", "kind": "enquiry"}).status_code == 200


def test_the_ticket_list_withholds_a_reports_informant_from_the_station(users):
    take(users["counter"], "report", complainant_name="赵先生", complainant_phone="13900002222")

    def rows(user, **params):
        html = client_for(user).get("/tickets/", params).content.decode()
        return html[html.index('id="ticket-list"'):]

    assert "赵先生" not in rows(users["handler"]) and "举报人信息已保密" in rows(users["handler"])
    assert 'class="sla-row-' not in rows(users["handler"], q="赵先生")  # nor found by the informant's name
    assert "赵先生" in rows(users["manager"])


def test_crews_have_no_ticket_list(users):
    assert client_for(users["crew"]).get("/tickets/").status_code == 403


def test_the_ticket_list_is_in_english_for_an_english_reader(users):
    _orders(users, 5)
    html = client_for(users["handler"], language="en").get("/tickets/").content.decode()
    assert "Fault repair" in html and "Enquiry" in html and "Orders of every kind" in html
    assert {"Enquiry", "Orders", "repair"} <= _latin_words(html)  # what the Chinese pages' check looks for


# --- /tickets/<number>/ --------------------------------------------------------------------------


def _action_ids(html):
    return set(re.findall(r'id="action-([\w-]+)"', html))


def test_the_detail_page_offers_the_actions_the_kinds_lifecycle_allows(users):
    enquiry = take(users["counter"], "enquiry")
    repair = take(users["counter"], "repair", address="东风路12号", inside_installation=True)
    report = take(users["counter"], "report")
    c = client_for(users["handler"])
    enquiry_html = c.get(f"/tickets/{enquiry.number}/").content.decode()
    assert "resolve" in _action_ids(enquiry_html)
    assert not {"acknowledge", "callback"} & _action_ids(enquiry_html)
    assert 'name="resolve-verified"' not in enquiry_html  # no verdict for an enquiry
    repair_html = c.get(f"/tickets/{repair.number}/").content.decode()
    assert not {"acknowledge", "pause", "request-extension"} & _action_ids(repair_html)
    # the clock shows the deadlines the kind has: a repair call's first contact and reply are its
    # work order's arrival and restore, not rows of its own
    clock = repair_html[repair_html.index('id="sla-clock"'):repair_html.index('id="work-orders"')]
    assert "首次联系" not in clock and "答复" not in clock
    report_html = c.get(f"/tickets/{report.number}/").content.decode()
    assert "acknowledge" in _action_ids(report_html)
    assert 'id="kind">举报<' in report_html


@time_machine.travel(MONDAY, tick=False)
def test_a_handler_answers_an_enquiry_from_its_page_and_it_closes(users):
    enquiry = take(users["counter"], "enquiry")
    c = client_for(users["handler"])
    assert "answer" in _action_ids(c.get(f"/tickets/{enquiry.number}/").content.decode())
    r = c.post(f"/tickets/{enquiry.number}/answer/", {"answer-answer": "已电话告知执行时间。"})
    assert r.status_code == 302 and r["Location"] == f"/tickets/{enquiry.number}/"
    enquiry.refresh_from_db()
    assert enquiry.status == "closed" and enquiry.resolution == "已电话告知执行时间。"


def test_an_action_the_kind_does_not_have_changes_nothing(users):
    enquiry = take(users["counter"], "enquiry")
    r = client_for(users["handler"]).post(f"/tickets/{enquiry.number}/acknowledge/", {"acknowledge-how": "phone"},
                                          follow=True)
    assert r.status_code == 200
    enquiry.refresh_from_db()
    assert enquiry.status == "received" and enquiry.acknowledged_at is None


def test_the_report_page_withholds_the_informant_from_the_station_and_shows_a_manager(users, customer):
    report = take(users["counter"], "report", customer=customer, complainant_name="赵先生",
                  complainant_phone="13900002222")
    for role in ("handler", "counter"):
        html = client_for(users[role]).get(f"/tickets/{report.number}/").content.decode()
        assert "赵先生" not in html and "13900002222" not in html and customer.account_no not in html
    html = client_for(users["manager"]).get(f"/tickets/{report.number}/").content.decode()
    assert "赵先生" in html and "13900002222" in html


def test_an_order_of_another_station_is_not_found(users):
    order = take(users["counter"], "enquiry")
    assert client_for(users["other_handler"]).get(f"/tickets/{order.number}/").status_code == 404
    assert client_for(users["other_handler"]).get(f"/tickets/{order.number}/receipt/").status_code == 404


def test_a_repair_call_and_its_work_order_link_to_each_other(users):
    order = take(users["counter"], "repair", address="东风路12号")
    wo = WorkOrder.objects.get(complaint=order)
    html = client_for(users["handler"]).get(f"/tickets/{order.number}/").content.decode()
    assert f'href="/work-orders/{wo.number}/"' in html
    wo_html = client_for(users["handler"]).get(f"/work-orders/{wo.number}/").content.decode()
    assert f'href="/tickets/{order.number}/"' in wo_html and "故障报修" in wo_html


# --- links to an order of any kind ---------------------------------------------------------------


def test_the_url_of_an_order_is_its_kinds_page(users):
    assert order_url(kind="complaint", number="TS202611230001") == "/complaints/TS202611230001/"
    assert order_url(kind="repair", number="BX202611230001") == "/tickets/BX202611230001/"
    order = take(users["counter"], "report")
    assert client_for(users["manager"]).get(order_url(order)).status_code == 200


def test_notifications_and_escalations_of_an_order_link_to_a_page_that_shows_it(users):
    from complaints.services import complaint_assign

    order = take(users["counter"], "service", service_type="meter_fault")
    complaint_assign(complaint=order, by=users["manager"], handler=users["handler"])
    note = Notification.objects.filter(recipient=users["handler"]).latest("id")
    assert note.link == f"/tickets/{order.number}/"
    assert client_for(users["handler"]).get(note.link).status_code == 200
    esc = Escalation.objects.create(subject_type="complaint", subject_id=order.pk, complaint=order,
                                    station=order.station, kind="resolve", level=1, due_at=order.resolve_due_at)
    [(number, link)] = subject_refs([Escalation.objects.select_related("complaint").get(pk=esc.pk)]).values()
    assert (number, link) == (order.number, f"/tickets/{order.number}/")


# --- the customer card, the queue, the work list -------------------------------------------------


def test_the_customer_card_lists_every_kind_of_the_customers_orders(users, customer, category):
    take(users["counter"], "repair", customer=customer, address="西湖路8号")
    take(users["counter"], "enquiry", customer=customer)
    take(users["counter"], "complaint", customer=customer, category=category)
    take(users["counter"], "report", customer=customer)
    html = client_for(users["handler"]).get(f"/customers/{customer.account_no}/").content.decode()
    panel = html[html.index('id="panel-complaints"'):]
    assert "故障报修" in panel and "咨询" in panel and "投诉" in panel
    assert "/tickets/BX" in panel and "/complaints/TS" in panel
    assert "/tickets/JB" not in panel  # a report's customer is its informant: managers only
    manager = client_for(users["manager"]).get(f"/customers/{customer.account_no}/").content.decode()
    assert "/tickets/JB" in manager


def test_the_station_queue_and_my_work_name_every_kind(users):
    repair = take(users["counter"], "repair", address="东风路12号")
    enquiry = take(users["counter"], "enquiry")
    c = client_for(users["handler"])
    queue = c.get("/queue/").content.decode()
    assert f'href="/tickets/{repair.number}/"' in queue and f'href="/tickets/{enquiry.number}/"' in queue
    assert "故障报修" in queue and "咨询" in queue
    r = c.post(f"/queue/{enquiry.number}/take/")
    assert r.status_code == 302 and r["Location"] == f"/tickets/{enquiry.number}/"
    work = c.get("/my-work/").content.decode()
    assert f'href="/tickets/{enquiry.number}/"' in work and "咨询" in work


def test_the_queue_withholds_a_reports_informant(users):
    take(users["counter"], "report", complainant_name="赵先生", complainant_phone="13900002222")
    html = client_for(users["handler"]).get("/queue/").content.decode()
    assert "赵先生" not in html and "举报" in html


def test_events_of_an_answered_enquiry_are_on_its_page(users):
    order = take(users["counter"], "enquiry", answer="可在网上国网办理。")
    assert set(ComplaintEvent.objects.filter(complaint=order).values_list("kind", flat=True)) >= {
        EventKind.RECEIVED, EventKind.CLOSED}
    html = client_for(users["handler"]).get(f"/tickets/{order.number}/").content.decode()
    assert "可在网上国网办理。" in html and 'id="timeline"' in html


def test_a_station_returns_an_order_from_its_page_and_a_manager_terminates_another(users):
    service = take(users["counter"], "service", service_type="other")
    c = client_for(users["handler"])
    assert "return" in _action_ids(c.get(f"/tickets/{service.number}/").content.decode())
    r = c.post(f"/tickets/{service.number}/return/", {"return-reason": "该地址属城西供电所。"})
    assert r.status_code == 302
    service.refresh_from_db()
    assert service.return_reason == "该地址属城西供电所。"
    report = take(users["counter"], "report")
    m = client_for(users["manager"])
    assert "terminate" in _action_ids(m.get(f"/tickets/{report.number}/").content.decode())
    m.post(f"/tickets/{report.number}/terminate/", {"terminate-reason": "已依法处理，客户要求超出规定。"})
    report.refresh_from_db()
    assert report.status == "closed" and report.terminated_at is not None


# --- Chinese pages carry no English ---------------------------------------------------------------

ALLOWED_LATIN = {"SLA", "YYYYMMDD", "Alt", "FreeOTP"}


def _latin_words(html: str) -> set[str]:
    """Words of Latin letters in the visible text of the page's main part (numbers, order
    numbers and codes aside)."""
    main = html[html.index("<main"):html.index("</main>")]
    main = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", main, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", main)
    words = set(re.findall(r"\b[A-Za-z][A-Za-z]{2,}\b", text))
    return {w for w in words if w not in ALLOWED_LATIN}


@time_machine.travel(MONDAY, tick=False)
def test_the_pages_of_every_kind_are_all_chinese(users, customer):
    orders = [take(users["counter"], "enquiry", answer="可在网上国网办理。"),
              take(users["counter"], "repair", address="东风路12号", customer=customer),
              take(users["counter"], "service", service_type="meter_fault"),
              take(users["counter"], "report"), take(users["counter"], "suggestion"),
              take(users["counter"], "praise"), take(users["counter"], "opinion")]
    for user in ("counter", "handler", "manager"):
        c = client_for(users[user])
        pages = ["/counter/", "/counter/?kind=repair", "/tickets/", f"/customers/{customer.account_no}/"]
        pages += [f"/tickets/{o.number}/" for o in orders] + [f"/tickets/{o.number}/receipt/" for o in orders]
        if user == "handler":
            pages += ["/queue/", "/my-work/"]
        for path in pages:
            r = c.get(path)
            assert r.status_code == 200, (user, path)
            assert _latin_words(r.content.decode()) == set(), (user, path)


def test_a_work_order_can_be_made_from_an_order_of_any_kind_and_the_crew_sees_its_kind(users):
    order = take(users["counter"], "service", service_type="meter_fault")
    html = client_for(users["handler"]).get(f"/work-orders/new/?complaint={order.number}").content.decode()
    assert "来自工单" in html and "服务申请" in html and f'href="/tickets/{order.number}/"' in html


def test_the_station_overview_shows_late_orders_of_every_kind(users, station):
    from datetime import timedelta

    from django.utils import timezone

    from tests.customers.factories import StaffFactory

    head = StaffFactory(username="head1", role="handler", station=station)
    station.head = head
    station.save(update_fields=["head"])
    with time_machine.travel(timezone.now() - timedelta(days=3), tick=False):
        late = take(users["counter"], "enquiry")  # 1 working day: past by now
    Complaint.all_kinds.filter(pk=late.pk).update(resolve_breached=True)
    resp = client_for(head).get("/station/")
    assert [c.number for c in resp.context["late"]] == [late.number]
    assert f'href="/tickets/{late.number}/"' in resp.content.decode()


def test_the_ticket_list_costs_the_same_queries_for_a_few_orders_as_for_a_full_page(users):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    c = client_for(users["manager"])

    def cost():
        c.get("/tickets/")  # warm the session and the reference caches
        with CaptureQueriesContext(connection) as ctx:
            assert c.get("/tickets/").status_code == 200
        return len(ctx.captured_queries)

    _orders(users, 4)
    few = cost()
    _orders(users, 46)  # 50: a full page of every kind
    assert cost() == few


@pytest.mark.parametrize("path", ["/counter/", "/counter/?kind=repair", "/tickets/"])
def test_the_english_counter_and_list_carry_no_chinese_labels(users, path):
    html = client_for(users["counter"], language="en").get(path).content.decode()
    main = html[html.index("<main"):html.index("</main>")]
    text = re.sub(r"<[^>]+>", " ", re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", main, flags=re.S))
    for data in ("城东供电所", "城西供电所"):  # the stations' names are data (the station filter)
        text = text.replace(data, "")
    assert re.findall(r"[\u4e00-\u9fff]+", text) == []
    assert "Fault repair" in text and "Kind of order" in text if path.startswith("/counter/") else "Orders" in text
