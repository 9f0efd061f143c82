"""Counter staff take an enquiry answered on the spot, a repair call and a report (SPEC §11), each
in under a minute, with the keyboard where the counter uses it; the receipts name the kind and
carry the kind's number prefix. Screenshots go to var/screens/: open them and look."""

from __future__ import annotations

import re
import time
from zoneinfo import ZoneInfo

import pytest

from complaints.models import Complaint
from tests.browser.conftest import assert_no_horizontal_scroll, login
from tests.browser.fixtures import wait_until
from tests.browser.test_desk_journeys import shot
from tests.customers.factories import CustomerFactory
from workorders.models import WorkOrder

SH = ZoneInfo("Asia/Shanghai")
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _text(page, selector) -> str:
    return page.text_content(selector).strip()


def test_counter_staff_take_an_enquiry_a_repair_call_and_a_report(new_page, users, station):
    CustomerFactory(station=station, name="王大明", phone="13912345678", account_no="3300123456", grade="B",
                    address="东风路12号3单元")
    page = new_page(1280, 900)
    login(page, "counter1")

    # 1. an enquiry answered on the spot: the kind picked with the keyboard (arrow keys in the group)
    started = time.monotonic()
    page.goto(page.base_url + "/counter/")
    assert page.is_checked("#id_kind_complaint")  # complaint is the default
    page.focus("#id_kind_complaint")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert page.is_checked("#id_kind_enquiry")
    assert page.is_visible("#id_answer") and not page.is_visible("#id_category")
    wait_until(lambda: _text(page, "#pv-kind") == "咨询")
    assert _text(page, "#pv-prefix").startswith("ZX")
    page.fill("#id_complainant_name", "陈女士")
    page.fill("#id_complainant_phone", "13700001111")
    page.fill("#id_description", "峰谷分时电价的时段怎么划分？")
    page.fill("#id_answer", "峰时段8:00-22:00，谷时段22:00至次日8:00。")
    assert _text(page, "#intake-submit") == "登记工单"
    shot(page, "counter-enquiry-form")
    page.click("#intake-submit")
    page.wait_for_url("**/receipt/")
    number = _text(page, "#receipt-number")
    assert re.fullmatch(r"ZX\d{12}", number)
    assert _text(page, "#receipt-title") == "咨询受理回执"
    assert _text(page, "#receipt-kind") == "咨询"
    assert "谷时段22:00" in _text(page, "#receipt-answer")
    assert _text(page, "#receipt-status") == "当场答复（已办结）"
    assert Complaint.all_kinds.get(number=number).status == "closed"
    assert_no_horizontal_scroll(page)
    shot(page, "receipt-enquiry")
    assert time.monotonic() - started < 60

    # 2. a repair call for a customer found as you type: the address comes with the customer
    started = time.monotonic()
    page.click("text=下一张工单")
    page.check("#id_kind_repair")
    assert page.is_visible("#id_inside_installation") and page.is_visible("#id_address")
    assert not page.is_visible("#id_category")
    page.fill("#customer-search", "王大")
    page.click("#customer-suggest button")
    assert page.input_value("#id_address") == "东风路12号3单元"
    page.select_option("#id_inside_installation", "false")
    page.select_option("#id_channel", "phone")
    page.fill("#id_description", "整栋楼突然停电，邻居家也没电。")
    wait_until(lambda: _text(page, "#pv-prefix").startswith("BX"))
    shot(page, "counter-repair-form")
    page.click("#intake-submit")
    page.wait_for_url("**/receipt/")
    number = _text(page, "#receipt-number")
    assert re.fullmatch(r"BX\d{12}", number)
    assert _text(page, "#receipt-title") == "故障报修受理回执"
    wo = WorkOrder.objects.get(complaint__number=number)
    assert _text(page, "#receipt-work-order") == wo.number
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", _text(page, "#receipt-arrive"))
    assert _text(page, "#receipt-address") == "东风路12号3单元"
    shot(page, "receipt-repair")
    assert time.monotonic() - started < 60
    page.click("text=打开工单")  # the order's page links its work order
    assert page.is_visible(f'a[href="/work-orders/{wo.number}/"]')
    assert _text(page, "#kind") == "故障报修"
    shot(page, "ticket-detail-repair")

    # 3. a report: Alt + its number picks the kind; the informant is withheld on the receipt
    started = time.monotonic()
    page.goto(page.base_url + "/counter/")
    page.keyboard.press("Alt+5")
    if not page.is_checked("#id_kind_report"):  # an access key the browser keeps for itself
        page.check("#id_kind_report")
    assert page.is_visible("text=举报人可匿名")
    page.fill("#id_complainant_name", "赵先生")
    page.fill("#id_complainant_phone", "13900002222")
    page.fill("#id_description", "抄表员上门时索要好处费。")
    wait_until(lambda: _text(page, "#pv-prefix").startswith("JB"))
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", _text(page, "#pv-ack"))
    page.click("#intake-submit")
    page.wait_for_url("**/receipt/")
    number = _text(page, "#receipt-number")
    assert re.fullmatch(r"JB\d{12}", number)
    assert _text(page, "#receipt-title") == "举报受理回执"
    assert "赵先生" not in page.inner_text("#receipt") and "13900002222" not in page.inner_text("#receipt")
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", _text(page, "#receipt-resolve"))
    shot(page, "receipt-report")
    assert time.monotonic() - started < 60


