"""Playwright: an account manager's morning with their key customers."""

import pytest
from django.utils import timezone

from customers.models import ConsumptionRecord
from grading import rules, services
from grading.models import Visit
from tests.browser.conftest import assert_no_horizontal_scroll, login, screenshot
from tests.customers.factories import CustomerFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_account_manager_sees_diamond_customers_first_and_records_a_visit(browser_page, users, station):
    am = users["account_manager"]
    last_month = rules.previous_month(timezone.localdate())
    CustomerFactory(station=station, account_manager=am, name="城东小超市")
    CustomerFactory(station=station, account_manager=am, name="阳光光伏农场", has_pv=True)
    hospital = CustomerFactory(station=station, account_manager=am, name="市第一人民医院", important_level="first",
                               dual_power_supply=True)
    CustomerFactory(station=station, account_manager=am, name="东风机械厂", dual_circuit=True)
    ConsumptionRecord.objects.bulk_create([
        ConsumptionRecord(customer=hospital, period=rules.add_months(last_month, -i), kwh=50000,
                          amount_yuan=30000 + 2500 * (i % 5)) for i in range(12)])
    services.reevaluate_grades(period=last_month)

    page = browser_page
    login(page, "am1")
    assert page.url.endswith("/my-customers/")
    grades = page.locator("table.my-customers tbody tr").evaluate_all("rows => rows.map(r => r.dataset.grade)")
    assert grades == ["A", "B", "B", "C"]
    assert page.locator("table.my-customers tbody tr").first.locator("a").inner_text() == "市第一人民医院"
    assert_no_horizontal_scroll(page)
    screenshot(page, "grading-my-customers")

    page.click("text=市第一人民医院")
    page.wait_for_load_state("networkidle")
    assert f"/customers/{hospital.account_no}/" in page.url
    assert page.locator("#grade-history").inner_text().count("dual_power_supply") == 1
    page.select_option("#visits select[name=kind]", "safety")
    page.fill("#visits textarea[name=notes]", "配电房双电源切换试验正常，已提醒更换老化电缆。")
    page.click("#visits button[type=submit]")
    page.wait_for_load_state("networkidle")
    screenshot(page, "grading-card-visit-recorded")
    assert "配电房双电源切换试验正常" in page.locator("#visits table.visit-log").inner_text()
    assert Visit.objects.filter(customer=hospital, kind="safety", account_manager=am).count() == 1
    assert_no_horizontal_scroll(page)
    screenshot(page, "grading-card-visit-recorded")
