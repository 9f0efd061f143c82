"""Each role signs in and lands on its own page."""

import pytest

from tests.browser.conftest import login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_counter_staff_signs_in_and_lands_on_the_counter(browser_page, users):
    login(browser_page, "counter1")
    assert browser_page.url.endswith("/counter/")
    screenshot(browser_page, "sign-in-counter-landing")


def test_a_wrong_password_is_refused_in_chinese(browser_page, users):
    login(browser_page, "counter1", "wrong-password")
    assert "/login/" in browser_page.url
    assert "用户名" in browser_page.content() or "密码" in browser_page.content()
    screenshot(browser_page, "sign-in-refused")
