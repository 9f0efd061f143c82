"""Counter staff take a walk-in complaint and hand over the receipt with the right deadlines."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tests.browser.conftest import assert_no_horizontal_scroll, login, screenshot
from tests.browser.fixtures import wait_until

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SH = ZoneInfo("Asia/Shanghai")


def test_counter_staff_enter_a_walk_in_complaint_and_see_the_receipt(browser_page, users):
    page = browser_page
    login(page, "counter1")  # signed in on the real clock, so the session cookie is valid
    # Friday before the Mid-autumn and National Day holidays
    with time_machine.travel(datetime(2026, 9, 25, 16, 0, tzinfo=SH), tick=True):
        page.goto(page.base_url + "/counter/")
        page.fill("#id_complainant_name", "李女士")
        page.fill("#id_complainant_phone", "13800001111")
        page.select_option("#id_category", "service.attitude")
        page.fill("#id_description", "营业厅窗口排队一小时无人办理，工作人员态度生硬。")
        # the form shows the deadlines before saving
        wait_until(lambda: "2026-10-09" in (page.text_content("#pv-resolve") or ""))
        assert page.text_content("#pv-ack").startswith("2026-09-26 16:0")
        assert_no_horizontal_scroll(page)
        screenshot(page, "counter-intake-form")
        page.click("button[type=submit].primary")
        page.wait_for_url("**/receipt/")
        assert page.text_content("#receipt-number").strip() == "TS202609250001"
        assert page.text_content("#receipt-resolve").strip() == "2026-10-09 23:59"  # one format on the receipt
        assert page.text_content("#receipt-ack").strip().startswith("2026-09-26 16:0")
        assert "95598" in page.content()
        screenshot(page, "counter-receipt")


def test_counter_search_as_you_type_fills_the_customer(browser_page, users, station):
    from tests.customers.factories import CustomerFactory

    CustomerFactory(station=station, name="王大明", phone="13912345678", account_no="3300123456", grade="B")
    page = browser_page
    login(page, "counter1")
    page.goto(page.base_url + "/counter/")
    page.fill("#customer-search", "王大")
    page.click("#customer-suggest button")
    assert "3300123456" in page.text_content("#customer-chosen-text")
    assert page.input_value("#id_complainant_phone") == "13912345678"
    wait_until(lambda: "金牌" in (page.text_content("#pv-policy") or ""))
    screenshot(page, "counter-customer-chosen")
