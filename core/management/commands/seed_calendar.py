"""`manage.py seed_calendar [--year 2026 ...]`: load holidays and 调休 days from `chinesecalendar`.

Rows entered by hand in admin (source "manual") are left alone; rows from the package are
updated. Without --year: every year from 2025 to next year that the package knows.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from core.models import WorkCalendarDay
from core.seeds import calendar_rows, package_years, seed_years


class Command(BaseCommand):
    help = "Load the Chinese work calendar (holidays and make-up working days) from chinesecalendar."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, action="append", help="year to load (repeatable)")

    def handle(self, *args, **options):
        years = options["year"] or seed_years(timezone.localdate().year)
        unknown = [y for y in years if y not in package_years()]
        if unknown:
            raise CommandError(
                f"chinesecalendar does not know {', '.join(map(str, unknown))} yet: enter that year's "
                "holidays and make-up working days in admin (Work calendar), or upgrade the package.")
        with transaction.atomic():
            for year in years:
                created = updated = kept = 0
                manual = set(WorkCalendarDay.objects.filter(date__year=year).exclude(
                    source="chinesecalendar").values_list("date", flat=True))
                for day, is_workday, name in calendar_rows(year):
                    if day in manual:
                        kept += 1
                        continue
                    _obj, was_created = WorkCalendarDay.objects.update_or_create(
                        date=day, defaults={"is_workday": is_workday, "name": name, "source": "chinesecalendar"})
                    created += was_created
                    updated += not was_created
                self.stdout.write(f"{year}: {created} created, {updated} updated, {kept} manual rows kept")
