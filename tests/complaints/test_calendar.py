"""The work calendar in the database: seeding, the per-process cache, the coverage warning."""

from datetime import date

import pytest
from django.core.management import CommandError, call_command

from core.calendar import calendar_warning, get_calendar
from core.models import WorkCalendarDay

pytestmark = pytest.mark.django_db


def test_seed_calendar_loads_a_year_and_keeps_manual_rows():
    WorkCalendarDay.objects.filter(date__year=2025).delete()
    WorkCalendarDay.objects.create(date=date(2025, 10, 8), is_workday=True, name="本地调整", source="manual")
    call_command("seed_calendar", "--year", "2025")
    assert WorkCalendarDay.objects.get(date=date(2025, 10, 1)).is_workday is False
    assert WorkCalendarDay.objects.get(date=date(2025, 10, 8)).name == "本地调整"
    call_command("seed_calendar", "--year", "2025")  # idempotent
    assert WorkCalendarDay.objects.filter(date=date(2025, 10, 1)).count() == 1


def test_seed_calendar_refuses_a_year_the_package_does_not_know():
    with pytest.raises(CommandError, match="admin"):
        call_command("seed_calendar", "--year", "2099")


def test_an_edit_in_admin_reaches_the_deadline_arithmetic_at_once():
    assert get_calendar().is_workday(date(2026, 12, 28))
    day = WorkCalendarDay.objects.create(date=date(2026, 12, 28), is_workday=False, name="测试假日")
    assert not get_calendar().is_workday(date(2026, 12, 28))
    day.delete()
    assert get_calendar().is_workday(date(2026, 12, 28))


def test_managers_are_warned_sixty_days_before_the_known_calendar_ends():
    assert calendar_warning(date(2026, 10, 1)) is None
    assert calendar_warning(date(2026, 11, 25)) == date(2026, 12, 31)
    WorkCalendarDay.objects.create(date=date(2027, 1, 1), is_workday=False, name="元旦", source="manual")
    assert calendar_warning(date(2026, 11, 25)) is None
