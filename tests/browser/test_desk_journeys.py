"""The daily desk in Chromium (issue 15): the notifications page and the bell, the quiet inbox with
bulk acknowledge, the dashboard's ECharts charts in Chinese and English, at 1920×1080, 1280×800
and 390×844. Screenshots go to var/screens/ (not committed): open them and look."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from complaints.models import ComplaintEvent, Escalation
from complaints.sweep import enforce_sla
from core.models import Notification
from tests.browser.conftest import assert_no_horizontal_scroll, login
from tests.browser.fixtures import wait_until as _wait
from tests.complaints.factories import ComplaintFactory
from tests.reports.test_browser_dashboard import _month_of_complaints

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = [(1920, 1080), (1280, 800), (390, 844)]
SCREENS = Path(settings.BASE_DIR) / "var" / "screens"


def shot(page, name: str) -> Path:
    SCREENS.mkdir(parents=True, exist_ok=True)
    path = SCREENS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def _bell(page) -> int:
    _wait(lambda: page.get_attribute("#bell", "data-unread") is not None)
    return int(page.get_attribute("#bell", "data-unread"))


def test_notifications_page_and_the_bell(new_page, users):
    handler = users["handler"]
    for i in range(3):
        Notification.objects.create(recipient=handler, kind="escalation.L1", dedupe_key=f"n{i}",
                                    subject=f"[预警] 投诉 TS2026030200{i + 1:02d} · 首次联系",
                                    body="时限 2026-03-02 12:00。请打开处理或确认升级。", link="/my-work/")
    Notification.objects.create(recipient=users["other_handler"], kind="x", dedupe_key="other", subject="别人的通知")
    for width, height in SIZES:
        page = new_page(width, height)
        login(page, "handler1")
        assert _bell(page) == 3
        assert page.inner_text("#bell-count") == "3"
        page.click("#bell")
        page.wait_for_load_state("networkidle")
        assert page.url.endswith("/notifications/")
        assert page.locator(".note.unread").count() == 3
        assert "别人的通知" not in page.content()
        assert_no_horizontal_scroll(page)
        shot(page, f"notifications-{width}")
        if width == 1920:
            page.locator(".note.unread .js-mark-read").first.click()
            page.wait_for_load_state("networkidle")
            assert _bell(page) == 2 and page.locator(".note.unread").count() == 2
            # a notification arriving while the page is open shows on the bell without a reload
            Notification.objects.create(recipient=handler, kind="x", dedupe_key="late", subject="新的通知")
            page.evaluate("window.bellRefresh()")
            _wait(lambda p=page: p.get_attribute("#bell", "data-unread") == "3")
            shot(page, "notifications-bell-after-read")
            page.click("#read-all")
            page.wait_for_load_state("networkidle")
            assert _bell(page) == 0 and page.is_hidden("#bell-count")
            Notification.objects.filter(dedupe_key="late").delete()
            Notification.objects.filter(recipient=handler).update(read_at=None)


def test_inbox_bulk_acknowledge(new_page, users, station, other_station):
    now = timezone.now()
    late = []
    for i, (st, severity) in enumerate([(station, "normal"), (station, "major"), (other_station, "normal"),
                                        (other_station, "normal")]):
        received = now - timedelta(hours=30 + i)
        late.append(ComplaintFactory(station=st, severity=severity, received_at=received,
                                     handler=users["handler"] if st == station else users["other_handler"],
                                     ack_due_at=received + timedelta(hours=24),
                                     ack_warn_at=received + timedelta(hours=18)))
    enforce_sla()
    assert Escalation.objects.count() == 9  # 4 × (L1 + L2) + the major one's L3
    for width, height in SIZES:
        page = new_page(width, height)
        login(page, "manager1")
        page.goto(page.base_url + "/escalations/")
        assert page.locator("table.escalations tbody tr").count() == 4  # one row per late deadline
        for c in late:
            assert page.locator(f"a[href='/complaints/{c.number}/']").count() == 1
        assert page.locator("select#id_station option").count() == 3
        assert_no_horizontal_scroll(page)
        shot(page, f"inbox-{width}")
    page = new_page(1280, 800)
    login(page, "manager1")
    page.goto(page.base_url + "/escalations/")
    page.select_option("#id_station", "S02")
    page.click("form.filters button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.locator("table.escalations tbody tr").count() == 2
    page.check("#esc-all")
    assert page.inner_text("#esc-selected-count") == "(2)"
    shot(page, "inbox-selected")
    page.click("#esc-ack-selected")
    page.wait_for_load_state("networkidle")
    assert page.locator("table.escalations tbody tr").count() == 0
    assert not Escalation.objects.filter(station=other_station, acknowledged_at__isnull=True).exists()
    assert ComplaintEvent.objects.filter(kind="escalation_acknowledged").count() == 2
    page.goto(page.base_url + "/escalations/")
    assert page.locator("table.escalations tbody tr").count() == 2
    shot(page, "inbox-after-bulk")


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_dashboard_charts_are_echarts_in_both_languages(new_page, users, station, other_station, lang):
    _month_of_complaints(users, station, other_station)
    for width, height in SIZES:
        page = new_page(width, height)
        login(page, "manager1")
        page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": lang, "url": page.base_url}])
        page.goto(page.base_url + "/dashboard/")
        page.wait_for_load_state("networkidle")
        assert page.evaluate("typeof window.echarts") == "object"
        # the four complaint charts and the orders of every kind (SPEC §11)
        assert sorted(page.evaluate("Object.keys(window.dashboardCharts)")) == [
            "chart-arrival", "chart-categories", "chart-kinds", "chart-stations", "chart-trend"]
        texts = {c: page.locator(f"#chart-{c} svg").text_content() for c in ("trend", "stations", "categories",
                                                                             "arrival")}
        if lang == "en":
            assert "Complaints" in texts["trend"] and "On-time rate" in texts["trend"]
            assert "min" in texts["arrival"] and "Urban" in texts["arrival"]
            assert "Sales & billing" in texts["categories"] and "Service conduct" in texts["categories"]
            assert not any(ch >= "\u4e00" and ch <= "\u9fff" for ch in texts["trend"] + texts["arrival"])
        else:
            assert "投诉量（件）" in texts["trend"] and "按时率" in texts["trend"]
            assert "分钟" in texts["arrival"] and "城区" in texts["arrival"] or "市区" in texts["arrival"]
            assert "min" not in texts["arrival"]
        assert "100 %" in texts["trend"] and "50 %" in texts["trend"]
        # every station, zeros included, by name
        assert "城东供电所" in texts["stations"] and "城西供电所" in texts["stations"]
        # count axes tick in whole numbers only
        ticks = page.evaluate("""() => window.dashboardCharts['chart-stations'].getModel()
            .getComponent('xAxis', 0).axis.scale.getTicks().map(t => t.value)""")
        assert all(float(t).is_integer() for t in ticks), ticks
        assert_no_horizontal_scroll(page)
        shot(page, f"dashboard-{lang}-{width}")
