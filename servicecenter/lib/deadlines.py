"""Deadline arithmetic (SPEC §4), pure: times in, times out, the calendar passed in.

- `hours`: calendar hours from the start.
- `workdays`: 23:59:59 Asia/Shanghai of the N-th working day after the day of receipt (the day
  of receipt is not counted, whatever the hour).
- A pause moves a deadline later by exactly the paused wall-clock time.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from .workcalendar import Calendar

LOCAL_TZ = ZoneInfo("Asia/Shanghai")
END_OF_DAY = time(23, 59, 59)

HOURS = "hours"
WORKDAYS = "workdays"


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("deadline arithmetic needs timezone-aware datetimes")
    return moment


def add_hours(start: datetime, hours: float) -> datetime:
    return _aware(start) + timedelta(hours=hours)


def add_workdays(start: datetime, n: int, cal: Calendar) -> datetime:
    """End (23:59:59 Asia/Shanghai) of the n-th working day after the local day of `start`."""
    local_day = _aware(start).astimezone(LOCAL_TZ).date()
    due_day = cal.nth_workday_after(local_day, n)
    return datetime.combine(due_day, END_OF_DAY, tzinfo=LOCAL_TZ)


def add(start: datetime, amount: int, unit: str, cal: Calendar) -> datetime:
    """A deadline `amount` `unit`s after `start`."""
    if unit == HOURS:
        return add_hours(start, amount)
    if unit == WORKDAYS:
        return add_workdays(start, amount, cal)
    raise ValueError(f"unknown deadline unit {unit!r}")


def warning_at(start: datetime, due: datetime, fraction: float | Decimal) -> datetime:
    """When `fraction` of the time from start to due has passed (the level-1 warning)."""
    span = due - start
    return start + span * float(fraction)


def shift(deadline: datetime | None, paused: timedelta) -> datetime | None:
    """A deadline moved later by the paused wall-clock time (None stays None)."""
    return None if deadline is None else deadline + paused


def paused_time(segments: Iterable[tuple[datetime, datetime | None]], now: datetime) -> timedelta:
    """Total paused wall-clock time of (start, end) segments; an open segment runs until now."""
    total = timedelta(0)
    for start, end in segments:
        total += (end or now) - start
    return total


def to_local(moment: datetime | None) -> datetime | None:
    return None if moment is None else moment.astimezone(LOCAL_TZ)
