"""The dashboard's orders of every kind in a browser: the table (complaints apart) and the ECharts
chart of orders per kind, in Chinese and English (SPEC §8, §11)."""

from __future__ import annotations

import pytest

from tests.browser.conftest import assert_no_horizontal_scroll, login, screenshot

from .test_kinds import WEEK, category, orders  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def kind_policies():
    """A transactional test's flush drops the seeded policies of the kinds: seed them again."""
    import importlib

    from django.apps import apps

    importlib.import_module("complaints.migrations.0015_seed_kind_policies").seed(apps, None)


def test_the_dashboard_draws_orders_per_kind(kind_policies, orders, new_page, users):  # noqa: F811
    page = new_page(1920, 1080)
    login(page, "manager1")
    page.goto(f"{page.base_url}/dashboard/?from={WEEK['from']}&to={WEEK['to']}")
    assert page.locator("#kinds tbody tr").count() == 8
    assert page.locator("#kinds tbody.kinds-complaints tr").count() == 1
    page.wait_for_selector("#chart-kinds svg")
    chart = page.locator("#chart-kinds").inner_text()
    for label in ("投诉", "举报", "咨询", "故障报修"):
        assert label in chart, label
    assert_no_horizontal_scroll(page)
    screenshot(page, "dashboard-kinds-1920")
    laptop = new_page(1366, 768)
    login(laptop, "manager1")
    laptop.context.add_cookies([{"name": "django_language", "value": "en", "url": laptop.base_url}])
    laptop.goto(f"{laptop.base_url}/dashboard/?from={WEEK['from']}&to={WEEK['to']}")
    laptop.wait_for_selector("#chart-kinds svg")
    chart = laptop.locator("#chart-kinds").inner_text()
    for label in ("Complaint", "Report", "Enquiry", "Fault repair"):
        assert label in chart, label
    assert_no_horizontal_scroll(laptop)
    screenshot(laptop, "dashboard-kinds-laptop-en")
