"""Phone and tablet (issue 15 item 9, and the last review's flaws) in Chromium at 1920×1080, 1280×800
and 390×844: the complaint list shows status and deadline without a sideways scroll, the customer
card's tables stay readable, the crew's big step button is above the fold, the English dashboard's
chart texts are whole, and people are named (never by username). Screenshots go to var/screens/:
open them and look."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from grading.models import Visit
from tests.browser.conftest import assert_no_horizontal_scroll, login
from tests.browser.test_desk_journeys import SCREENS, SIZES, shot
from tests.complaints.factories import ComplaintFactory
from tests.customers.factories import CustomerFactory
from tests.reports.test_browser_dashboard import _month_of_complaints
from tests.workorders.factories import CrewFactory, WorkOrderFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# every .table-wrap whose table is wider than the wrap (an inner sideways scroll)
INNER_SCROLL_JS = """() => [...document.querySelectorAll('.table-wrap')]
  .filter(w => w.offsetParent !== null && w.scrollWidth > w.clientWidth + 1)
  .map(w => (w.querySelector('table') || w).id || (w.querySelector('table') || w).className)"""


def _visible_text(page) -> str:
    return page.inner_text("main") + page.inner_text("header")


def test_complaint_list_shows_status_and_deadline_on_a_phone(new_page, users, station):
    now = timezone.now()
    for i in range(6):
        ComplaintFactory(station=station, received_at=now - timedelta(hours=3 * i), handler=users["handler"],
                         complainant_name=f"投诉人{i}", description="营业厅排队时间过长。")
    for width, height in SIZES:
        page = new_page(width, height)
        login(page, "counter1")
        page.goto(page.base_url + "/complaints/")
        rows = page.locator("#complaint-list tbody tr")
        assert rows.count() == 6
        assert page.evaluate(INNER_SCROLL_JS) == []
        assert_no_horizontal_scroll(page)
        first = rows.first
        for cell in ("td.c-number", "td.c-status", "td.c-due", "td.c-sla"):
            box = first.locator(cell).bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= width, (width, cell, box)
        assert "受理" in first.locator("td.c-status").inner_text()
        assert re.search(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}$", first.locator("td.c-due").inner_text().strip())
        if width == 390:
            # on a phone the status and the deadline come right under the number, not after five columns
            number_y = first.locator("td.c-number").bounding_box()["y"]
            assert first.locator("td.c-due").bounding_box()["y"] - number_y < 90
        shot(page, f"complaint-list-{width}")


def test_customer_card_tables_stay_readable(new_page, users, station):
    customer = CustomerFactory(station=station, name="城东五金机电有限公司", kind="commercial", contact_name="赵建华",
                               account_manager=users["account_manager"], grade="B")
    today = timezone.localdate()
    for i in range(4):
        ComplaintFactory(station=station, customer=customer, complainant_name="赵建华",
                         received_at=timezone.now() - timedelta(days=3 * i))
        Visit.objects.create(customer=customer, account_manager=users["account_manager"], kind="routine",
                             date=today - timedelta(days=20 * i + 1), notes="了解近期用电情况，客户无异议。")
    crew = CrewFactory(name="城东区抢修一班", station=station, members=[users["crew"]])
    WorkOrderFactory(station=station, crew=crew, customer=customer, status="accepted")
    for width, height in SIZES:
        page = new_page(width, height)
        login(page, "manager1")
        page.goto(f"{page.base_url}/customers/{customer.account_no}/")
        assert page.evaluate(INNER_SCROLL_JS) == []
        assert_no_horizontal_scroll(page)
        # no cell squeezed under four characters wide (dates and names broken a letter a line)
        narrow = page.evaluate("""() => [...document.querySelectorAll('main td')]
          .filter(td => td.offsetParent !== null && td.textContent.trim())
          .filter(td => td.getBoundingClientRect().width < 4 * parseFloat(getComputedStyle(td).fontSize))
          .map(td => td.textContent.trim().slice(0, 20))""")
        assert narrow == [], (width, narrow)
        text = _visible_text(page)
        assert users["account_manager"].get_full_name() in text and "am1" not in text
        shot(page, f"customer-card-{width}")


@pytest.mark.parametrize("status", ["accepted", "en_route", "on_site"])
def test_crew_big_step_button_is_above_the_fold(new_page, users, station, status):
    crew = CrewFactory(name="抢修一班", station=station, members=[users["crew"]])
    now = timezone.now()
    order = WorkOrderFactory(station=station, crew=crew, status=status, description="表箱进线开关跳闸，整栋楼停电。",
                             restore_due_at=now + timedelta(hours=2) if status == "on_site" else None)
    for width, height in [(1280, 800), (390, 844), (1920, 1080)]:
        page = new_page(width, height)
        login(page, "crew1")
        page.goto(f"{page.base_url}/crew/{order.number}/")
        button = page.get_by_test_id("next-step")
        box = button.bounding_box()
        assert box and box["y"] + box["height"] <= height, f"{status} at {width}×{height}: the button ends at " \
                                                            f"{box and box['y'] + box['height']:.0f} px"
        assert_no_horizontal_scroll(page)
        SCREENS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENS / f"crew-step-{status}-{width}.png"))  # the viewport: what is above the fold


def test_english_dashboard_charts_show_whole_texts_on_a_phone(new_page, users, station, other_station):
    _month_of_complaints(users, station, other_station)
    for width, height in SIZES:
        page = new_page(width, height)
        login(page, "manager1")
        page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": page.base_url}])
        page.goto(page.base_url + "/dashboard/")
        page.wait_for_load_state("networkidle")
        # every text of every chart lies inside its chart (an axis label cut to "com" does not)
        clipped = page.evaluate("""() => [...document.querySelectorAll('[id^=chart-] svg')].flatMap(svg => {
            const box = svg.getBoundingClientRect();
            return [...svg.querySelectorAll('text')].filter(t => t.textContent.trim()).map(t => {
              const r = t.getBoundingClientRect();
              return (r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1
                      || r.bottom > box.bottom + 1) ? svg.parentElement.id + ': ' + t.textContent : null;
            }).filter(Boolean);
          })""")
        assert clipped == [], (width, clipped)
        # the arrival averages are written under the area names, whole (not inside a short bar)
        arrival = page.locator("#chart-arrival svg").text_content()
        assert "Urban" in arrival and " min" in arrival
        # the calendar warning once, in the header, with a link a manager can open
        assert page.locator("#calendar-notice, #calendar-warning").count() <= 1
        assert page.locator("a[href='/admin/complaints/workcalendarday/']").count() == 0
        assert_no_horizontal_scroll(page)
        shot(page, f"dashboard-en-phone-check-{width}")


def test_people_are_named_not_by_username(new_page, users, station):
    complaint = ComplaintFactory(station=station, handler=users["handler"], received_by=users["counter"],
                                 complainant_name="李女士", complainant_phone="13800001111")
    ComplaintFactory(station=station, handler=None, complainant_name="王先生")  # waits in the queue
    checks = [("counter1", f"/complaints/{complaint.number}/receipt/", users["counter"]),
              ("handler1", f"/complaints/{complaint.number}/", users["handler"]),
              ("handler1", "/queue/", users["handler"]),
              ("handler1", "/my-work/", users["handler"])]
    for width, height in SIZES:
        page = new_page(width, height)
        for username, url, person in checks:
            login(page, username)
            page.goto(page.base_url + url)
            text = _visible_text(page)
            assert person.get_full_name() in text, (url, person.get_full_name())
            assert person.username not in text, (url, person.username)
            if url.endswith("/receipt/") or url == "/queue/":
                shot(page, f"names-{url.strip('/').split('/')[-1]}-{width}")
            page.context.clear_cookies()
