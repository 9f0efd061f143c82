"""Playwright: a dispatcher opens a fault outage on a line, the wall board shows it at 1920×1080,
the dispatcher restores it, the board and the public page show the result. Screenshots in
tests/artifacts/outage-*.png."""

from __future__ import annotations

import pytest

from outages.models import Outage
from tests.browser.conftest import assert_no_horizontal_scroll, login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_fault_outage_from_opening_to_restore_on_the_board(new_page, users, grid):
    page = new_page(1280, 800)
    login(page, "handler1")
    page.goto(page.base_url + "/outages/new/")
    page.fill("#id_lines", "L01")
    page.fill("#id_cause", "10kV东风01线故障跳闸")
    with page.expect_navigation():
        page.click("button[type=submit].big")
    outage = Outage.objects.get()
    assert page.url.endswith(f"/outages/{outage.number}/")
    assert_no_horizontal_scroll(page)
    screenshot(page, "outage-detail-1280x800")
    board = new_page(1920, 1080)
    login(board, "counter1")
    board.goto(board.base_url + "/outages/board/")
    assert "10kV东风01线故障跳闸" in board.content()
    assert_no_horizontal_scroll(board)
    screenshot(board, "outage-board-1920x1080-active")
    with page.expect_navigation():
        page.click("form[action$='/restore/'] button[type=submit]")
    outage.refresh_from_db()
    assert outage.status == "restored"
    board.reload()
    assert "10kV东风01线故障跳闸" not in board.content()
    screenshot(board, "outage-board-1920x1080-restored")
    public = new_page(390, 844)
    public.goto(public.base_url + "/public/outages/")
    assert "10kV东风01线故障跳闸" in public.content()
    assert_no_horizontal_scroll(public)
    screenshot(public, "outage-public-390x844")
