"""The Chinese work calendar as plain data: which dates are working days.

No database here. `Calendar` is built from a set of days off (public holidays) and a set of
make-up working days (调休); the database-backed one lives in core.calendar. A year
nobody entered yet is filled provisionally from the statutory holidays of the `holidays`
package's China rules (the lunar ones too; it does not know the 调休 make-up days), and every
deadline that counts such a day is marked provisional (SPEC §4).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

# Fixed-date public holidays assumed for a year whose official calendar is not known yet
# (New Year's Day, Labour Day, National Day 1-3). Lunar holidays cannot be guessed.
FIXED_HOLIDAYS: frozenset[tuple[int, int]] = frozenset({(1, 1), (5, 1), (10, 1), (10, 2), (10, 3)})


PROVISIONAL_YEARS = 3


def statutory_holidays(years: Iterable[int]) -> dict[date, str]:
    """The statutory holidays (in Chinese) of the `holidays` package's China rules for `years`:
    the provisional days off of a year whose official calendar is not published yet."""
    years = list(years)
    if not years:
        return {}
    try:
        import holidays
    except ImportError:  # pragma: no cover - a dependency; the fixed dates remain
        return {}
    return dict(holidays.China(years=years, language="zh_CN").items())


@dataclass(frozen=True)
class Calendar:
    """Working days: weekdays unless listed `off`; weekend days only if listed `on` (调休)."""

    off: frozenset[date] = field(default_factory=frozenset)
    on: frozenset[date] = field(default_factory=frozenset)
    known_years: frozenset[int] = field(default_factory=frozenset)
    # statutory holidays of the years after the known ones (provisional: no make-up days known)
    provisional_off: frozenset[date] = field(default_factory=frozenset)

    @classmethod
    def from_days(cls, days: Iterable[tuple[date, bool]], known_years: Iterable[int] | None = None,
                  provisional_years: int = PROVISIONAL_YEARS) -> Calendar:
        """Build from (date, is_workday) pairs; the years of the pairs are the known years. The
        `provisional_years` years after the last known one get the statutory holidays provisionally."""
        off, on = set(), set()
        for day, is_workday in days:
            (on if is_workday else off).add(day)
        years = set(known_years) if known_years is not None else {d.year for d in off | on}
        last = max(years) if years else None
        guessed = [y for y in range(last + 1, last + 1 + provisional_years)] if last else []
        return cls(off=frozenset(off), on=frozenset(on), known_years=frozenset(years),
                   provisional_off=frozenset(statutory_holidays(guessed)))

    def is_workday(self, day: date) -> bool:
        if day in self.on:
            return True
        if day in self.off:
            return False
        if day.year not in self.known_years:
            if day in self.provisional_off:
                return False
            if (day.month, day.day) in FIXED_HOLIDAYS:
                return False
        return day.weekday() < 5

    def counts_provisional(self, start: date, end: date) -> bool:
        """Whether counting working days after `start` up to `end` reads a year not known yet."""
        return any(year not in self.known_years for year in range(start.year, end.year + 1)
                   if date(year, 12, 31) > start)

    def is_known(self, day: date) -> bool:
        return day.year in self.known_years

    @property
    def known_until(self) -> date | None:
        """The last day of the last year whose official calendar is known."""
        return date(max(self.known_years), 12, 31) if self.known_years else None

    def nth_workday_after(self, day: date, n: int) -> date:
        """The n-th working day after `day` (`day` itself not counted); n <= 0 gives `day`."""
        current = day
        remaining = n
        while remaining > 0:
            current += timedelta(days=1)
            if self.is_workday(current):
                remaining -= 1
        return current

    def workdays_between(self, start: date, end: date) -> int:
        """Working days in (start, end]: how many `nth_workday_after` steps lead from start to end."""
        count, current = 0, start
        while current < end:
            current += timedelta(days=1)
            if self.is_workday(current):
                count += 1
        return count


def coverage_warning(cal: Calendar, today: date, *, days_ahead: int = 60) -> date | None:
    """The end of the known calendar when it is less than `days_ahead` days away (or past), else None."""
    until = cal.known_until
    if until is None:
        return today
    if (until - today).days < days_ahead:
        return until
    return None