def test_the_ticket_list_is_cards_on_a_phone(new_page, users, station):
    from tickets.services import ticket_intake

    for i, kind in enumerate(["repair", "enquiry", "service", "report", "opinion"]):
        extra = {"repair": {"address": "东风路12号"}, "service": {"service_type": "meter_fault"}}.get(kind, {})
        ticket_intake(by=users["counter"], kind=kind, channel="phone", complainant_name=f"来电人{i}",
                      complainant_phone="13800001111", description="来电反映情况。", **extra)
    page = new_page(390, 844)
    login(page, "handler1")
    page.goto(page.base_url + "/tickets/")
    rows = page.locator("#ticket-list tbody tr")
    assert rows.count() == 5
    assert_no_horizontal_scroll(page)
    # each kind's own reply deadline (SPEC §11): an enquiry within 1 working day, a report 9
    enquiry = Complaint.all_kinds.get(kind="enquiry")
    row = page.locator("#ticket-list tbody tr", has_text=enquiry.number)
    assert row.locator("td.c-due").inner_text().endswith(enquiry.resolve_due_at.astimezone(SH).strftime("%Y-%m-%d %H:%M"))
    assert enquiry.sla_policy.kind == "enquiry"
    first = rows.first
    for cell in ("td.c-number", "td.c-kind", "td.c-status", "td.c-sla"):
        box = first.locator(cell).bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390, (cell, box)
    shot(page, "ticket-list-390")


def test_a_repair_calls_receipt_prints_whole_on_80mm(new_page, users, station):
    import subprocess

    from tests.browser.test_desk_journeys import SCREENS
    from tests.browser.test_receipt_print import _pdf_tools
    from tickets.services import ticket_intake

    _pdf_tools()
    order = ticket_intake(by=users["counter"], kind="repair", channel="phone", complainant_name="王大明",
                          complainant_phone="13912345678", address="城东区东风路12号3单元501室",
                          description="整栋楼突然停电，邻居家也没电，楼道应急灯亮着，怀疑是小区配电箱故障。")
    page = new_page(1280, 800)
    login(page, "counter1")
    page.goto(f"{page.base_url}/tickets/{order.number}/receipt/?paper=80mm")
    lines = [line.strip() for line in page.locator("#receipt").inner_text().splitlines() if line.strip()]
    shown = "\n".join(lines)
    assert order.number in shown and "故障报修" in shown and "95598" in shown and "13912345678" in shown
    assert order.work_order_number in shown
    page.emulate_media(media="print")
    SCREENS.mkdir(parents=True, exist_ok=True)
    pdf = SCREENS / "receipt-repair-80mm.pdf"
    page.pdf(path=str(pdf), prefer_css_page_size=True, print_background=True)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Pages:\s+1$", info, re.M), info
    assert abs(float(re.search(r"Page size:\s+([\d.]+) x", info).group(1)) - 80 / 25.4 * 72) < 1.5, info
    flat = re.sub(r"\s+", "", subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True,
                                             text=True, check=True).stdout)
    for line in lines:
        want = re.sub(r"\s+", "", line)
        if re.search(r"[\u4e00-\u9fff]", want):
            assert want in flat, f"{line!r} is not whole in the PDF"
    subprocess.run(["pdftoppm", "-png", "-r", "150", "-singlefile", str(pdf), str(SCREENS / "receipt-repair-80mm")],
                   check=True)
