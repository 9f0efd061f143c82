"""A manager works through the escalation inbox in the browser (Chinese, tablet and phone)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from complaints.models import Escalation
from complaints.sweep import enforce_sla
from tests.browser.conftest import assert_no_horizontal_scroll, login, screenshot
from tests.complaints.factories import ComplaintFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def overdue(users, station, other_station):
    now = timezone.now()
    rows = []
    for i, (st, severity) in enumerate([(station, "normal"), (station, "major"), (other_station, "normal")]):
        received = now - timedelta(hours=30 + i)
        rows.append(ComplaintFactory(station=st, severity=severity, handler=users["handler"], received_at=received,
                                     ack_due_at=received + timedelta(hours=24),
                                     ack_warn_at=received + timedelta(hours=18)))
    enforce_sla()
    return rows


def test_manager_acknowledges_a_severe_escalation(new_page, live_server, users, overdue):
    page = new_page(1280, 800)
    login(page, "manager1")
    page.goto(f"{live_server.url}/escalations/")
    assert "升级收件箱" in page.content()
    assert page.locator("tr.esc-level-3").count() == 1
    assert_no_horizontal_scroll(page)
    screenshot(page, "escalations-inbox")
    page.locator("tr.esc-level-3 button").click()
    page.wait_for_load_state()
    assert page.locator("tr.esc-level-3").count() == 0  # acknowledged: out of the inbox
    assert Escalation.objects.get(level=3).acknowledged_by.username == "manager1"

    phone = new_page(390, 844)
    login(phone, "manager1")
    phone.goto(f"{live_server.url}/escalations/?acknowledged=")
    assert phone.locator("tr.esc-level-3").count() == 1
    assert_no_horizontal_scroll(phone)
    screenshot(phone, "escalations-inbox-phone")
