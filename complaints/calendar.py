"""Reference data read on every intake, cached per process: the work calendar (WorkCalendarDay
rows), the active SLA policies and the complaint categories.

A cache is dropped when a row is saved or deleted in this process, when the shared cache's
version key changes (another process saved), and after CALENDAR_TTL seconds at the latest.
"""

from __future__ import annotations

import time
from datetime import date

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from servicecenter.lib.workcalendar import Calendar, coverage_warning

VERSION_KEY = "complaints:workcalendar:version"
CALENDAR_TTL = 300

_cached: dict = {}


def _get(name: str, load):
    version = cache.get(VERSION_KEY, 0)
    entry = _cached.get(name)
    if entry and entry[1] == version and time.monotonic() - entry[2] < CALENDAR_TTL:
        return entry[0]
    value = load()
    _cached[name] = (value, version, time.monotonic())
    return value


def get_calendar() -> Calendar:
    from .models import WorkCalendarDay

    return _get("calendar", lambda: Calendar.from_days(WorkCalendarDay.objects.values_list("date", "is_workday")))


def get_policies() -> list:
    """The active SLA policies (a handful of rows)."""
    from .models import SlaPolicy

    return _get("policies", lambda: list(SlaPolicy.objects.filter(active=True)))


def get_categories() -> dict:
    """Every complaint category by code (a few dozen rows; classes and items, active or not:
    the caller checks)."""
    from .models import ComplaintCategory

    return _get("categories", lambda: {c.code: c for c in ComplaintCategory.objects.all()})


def invalidate_calendar() -> None:
    _cached.clear()
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 1, None)


def calendar_warning(today: date) -> date | None:
    """The last day of the known work calendar when managers should be warned (from 60 days
    before it ends), else None. Pages show: "The work calendar is known until {date}: enter the
    next year's holidays in admin"."""
    return coverage_warning(get_calendar(), today)


@receiver(post_save, sender="complaints.WorkCalendarDay")
@receiver(post_delete, sender="complaints.WorkCalendarDay")
@receiver(post_save, sender="complaints.SlaPolicy")
@receiver(post_delete, sender="complaints.SlaPolicy")
@receiver(post_save, sender="complaints.ComplaintCategory")
@receiver(post_delete, sender="complaints.ComplaintCategory")
def _calendar_changed(**kwargs):
    invalidate_calendar()


