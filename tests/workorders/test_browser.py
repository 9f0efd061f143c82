"""Playwright: a crew member walks the most urgent order from accepted to completed, on a
1280×800 tablet and on a 390×844 phone, with a note and a photo; nothing scrolls sideways and
every control on the page is at least 48 px tall."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.browser.conftest import assert_no_horizontal_scroll, login, screenshot
from tests.complaints.factories import ComplaintFactory
from tests.customers.factories import CustomerFactory
from tests.workorders.factories import WorkOrderFactory
from tests.workorders.helpers import jpeg_bytes
from workorders.models import WorkOrder

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SMALL_TARGETS_JS = """() => Array.from(document.querySelectorAll(
  'main a, main button, main input:not([type=hidden]), main select, main textarea, header a, header button, header select'))
  .filter(e => e.offsetParent !== null)
  .map(e => [e.tagName + ' ' + (e.textContent || e.name || '').trim().slice(0, 30), e.getBoundingClientRect().height])
  .filter(([, h]) => h < 48)"""


def _orders(station, crew):
    now = timezone.now()
    customer = CustomerFactory(station=station, name="杭州市城东小学", phone="057188886666",
                               address="杭州市上城区城东路128号（学校东门配电房）")
    complaint = ComplaintFactory(station=station, customer=customer,
                                 description="学校整栋教学楼停电，下午还有课，请尽快抢修。")
    urgent = WorkOrderFactory(station=station, crew=crew, status="accepted", customer=customer, complaint=complaint,
                              description="教学楼总开关跳闸，疑似电缆故障。",
                              arrive_due_at=now + timedelta(minutes=25), arrive_target_at=now + timedelta(minutes=20))
    WorkOrderFactory(station=station, crew=crew, status="dispatched", arrive_due_at=now + timedelta(minutes=50))
    WorkOrderFactory(station=station, crew=crew, status="on_site", restore_due_at=now + timedelta(hours=2))
    return urgent


def _check_page(page, name):
    assert_no_horizontal_scroll(page)
    small = page.evaluate(SMALL_TARGETS_JS)
    assert small == [], f"touch targets under 48 px on {name}: {small}"
    screenshot(page, name)


@pytest.mark.parametrize(("width", "height", "tag"), [(1280, 800, "tablet-1280x800"), (390, 844, "phone-390x844")])
def test_crew_walks_the_most_urgent_order_to_completed(new_page, users, station, crew, tmp_path, width, height, tag):
    urgent = _orders(station, crew)
    photo = tmp_path / "site.jpg"
    photo.write_bytes(jpeg_bytes(size=(800, 600)))
    page = new_page(width, height, geolocation={"latitude": 30.2741, "longitude": 120.1551},
                    permissions=["geolocation"])
    login(page, "crew1")
    assert page.url.endswith("/crew/")
    _check_page(page, f"crew-list-{tag}")

    page.locator(".wo-card").first.click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith(f"/crew/{urgent.number}/")
    assert page.locator("a[href^='tel:']").count() == 1
    _check_page(page, f"crew-detail-accepted-{tag}")

    with page.expect_navigation():
        page.get_by_test_id("next-step").click()  # leave for the site
    page.wait_for_load_state("networkidle")
    assert WorkOrder.objects.get(pk=urgent.pk).status == "en_route"

    with page.expect_navigation():
        page.get_by_test_id("next-step").click()  # arrived (the location is attached first)
    page.wait_for_load_state("networkidle")
    order = WorkOrder.objects.get(pk=urgent.pk)
    assert order.status == "on_site"
    assert order.arrival_lat is not None and abs(float(order.arrival_lat) - 30.2741) < 0.001

    page.fill("textarea[name=notes]", "电缆终端头击穿，已更换并恢复供电。")
    page.set_input_files("#id_complete_photo", str(photo))
    _check_page(page, f"crew-detail-on-site-{tag}")
    with page.expect_navigation():
        page.get_by_test_id("next-step").click()
    page.wait_for_url("**/crew/")
    page.wait_for_load_state("networkidle")
    order = WorkOrder.objects.get(pk=urgent.pk)
    assert order.status == "completed" and order.notes.startswith("电缆终端头")
    assert order.photos.count() == 1
    assert order.events.filter(kind="depart").count() == 1
    _check_page(page, f"crew-list-after-{tag}")
