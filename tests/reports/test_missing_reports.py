"""A report whose scheduled build was lost (broker down at 00:15) is built by the catch-up."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from reports.models import ReportSnapshot
from reports.services import report_build_missing

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")


def test_the_catch_up_builds_each_missing_report_of_the_last_ended_period_once():
    ReportSnapshot.objects.all().delete()
    # Monday 1 June 2026, 00:30: a day, a week and a month ended at midnight; beat builds them at
    # 00:15, Monday 08:00 and the 1st 06:00; inside the grace hour the catch-up waits
    assert report_build_missing(now=datetime(2026, 6, 1, 0, 30, tzinfo=SH)) == []
    built = report_build_missing(now=datetime(2026, 6, 1, 1, 30, tzinfo=SH))
    assert sorted((s.kind, s.period_start) for s in built) == [
        ("daily", date(2026, 5, 31)), ("monthly", date(2026, 5, 1)), ("weekly", date(2026, 5, 25))]
    assert report_build_missing(now=datetime(2026, 6, 1, 1, 40, tzinfo=SH)) == []  # once
    assert ReportSnapshot.objects.count() == 3
