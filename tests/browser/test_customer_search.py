"""Counter staff find a customer by part of the name and open the card (desktop and a 390px phone)."""

import pytest

from tests.browser.conftest import assert_no_horizontal_scroll, login, screenshot
from tests.customers.factories import ConsumptionFactory, CustomerFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def register(users, station, other_station):
    target = CustomerFactory(account_no="3301000077", station=station, name="欧阳明辉", phone="13812345678",
                             address="城东区人民路88号3栋2单元0501室", grade="A", dual_power_supply=True,
                             has_ev_charging=True, account_manager=users["account_manager"])
    CustomerFactory(station=station, name="欧阳秀兰")
    CustomerFactory(station=other_station, name="欧阳志强")  # another station: never offered to counter1
    for month in range(1, 13):
        ConsumptionFactory(customer=target, period=f"2026-{month:02d}-01", kwh="1234.5", amount_yuan="740.70")
    return target


def test_counter_staff_type_part_of_a_name_and_open_the_card(browser_page, register):
    page = browser_page
    login(page, "counter1")
    page.goto(page.base_url + "/customers/")
    page.fill("#id_q", "欧阳")  # typing shows suggestions from /customers/search.json
    suggestions = page.locator("#customer-suggest li[role=option]")
    suggestions.first.wait_for()
    texts = suggestions.all_inner_texts()
    assert len(texts) == 2 and any("欧阳明辉" in t for t in texts)
    assert not any("欧阳志强" in t for t in texts)
    screenshot(page, "customer-search-suggestions")

    page.locator("#customer-suggest li", has_text="欧阳明辉").click()
    page.wait_for_url("**/customers/3301000077/")
    body = page.inner_text("main")
    assert "欧阳明辉" in body and "钻石客户" in body and "双电源" in body and "近12个月用电" in body
    assert "2026-12" in body
    screenshot(page, "customer-card")


def test_the_search_form_and_card_fit_a_phone(new_page, register):
    page = new_page(390, 844)
    login(page, "counter1")
    page.goto(page.base_url + "/customers/?q=欧阳")
    page.locator("table.customer-table").wait_for()
    assert page.locator("table.customer-table tbody tr").count() == 2
    assert_no_horizontal_scroll(page)
    screenshot(page, "customer-search-phone")
    page.click("text=欧阳明辉")
    page.wait_for_url("**/customers/3301000077/")
    assert_no_horizontal_scroll(page)
    screenshot(page, "customer-card-phone")
