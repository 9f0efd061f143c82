"""Exports are safe to open and say whose data they carry (issue 16 items 6 and 7, SPEC §13):
cells that would run as formulas are neutralised in CSV and written as text in XLSX, phone numbers
are masked in exports and in lists for the roles that do not work with them, and every export is
recorded (who, what, when)."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from reports.models import ExportRecord, ReportSnapshot
from tests.complaints.factories import ComplaintFactory
from tests.customers.factories import CustomerFactory

pytestmark = pytest.mark.django_db

NASTY = ["=HYPERLINK(\"http://evil.example\",\"click\")", "+1+1", "-2+3", "@SUM(A1:A9)", "\tTAB", "\rCR"]


@pytest.fixture
def snapshot(db):
    day = datetime.date(2026, 11, 30)
    typical = [{"number": f"TS2026113000{i:02d}", "station": "S01", "category": "服务态度", "received_at": "2026-11-30",
                "description": text, "resolution": "已答复"} for i, text in enumerate(NASTY)]
    return ReportSnapshot.objects.create(kind="daily", period_start=day, period_end=day, built_at=timezone.now(), data={
        "summary": {"complaints": 6},
        "typical_cases": typical,
        "repeat_complainants": [{"who": "王先生", "account_no": "", "phone": "13800138000", "complaints": 3}],
    })


@pytest.fixture
def manager_client(users):
    client = Client()
    client.force_login(users["manager"])
    return client


def test_csv_cells_that_would_run_as_formulas_are_neutralised(manager_client, snapshot):
    resp = manager_client.get(f"/reports/{snapshot.pk}.csv")
    assert resp.status_code == 200
    rows = list(csv.reader(io.StringIO(resp.content.decode("utf-8-sig"))))
    cells = [cell for row in rows for cell in row]
    for text in NASTY:
        assert text not in cells
        assert "'" + text in cells
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in cells)


def test_xlsx_cells_that_look_like_formulas_are_strings(manager_client, snapshot):
    resp = manager_client.get(f"/reports/{snapshot.pk}.xlsx")
    assert resp.status_code == 200
    wb = load_workbook(io.BytesIO(resp.content))
    found = {}
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                # XML reads a stored carriage return back as a line feed
                value = cell.value.replace("\n", "\r") if isinstance(cell.value, str) else cell.value
                if value in NASTY:
                    found[value] = cell.data_type
    assert set(found) == set(NASTY)  # the text is kept as it was written...
    assert set(found.values()) == {"s"}  # ...and is a string cell, never a formula


def test_exports_mask_phone_numbers(manager_client, snapshot):
    text = manager_client.get(f"/reports/{snapshot.pk}.csv").content.decode("utf-8-sig")
    assert "13800138000" not in text and "138****8000" in text
    wb = load_workbook(io.BytesIO(manager_client.get(f"/reports/{snapshot.pk}.xlsx").content))
    values = {c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row}
    assert "138****8000" in values and "13800138000" not in values


def test_every_export_is_recorded(manager_client, users, snapshot):
    manager_client.get(f"/reports/{snapshot.pk}.xlsx")
    manager_client.get(f"/reports/{snapshot.pk}.csv")
    records = list(ExportRecord.objects.order_by("id"))
    assert [(r.user, r.username, r.report_id, r.format) for r in records] == [
        (users["manager"], "manager1", snapshot.pk, "xlsx"), (users["manager"], "manager1", snapshot.pk, "csv")]
    assert all(r.created_at and "2026-11-30" in r.what for r in records)


def test_a_refused_export_is_not_recorded(users, snapshot):
    client = Client()
    client.force_login(users["handler"])
    assert client.get(f"/reports/{snapshot.pk}.csv").status_code in (403, 404)
    assert not ExportRecord.objects.exists()


# --- lists -----------------------------------------------------------------------------------

def test_lists_mask_phones_for_managers_and_show_them_to_station_staff(api, users, station):
    customer = CustomerFactory(station=station, phone="13900139000")
    ComplaintFactory(station=station, customer=customer, complainant_phone="13700137000")
    manager, handler = api(users["manager"]), api(users["handler"])
    assert manager.get("/api/v1/customers/").json()["results"][0]["phone"] == "139****9000"
    assert handler.get("/api/v1/customers/").json()["results"][0]["phone"] == "13900139000"
    assert manager.get("/api/v1/complaints/").json()["results"][0]["complainant_phone"] == "137****7000"
    assert handler.get("/api/v1/complaints/").json()["results"][0]["complainant_phone"] == "13700137000"
    # the one customer's own card (detail) shows the phone to whoever may see the customer
    assert manager.get(f"/api/v1/customers/{customer.pk}/").json()["phone"] == "13900139000"


def test_the_customer_list_page_masks_phones_for_managers(users, station):
    CustomerFactory(station=station, phone="13900139000")
    client = Client()
    client.force_login(users["manager"])
    page = client.get("/customers/?q=").content.decode()
    assert "139****9000" in page and "13900139000" not in page
    client.force_login(users["counter"])
    assert "13900139000" in client.get("/customers/?q=").content.decode()
