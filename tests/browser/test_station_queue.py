"""The station head's overview and a take from the station queue, at desktop, tablet and phone sizes."""

import pytest

from complaints.models import Complaint, ComplaintCategory
from complaints.services import complaint_intake
from tests.browser.conftest import assert_no_horizontal_scroll, login, screenshot
from tests.customers.factories import StaffFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width,height", [(1920, 1080), (1280, 800), (390, 844)])
def test_head_sees_the_overview_and_a_handler_takes_from_the_queue(new_page, users, station, width, height):
    head = StaffFactory(username="head1", role="handler", station=station)
    station.head = head
    station.save(update_fields=["head"])
    c = complaint_intake(by=users["counter"], channel="counter",
                         category=ComplaintCategory.objects.get(code="service.attitude"),
                         complainant_name="李女士", complainant_phone="13800001111",
                         description="营业厅窗口排队一小时无人办理。")
    page = new_page(width, height)
    login(page, "head1")
    assert page.url.endswith("/station/")
    assert c.number in page.text_content("#station-unassigned")
    assert_no_horizontal_scroll(page)
    screenshot(page, f"station-overview-{width}")

    other = new_page(width, height)
    login(other, "handler1")
    other.goto(f"{other.base_url}/queue/")
    assert c.number in other.text_content("#queue-unassigned")
    screenshot(other, f"station-queue-{width}")
    other.click("#queue-unassigned button.take")
    other.wait_for_load_state("networkidle")
    assert other.url.endswith(f"/complaints/{c.number}/")
    screenshot(other, f"station-queue-taken-{width}")
    assert Complaint.objects.get(pk=c.pk).handler == users["handler"]
