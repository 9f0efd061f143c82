"""Deadline arithmetic on the Chinese work calendar (SPEC §4), without a database."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from servicecenter.lib.deadlines import add, add_hours, add_workdays, paused_time, shift, warning_at
from servicecenter.lib.workcalendar import Calendar, coverage_warning

SH = ZoneInfo("Asia/Shanghai")
UTC = ZoneInfo("UTC")


def package_calendar(years=(2025, 2026)) -> Calendar:
    days = [(d, False) for d in chinese_calendar.holidays if d.year in years]
    days += [(d, True) for d in chinese_calendar.workdays if d.year in years]
    return Calendar.from_days(days, known_years=years)


CAL = package_calendar()


def sh(*args) -> datetime:
    return datetime(*args, tzinfo=SH)


def test_the_expected_dates_match_the_package_data():
    # Written out by hand from the State Council notice, checked against chinesecalendar:
    # 2026-09-25 (Fri) is the Mid-autumn holiday; 09-26/27 off; 10-01..10-07 National Day off;
    # 2026-10-10 (Sat) is a 调休 working day.
    assert chinese_calendar.is_holiday(date(2026, 9, 25))
    assert chinese_calendar.is_holiday(date(2026, 9, 26)) and chinese_calendar.is_holiday(date(2026, 9, 27))
    assert all(chinese_calendar.is_holiday(date(2026, 10, d)) for d in range(1, 8))
    assert chinese_calendar.is_workday(date(2026, 10, 8)) and chinese_calendar.is_workday(date(2026, 10, 9))
    assert chinese_calendar.is_workday(date(2026, 10, 10))  # Saturday, 调休


def test_five_workdays_from_friday_before_national_day_skip_the_weekend_and_the_holiday():
    # 09-28 Mon (1), 09-29 (2), 09-30 (3), 10-01..07 off, 10-08 (4), 10-09 (5)
    assert add_workdays(sh(2026, 9, 25, 16, 0), 5, CAL) == sh(2026, 10, 9, 23, 59, 59)


def test_one_workday_from_friday_lands_on_the_make_up_saturday():
    assert add_workdays(sh(2026, 10, 9, 10, 0), 1, CAL) == sh(2026, 10, 10, 23, 59, 59)


def test_received_on_a_holiday_counts_from_the_next_working_day():
    # received on 2026-10-03 (National Day): 10-08 is the first working day, 10-10 (Sat, 调休) the third
    assert add_workdays(sh(2026, 10, 3, 9, 30), 1, CAL) == sh(2026, 10, 8, 23, 59, 59)
    assert add_workdays(sh(2026, 10, 3, 9, 30), 3, CAL) == sh(2026, 10, 10, 23, 59, 59)


def test_received_at_the_last_second_of_a_day_does_not_count_that_day():
    # Wednesday 2026-11-25 23:59:59 local: the first working day after it is Thursday
    assert add_workdays(sh(2026, 11, 25, 23, 59, 59), 1, CAL) == sh(2026, 11, 26, 23, 59, 59)


def test_the_local_day_decides_not_the_utc_day():
    # 2026-11-25 17:00 UTC is already Thursday 01:00 in Shanghai: Friday is the first working day
    assert add_workdays(datetime(2026, 11, 25, 17, 0, tzinfo=UTC), 1, CAL) == sh(2026, 11, 27, 23, 59, 59)


def test_hours_run_across_midnight_and_holidays():
    assert add_hours(sh(2026, 9, 30, 22, 30), 4) == sh(2026, 10, 1, 2, 30)
    assert add(sh(2026, 10, 1, 8, 0), 24, "hours", CAL) == sh(2026, 10, 2, 8, 0)


def test_spring_festival_is_skipped():
    # 2026-02-13 Fri; 02-14 Sat is 调休 (1); 02-15..02-23 off; 02-24 Tue (2)
    assert add_workdays(sh(2026, 2, 13, 12), 2, CAL) == sh(2026, 2, 24, 23, 59, 59)


def test_an_unknown_year_takes_the_statutory_holidays_provisionally():
    # 2027 is not in the calendar: the `holidays` package's China rules give National Day 10-01..05
    # and the Spring Festival (lunar) off; the make-up days are not known
    assert not CAL.is_workday(date(2027, 10, 1)) and not CAL.is_workday(date(2027, 10, 5))
    assert not CAL.is_workday(date(2027, 1, 1))
    assert not CAL.is_workday(date(2027, 2, 8))  # Spring Festival, a Monday
    assert add_workdays(sh(2027, 9, 30, 10), 1, CAL) == sh(2027, 10, 6, 23, 59, 59)
    assert CAL.counts_provisional(date(2026, 12, 30), date(2027, 1, 4))
    assert not CAL.counts_provisional(date(2026, 3, 2), date(2026, 3, 9))


def test_coverage_warning_starts_sixty_days_before_the_known_calendar_ends():
    assert coverage_warning(CAL, date(2026, 11, 1)) is None
    assert coverage_warning(CAL, date(2026, 11, 2)) == date(2026, 12, 31)
    assert coverage_warning(Calendar(), date(2026, 11, 2)) == date(2026, 11, 2)


def test_pause_shifts_by_the_paused_wall_clock_time():
    segments = [(sh(2026, 3, 2, 9), sh(2026, 3, 2, 11)), (sh(2026, 3, 3, 9), None)]
    total = paused_time(segments, now=sh(2026, 3, 3, 9, 30))
    assert total == timedelta(hours=2, minutes=30)
    assert shift(sh(2026, 3, 6, 23, 59, 59), total) == sh(2026, 3, 7, 2, 29, 59)
    assert shift(None, total) is None


def test_warning_time_is_the_fraction_of_the_span():
    assert warning_at(sh(2026, 3, 2, 0), sh(2026, 3, 3, 0), 0.75) == sh(2026, 3, 2, 18)


def test_naive_times_are_refused():
    with pytest.raises(ValueError):
        add_hours(datetime(2026, 1, 1), 1)


starts = st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2027, 12, 31),
                      timezones=st.just(SH))


@settings(deadline=None)  # a busy CI machine must not turn slowness into a failure
@given(start=starts, n=st.integers(min_value=0, max_value=30), unit=st.sampled_from(["hours", "workdays"]))
def test_a_deadline_is_never_earlier_than_the_start(start, n, unit):
    assert add(start, n, unit, CAL) >= start


@settings(deadline=None)  # a busy CI machine must not turn slowness into a failure
@given(start=starts, a=st.integers(min_value=0, max_value=20), b=st.integers(min_value=0, max_value=20),
       unit=st.sampled_from(["hours", "workdays"]))
def test_a_deadline_is_monotonic_in_the_amount(start, a, b, unit):
    lo, hi = sorted((a, b))
    assert add(start, lo, unit, CAL) <= add(start, hi, unit, CAL)


@settings(deadline=None)  # a busy CI machine must not turn slowness into a failure
@given(start=starts, n=st.integers(min_value=1, max_value=10))
def test_a_workday_deadline_is_the_end_of_a_working_day(start, n):
    due = add_workdays(start, n, CAL)
    assert (due.hour, due.minute, due.second) == (23, 59, 59)
    assert CAL.is_workday(due.date())
    assert CAL.workdays_between(start.date(), due.date()) == n


@settings(deadline=None)  # a busy CI machine must not turn slowness into a failure
@given(due=starts, pauses=st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 100_000)), max_size=5))
def test_pause_and_resume_shift_by_exactly_the_paused_time(due, pauses):
    base = sh(2026, 1, 1)
    segments = [(base + timedelta(minutes=s), base + timedelta(minutes=s + length)) for s, length in pauses]
    total = paused_time(segments, now=base)
    assert shift(due, total) - due == sum((timedelta(minutes=length) for _s, length in pauses), timedelta(0))
