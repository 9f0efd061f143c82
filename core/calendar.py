"""The work calendar (WorkCalendarDay rows) and the per-process cache of reference data read on
every intake (the calendar here; complaints adds its SLA policies and categories through
`cached_reference`).

A cache is dropped when a row is saved or deleted in this process, when the shared cache's
version key changes (another process saved), and after CALENDAR_TTL seconds at the latest.
The pure calendar arithmetic is servicecenter.lib.workcalendar; this module only loads it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date
from typing import TypeVar

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from servicecenter.lib.workcalendar import Calendar, coverage_warning

VERSION_KEY = "complaints:workcalendar:version"
CALENDAR_TTL = 300

T = TypeVar("T")
_cached: dict = {}


def cached_reference(name: str, load: Callable[[], T]) -> T:
    """`load()`'s value, cached per process under `name` until the next invalidation."""
    version = cache.get(VERSION_KEY, 0)
    entry = _cached.get(name)
    if entry and entry[1] == version and time.monotonic() - entry[2] < CALENDAR_TTL:
        return entry[0]
    value = load()
    _cached[name] = (value, version, time.monotonic())
    return value


def get_calendar() -> Calendar:
    from .models import WorkCalendarDay

    return cached_reference(
        "calendar", lambda: Calendar.from_days(WorkCalendarDay.objects.values_list("date", "is_workday")))


def invalidate_calendar() -> None:
    """Drop every cached reference table, in this process and (by the version key) in all."""
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


@receiver(post_save, sender="core.WorkCalendarDay")
@receiver(post_delete, sender="core.WorkCalendarDay")
def _calendar_changed(**kwargs):
    invalidate_calendar()
