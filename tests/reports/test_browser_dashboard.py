"""A manager runs the service center from the SLA dashboard (issue 7)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from complaints.models import Complaint, Escalation, ExtensionRequest
from reports.selectors import sla_summary
from reports.stats import refresh_stats
from tests.browser.conftest import assert_no_horizontal_scroll, login, screenshot
from tests.browser.fixtures import wait_until as _wait
from tests.complaints.factories import CategoryClassFactory, CategoryFactory, ComplaintFactory
from tests.workorders.factories import WorkOrderFactory
from workorders.models import WorkOrder

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _month_of_complaints(users, station, other_station):
    """Thirty days of complaints at two stations: most met, some late, some breached now."""
    now = timezone.now()
    billing = CategoryClassFactory(code="billing", name="营销管理类", name_en="Sales and billing")
    cats = [CategoryFactory(), CategoryFactory(code="billing.tariff", name="电费电价", name_en="Tariffs", parent=billing),
            CategoryFactory(code="billing.metering", name="电能计量", name_en="Metering", parent=billing)]
    n = 0
    for day in range(30):
        for i in range(1 + day % 3):
            n += 1
            received = now - timedelta(days=day, hours=2 + i)
            st = station if (day + i) % 3 else other_station
            kw = {"number": f"TS{received:%Y%m%d}{n:04d}", "station": st, "received_at": received,
                  "category": cats[(day + i) % 3], "channel": ["phone", "counter", "web", "wechat"][(day + i) % 4],
                  "handler": users["handler"] if st == station else users["other_handler"]}
            if day > 6:
                late = (day + i) % 4 == 0
                ComplaintFactory(closed=True, **kw, ack_breached=late,
                                 acknowledged_at=received + timedelta(hours=30 if late else 1))
            elif day > 2:
                ComplaintFactory(acknowledged=True, **kw, resolve_warn_at=now - timedelta(hours=1))
            else:
                ComplaintFactory(**kw)
    # breached now: two open complaints past their acknowledgement deadline at S01
    for k in range(2):
        received = now - timedelta(days=2, hours=k)
        ComplaintFactory(number=f"TS{received:%Y%m%d}{900 + k:04d}", station=station, received_at=received,
                         category=cats[0], handler=users["handler"], ack_breached=True)
    for area, minutes in (("urban", 38), ("rural", 95), ("urban", 52)):
        created = now - timedelta(days=3, minutes=minutes)
        wo = WorkOrderFactory(station=station, area_type=area, status="completed",
                              arrive_due_at=created + timedelta(minutes=60 if area == "urban" else 120),
                              arrived_at=created + timedelta(minutes=minutes),
                              restore_due_at=created + timedelta(hours=5), completed_at=created + timedelta(hours=2))
        WorkOrder.objects.filter(pk=wo.pk).update(created_at=created)
    return now


def test_manager_reads_the_dashboard_follows_a_tile_and_approves_an_extension(new_page, users, station,
                                                                              other_station):
    now = _month_of_complaints(users, station, other_station)
    target = Complaint.objects.filter(status="acknowledged", station=station).first()
    Complaint.objects.filter(pk=target.pk).update(resolve_warn_at=None)
    ext = ExtensionRequest.objects.create(complaint=target, requested_by=users["handler"],
                                          requested_due_at=target.resolve_due_at + timedelta(days=3),
                                          reason="客户出差，需等待其返回后现场核实")
    breached = Complaint.objects.filter(ack_breached=True, status="received").first()
    Escalation.objects.create(subject_type="complaint", subject_id=breached.pk, complaint=breached, station=station,
                              kind="ack", level=3, due_at=breached.ack_due_at, reason="超时24小时")

    page = new_page(1920, 1080)
    login(page, "manager1")
    assert page.url.endswith("/dashboard/")
    assert page.locator(".tile").count() >= 10
    breached_now = sla_summary(filters={})["now"]["breached"]
    assert breached_now >= 2
    assert page.locator("[data-tile=breached] .tile-value").inner_text() == str(breached_now)
    # the four charts are drawn (SVG from the page's own script)
    for chart in ("trend", "stations", "categories", "arrival"):
        assert page.locator(f"#chart-{chart} svg").count() == 1, chart
    assert page.locator("#chart-trend svg path").count() >= 30  # ECharts draws the 30 bars as paths
    assert page.locator("#inbox li").count() == 1
    assert "客户出差" in page.locator("#extensions").inner_text()
    assert_no_horizontal_scroll(page)
    screenshot(page, "dashboard-manager-1920")

    # the same page on a laptop
    laptop = new_page(1366, 768)
    login(laptop, "manager1")
    assert_no_horizontal_scroll(laptop)
    screenshot(laptop, "dashboard-manager-laptop")

    # the refresh fetches the JSON and updates the tiles in place (no reload)
    page.evaluate("window.__marker = 1")
    ComplaintFactory(number=f"TS{now:%Y%m%d}0999", station=station, received_at=now - timedelta(days=3),
                     category=CategoryFactory(), handler=users["handler"], ack_breached=True)
    refresh_stats()  # what the once-a-minute task does
    with page.expect_response(lambda r: "/dashboard/data/" in r.url):
        page.evaluate("window.dashboardRefresh()")  # what the one-minute timer calls
    _wait(lambda: page.inner_text("[data-tile=breached] .tile-value") == str(breached_now + 1))
    assert page.evaluate("window.__marker") == 1

    # approving the extension
    with page.expect_navigation() if _server_side_approval() else _nullcontext():
        page.locator(f"#extensions li[data-extension='{ext.pk}'] button").click()
    page.wait_for_function(f"""() => !document.querySelector("#extensions li[data-extension='{ext.pk}'] button")
        || document.querySelector("#extensions li[data-extension='{ext.pk}']").classList.contains('done')""")
    ext.refresh_from_db()
    assert ext.status == "approved"

    # the breached tile opens the complaint list filtered to the breached open complaints
    page.locator("[data-tile=breached]").click()
    page.wait_for_load_state("networkidle")
    assert "/complaints/" in page.url and "breached=true" in page.url and "status=open" in page.url
    body = page.content()
    for c in Complaint.objects.filter(ack_breached=True, status="received"):
        assert c.number in body
    screenshot(page, "dashboard-breached-list")


def _server_side_approval() -> bool:
    from reports.views import _approve_service

    return _approve_service() is not None


class _nullcontext:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False
