"""Deadline arithmetic (SPEC §4), pure: times in, times out, the calendar passed in.

- `hours`: calendar hours from the start.
- `workdays`: 23:59:59 Asia/Shanghai of the N-th working day after the day of receipt (the day
  of receipt is not counted, whatever the hour).
- A pause (SPEC §3) moves an `hours` deadline later by the paused wall-clock time, and a
  `workdays` deadline by whole working days: the time the pause spent on working days, rounded
  to the nearest whole day (half a day or more counts as one), so it still ends at 23:59:59 of
  a working day.
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
MINUTES = "minutes"  # calendar minutes: the assignment (派单) deadline


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
    if unit == MINUTES:
        return _aware(start) + timedelta(minutes=amount)
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


def working_time(start: datetime, end: datetime, cal: Calendar) -> timedelta:
    """How much of [start, end) falls on working days (local days of Asia/Shanghai)."""
    total = timedelta(0)
    cursor = _aware(start).astimezone(LOCAL_TZ)
    end = _aware(end).astimezone(LOCAL_TZ)
    while cursor < end:
        next_midnight = datetime.combine(cursor.date() + timedelta(days=1), time(0), tzinfo=LOCAL_TZ)
        chunk_end = min(next_midnight, end)
        if cal.is_workday(cursor.date()):
            total += chunk_end - cursor
        cursor = chunk_end
    return total


def pause_workdays(start: datetime, end: datetime, cal: Calendar) -> int:
    """Whole working days a pause moves a `workdays` deadline: its working-day time, rounded to
    the nearest day (half a day or more counts as one)."""
    return int(working_time(start, end, cal) / timedelta(days=1) + 0.5)


def move_for_pause(due: datetime | None, unit: str, start: datetime, end: datetime, cal: Calendar) -> datetime | None:
    """A deadline after a pause from `start` to `end`: `hours` by the wall-clock time, `workdays`
    by whole working days (still 23:59:59 of a working day)."""
    if due is None:
        return None
    if unit != WORKDAYS:
        return due + (end - start)
    days = pause_workdays(start, end, cal)
    if days == 0:
        return due
    local_day = due.astimezone(LOCAL_TZ).date()
    return datetime.combine(cal.nth_workday_after(local_day, days), END_OF_DAY, tzinfo=LOCAL_TZ)


def replay(start: datetime, amount: int, unit: str, cal: Calendar,
           pauses: Iterable[tuple[datetime, datetime | None]] = (), now: datetime | None = None) -> datetime:
    """A deadline computed again from its start, target and pause segments (a calendar
    correction): the target from `start`, then every pause that ended after the start."""
    due = add(start, amount, unit, cal)
    for p_start, p_end in pauses:
        if p_end is None or p_end <= start:
            continue
        due = move_for_pause(due, unit, max(p_start, start), p_end, cal)
    return due


def is_provisional(start: datetime | None, due: datetime | None, unit: str, cal: Calendar) -> bool:
    """A `workdays` deadline counts provisional days when its days run into a year whose official
    calendar is not known yet (calendar hours count no days)."""
    if start is None or due is None or unit != WORKDAYS:
        return False
    return cal.counts_provisional(start.astimezone(LOCAL_TZ).date(), due.astimezone(LOCAL_TZ).date())
