"""Demo data for `manage.py load_demo`: yesterday's daily statistics, last week's bulletin and
last month's supervision report, built from the demo complaints (idempotent: rebuilt in place)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from customers.demo import register_demo_loader


def load() -> str:
    from .services import report_build

    yesterday = timezone.localdate() - timedelta(days=1)
    last_week = yesterday - timedelta(days=yesterday.weekday() + 1)
    last_month = timezone.localdate().replace(day=1) - timedelta(days=1)
    for kind, day in (("daily", yesterday), ("weekly", last_week), ("monthly", last_month)):
        report_build(kind=kind, day=day)
    return "3 reports (daily, weekly, monthly)"


register_demo_loader("reports", load, order=90)
