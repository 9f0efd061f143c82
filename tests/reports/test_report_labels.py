"""Report downloads fit to hand out (issue 15 item 7): names and labels, never internal codes
(category codes such as `billing.tariff`, station codes, deadline kinds such as `ack`, channel
codes, usernames); every station listed, zeros included; English downloads in English."""

from __future__ import annotations

import csv
import io
from datetime import date

import openpyxl
import pytest
from django.utils import translation

from complaints.choices import ComplaintChannel, DeadlineKind
from complaints.models import ComplaintCategory
from customers.models import SupplyStation
from reports.services import report_build
from tests.customers.factories import StationFactory

pytestmark = pytest.mark.django_db


def _codes(users) -> set[str]:
    return ({c.code for c in ComplaintCategory.objects.all()} | set(SupplyStation.objects.values_list("code", flat=True))
            | set(DeadlineKind.values) | set(ComplaintChannel.values) | {u.username for u in users.values()})


def _xlsx_cells(resp) -> list:
    wb = openpyxl.load_workbook(io.BytesIO(resp.content))
    return [(ws.title, cell) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for cell in row]


def _csv_cells(resp) -> list:
    return [cell for row in csv.reader(io.StringIO(resp.content.decode("utf-8-sig"))) for cell in row]


@pytest.fixture
def month_report(march, users):
    for i, u in enumerate(users.values()):  # the factory names people after their usernames
        u.first_name, u.last_name = f"员工{i}", ""
        u.save()
    users["handler"].first_name, users["handler"].last_name = "李小明", ""
    users["handler"].save()
    StationFactory(code="S03", name="山区供电所", area_type="remote")  # no complaint at all
    return report_build(kind="monthly", day=date(2026, 3, 4))


def test_downloads_hold_no_internal_code_where_a_label_exists(month_report, client, users):
    client.force_login(users["manager"])
    codes = _codes(users)
    xlsx = _xlsx_cells(client.get(f"/reports/{month_report.pk}.xlsx"))
    leaks = [(sheet, cell) for sheet, cell in xlsx if isinstance(cell, str) and cell in codes]
    assert leaks == []
    cells = {cell for _s, cell in xlsx}
    # what stands where the codes were
    assert {"电费电价", "服务态度", "城东供电所", "李小明", "首次联系", "电话（95598）"} & cells >= {
        "电费电价", "城东供电所", "李小明"}
    text_cells = _csv_cells(client.get(f"/reports/{month_report.pk}.csv"))
    assert [c for c in text_cells if c in codes] == []
    assert "电费电价" in text_cells and "城东供电所" in text_cells


def test_every_station_is_listed_zeros_included(month_report, client, users):
    client.force_login(users["manager"])
    wb = openpyxl.load_workbook(io.BytesIO(client.get(f"/reports/{month_report.pk}.xlsx").content))
    sheet = next(ws for ws in wb.worksheets if ws.title == "各供电所")
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "供电所"  # the column says what it holds
    assert [r[0] for r in rows[1:]] == ["城东供电所", "城西供电所", "山区供电所"]
    assert rows[3][1:4] == (0, 0, 0)


def test_an_english_download_is_in_english(month_report, client, users):
    ComplaintCategory.objects.filter(code="billing.tariff").update(name_en="Bills and tariffs")
    client.force_login(users["manager"])
    with translation.override("en"):
        client.cookies["django_language"] = "en"
        cells = _csv_cells(client.get(f"/reports/{month_report.pk}.csv"))
    assert "Bills and tariffs" in cells and "电费电价" not in cells
    assert [c for c in cells if c in _codes(users)] == []
    assert "Acknowledge" in cells or "Resolve" in cells or "Callback" in cells


def test_the_report_list_shows_no_shell_command(month_report, client, users):
    client.force_login(users["manager"])
    html = client.get("/reports/").content.decode()
    assert "manage.py" not in html and "--kind" not in html
