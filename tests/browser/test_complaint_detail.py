"""A handler works a complaint from its detail page: the SLA clock, the timeline, the actions."""

import pytest

from complaints.models import ComplaintCategory
from complaints.services import complaint_intake
from tests.browser.conftest import assert_no_horizontal_scroll, login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_handler_acknowledges_and_resolves_from_the_detail_page(browser_page, users):
    c = complaint_intake(by=users["counter"], channel="counter",
                         category=ComplaintCategory.objects.get(code="billing.tariff"),
                         complainant_name="张先生", complainant_phone="13900001111",
                         description="本月电费异常偏高，要求核查。")
    page = browser_page
    login(page, "handler1")
    page.goto(f"{page.base_url}/complaints/{c.number}/")
    assert "一般投诉·普通客户(C)" in page.text_content("#sla-clock")
    page.select_option("#id_acknowledge-how", "phone")
    page.fill("#id_acknowledge-note", "已电话联系客户，约定明日核查表计。")
    page.click("#action-acknowledge button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.text_content("#status").strip() == "已联系"
    page.fill("#id_resolve-resolution", "经核查，系上月估抄导致，本月已按实抄更正，多收电费已退回。")
    page.select_option("#id_resolve-verified", "true")
    page.select_option("#id_resolve-utility_responsible", "true")
    page.click("#action-resolve button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.text_content("#status").strip() == "已答复"
    assert "回访" in page.text_content("#sla-clock")
    assert page.is_visible("#letter-link")
    assert_no_horizontal_scroll(page)
    screenshot(page, "complaint-detail-resolved")
    page.goto(f"{page.base_url}/complaints/")
    screenshot(page, "complaint-list")
