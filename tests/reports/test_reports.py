"""Report snapshots on the hand-built month of conftest.py: figures, rebuilds, XLSX and CSV."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import pytest
import time_machine
from django.core.management import call_command

from complaints.models import Complaint
from reports.models import PenaltyRule, ReportSnapshot
from reports.services import report_build, report_period
from reports.tasks import build_reports

from .conftest import t


def test_periods_of_each_kind():
    assert report_period("daily", date(2026, 3, 4)) == (date(2026, 3, 4), date(2026, 3, 4))
    assert report_period("weekly", date(2026, 3, 4)) == (date(2026, 3, 2), date(2026, 3, 8))  # Mon..Sun
    assert report_period("monthly", date(2026, 2, 14)) == (date(2026, 2, 1), date(2026, 2, 28))
    assert report_period("monthly", date(2026, 12, 31)) == (date(2026, 12, 1), date(2026, 12, 31))


@pytest.mark.django_db
def test_weekly_report_figures_as_of_the_end_of_the_week(march):
    # week of Mon 2026-03-02 .. Sun 03-08: c1 (03-02), c2 (03-03), c6 (03-05) at S01, c8 (03-05) at S02
    snap = report_build(kind="weekly", day=date(2026, 3, 4))
    s = snap.data["summary"]
    assert (snap.period_start, snap.period_end) == (date(2026, 3, 2), date(2026, 3, 8))
    assert s["complaints"] == 4
    # as of Sunday night: c2 was acknowledged late and not yet resolved (resolved 03-10, due 03-08)
    assert (s["ack_on_time"], s["ack_late"], s["ack_open"], s["ack_rate"]) == (3, 1, 0, 75.0)
    assert (s["resolve_on_time"], s["resolve_late"], s["resolve_open"], s["resolve_rate"]) == (3, 0, 1, 75.0)
    # callbacks due: c1 on time, c6 missed (due 03-07), c8 on time; c2 not resolved yet
    assert (s["callback_on_time"], s["callback_open"], s["callback_rate"]) == (2, 1, 66.7)
    assert (s["effective"], s["effective_rate"]) == (3, 75.0)  # c1, c6, c8
    stations = {r["station"]: r for r in snap.data["stations"]}
    assert (stations["S01"]["complaints"], stations["S01"]["effective"], stations["S01"]["breached"]) == (3, 2, 2)
    assert stations["S02"]["resolve_rate"] == 100.0
    breaches = {(b["number"], b["kind"]) for b in snap.data["breaches"]}
    assert breaches == {("TS202603030001", "ack"), ("TS202603030001", "resolve"), ("TS202603050001", "callback")}
    assert {b["handler"] for b in snap.data["breaches"]} == {"handler1"}
    assert {r["channel"]: r["complaints"] for r in snap.data["intake_by_channel"]} == {"counter": 2, "phone": 2}


@pytest.mark.django_db
def test_monthly_report_staff_assessment_repeat_complainants_and_typical_cases(march):
    Complaint.objects.filter(number="TS202603100001").update(typical=True)
    rule = PenaltyRule.objects.get(category_code="", active=True)
    rule.amount_yuan = 30
    rule.save()
    # c3 is from c1's customer: make it a repeat complainant in March
    c1 = march["c1"]
    Complaint.objects.filter(number="TS202603100001").update(customer=c1.customer)
    snap = report_build(kind="monthly", day=date(2026, 3, 1))
    staff = {r["handler"]: r for r in snap.data["staff"]}
    # handler1: c1 and c6 effective (service.attitude: 20 yuan each); c9 is also March and effective
    assert staff["handler1"]["effective"] == 3 and staff["handler1"]["amount_yuan"] == "60.00"
    # handler2: c8 (service.attitude, 20)
    assert staff["handler2"]["amount_yuan"] == "20.00"
    Complaint.objects.filter(number="TS202603050002").update(category_id=_cat("billing.tariff"))
    snap = report_build(kind="monthly", day=date(2026, 3, 1))
    # billing.tariff has no rule of its own: the default rule (now 30 yuan) applies
    assert {r["handler"]: r["amount_yuan"] for r in snap.data["staff"]}["handler2"] == "30.00"
    assert snap.data["repeat_complainants"][0]["complaints"] == 2
    assert snap.data["repeat_complainants"][0]["account_no"] == c1.customer.account_no
    assert [c["number"] for c in snap.data["typical_cases"]] == ["TS202603100001"]


def _cat(code):
    from complaints.models import ComplaintCategory

    return ComplaintCategory.objects.get(code=code).pk


@pytest.mark.django_db
def test_rebuilding_a_past_period_gives_identical_figures(march):
    first = report_build(kind="weekly", day=date(2026, 3, 4)).data
    # later events (after the week) change nothing in that week's figures
    with time_machine.travel(t(3, 25), tick=False):
        Complaint.objects.filter(number="TS202603050001").update(status="closed", callback_at=t(3, 24),
                                                                 closed_at=t(3, 24), callback_breached=True)
        second = report_build(kind="weekly", day=date(2026, 3, 4)).data
    assert first["summary"] == second["summary"] and first["breaches"] == second["breaches"]
    assert first["stations"] == second["stations"] and first["staff"] == second["staff"]
    assert ReportSnapshot.objects.filter(kind="weekly").count() == 1


@pytest.mark.django_db
def test_task_and_command_build_once_per_period(march, capsys):
    pk1 = build_reports(kind="daily", date_iso="2026-03-05")
    pk2 = build_reports(kind="daily", date_iso="2026-03-05")
    assert pk1 == pk2 and ReportSnapshot.objects.count() == 1
    assert build_reports.name == "reports.build_reports"
    call_command("build_reports", "--kind", "monthly", "--date", "2026-03-10")
    assert "2026-03-01..2026-03-31: 8 complaints" in capsys.readouterr().out
    # default: yesterday's period
    call_command("build_reports", "--kind", "daily")
    assert ReportSnapshot.objects.filter(kind="daily", period_start=date(2026, 3, 19)).exists()


@pytest.mark.django_db
def test_xlsx_holds_the_figures_with_formatted_frozen_headers(march, client, users):
    snap = report_build(kind="weekly", day=date(2026, 3, 4))
    client.force_login(users["manager"])
    resp = client.get(f"/reports/{snap.pk}.xlsx")
    assert resp.status_code == 200
    assert "report-weekly-20260302-20260308.xlsx" in resp["Content-Disposition"]
    wb = openpyxl.load_workbook(io.BytesIO(resp.content))
    summary = wb.worksheets[0]
    assert summary.freeze_panes == "A2" and summary["A1"].font.bold
    values = {row[0]: row[1] for row in summary.iter_rows(min_row=2, values_only=True)}
    assert values["投诉件数"] == 4 and values["有效投诉"] == 3 and values["按时受理率 %"] == 75.0
    stations = wb.worksheets[3]
    rows = list(stations.iter_rows(values_only=True))
    assert rows[1][:4] == ("城东供电所", 3, 2, 2)
    assert stations.column_dimensions["A"].width >= 10


@pytest.mark.django_db
def test_csv_starts_with_the_bom_and_holds_the_figures(march, client, users):
    snap = report_build(kind="weekly", day=date(2026, 3, 4))
    client.force_login(users["manager"])
    resp = client.get(f"/reports/{snap.pk}.csv")
    assert resp.content.startswith(b"\xef\xbb\xbf")
    text = resp.content.decode("utf-8-sig")
    assert "投诉件数,4" in text and "城东供电所,3,2,2" in text


@pytest.mark.django_db
def test_report_pages_are_for_managers(march, client, users):
    snap = report_build(kind="daily", day=date(2026, 3, 3))
    client.force_login(users["manager"])
    page = client.get("/reports/")
    assert page.status_code == 200 and f"/reports/{snap.pk}.xlsx" in page.content.decode()
    assert client.get(f"/reports/{snap.pk}/").status_code == 200
    client.force_login(users["handler"])
    assert client.get("/reports/").status_code == 403
    assert client.get(f"/reports/{snap.pk}.csv").status_code == 403


@pytest.mark.django_db
def test_schedule_entries_name_the_reports_task():
    from servicecenter.schedules import SCHEDULE, SCHEDULE_KWARGS

    for name in ("build-daily-report", "build-weekly-report", "build-monthly-report"):
        assert SCHEDULE[name][0] == "reports.build_reports"
    assert SCHEDULE_KWARGS["build-weekly-report"] == {"kind": "weekly"}
