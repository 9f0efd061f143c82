"""Playwright: a handler creates a work order from a complaint and dispatches it from /work-orders/."""

import pytest

from tests.browser.conftest import assert_no_horizontal_scroll, login, screenshot
from tests.complaints.factories import ComplaintFactory
from tests.workorders.factories import WorkOrderFactory
from workorders.models import WorkOrder

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(("width", "height", "tag"), [(1280, 800, "1280x800"), (390, 844, "390x844")])
def test_handler_creates_from_a_complaint_and_dispatches(new_page, users, station, crew, width, height, tag):
    complaint = ComplaintFactory(station=station, description="小区配电箱冒烟，整栋楼停电。")
    for _ in range(3):
        WorkOrderFactory(station=station)
    page = new_page(width, height)
    login(page, "handler1")
    page.goto(page.base_url + f"/work-orders/new/?complaint={complaint.number}")
    assert complaint.number in page.content()
    assert_no_horizontal_scroll(page)
    screenshot(page, f"work-order-new-{tag}")
    page.select_option("#id_priority", "1")
    with page.expect_navigation():
        page.click("button[type=submit].big")
    order = WorkOrder.objects.get(complaint=complaint)
    assert page.url.endswith(f"/work-orders/{order.number}/")
    assert_no_horizontal_scroll(page)
    page.select_option("#id_crew", crew.name)
    with page.expect_navigation():
        page.click("form[action$='/dispatch/'] button[type=submit]")
    order.refresh_from_db()
    assert order.status == "dispatched" and order.crew == crew
    screenshot(page, f"work-order-detail-{tag}")
    page.goto(page.base_url + "/work-orders/")
    assert order.number in page.content()
    assert_no_horizontal_scroll(page)
    screenshot(page, f"work-orders-dispatcher-{tag}")
