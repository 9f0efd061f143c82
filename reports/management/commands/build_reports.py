from datetime import date

from django.core.management.base import BaseCommand, CommandError

from reports.models import ReportKind
from reports.services import report_build


class Command(BaseCommand):
    help = ("Build the daily statistics, weekly bulletin or monthly supervision report for the period "
            "containing --date (default: yesterday). Rebuilding a past period gives the same figures.")

    def add_arguments(self, parser):
        parser.add_argument("--kind", required=True, choices=ReportKind.values)
        parser.add_argument("--date", help="YYYY-MM-DD, a day inside the period (default: yesterday)")

    def handle(self, *args, kind, date=None, **options):
        day = None
        if date:
            try:
                day = _parse(date)
            except ValueError:
                raise CommandError("--date must be YYYY-MM-DD")
        snap = report_build(kind=kind, day=day)
        s = snap.data.get("summary", {})
        self.stdout.write(f"{snap.kind} {snap.period_start}..{snap.period_end}: {s.get('complaints', 0)} complaints, "
                          f"{s.get('effective', 0)} effective, {s.get('breached', 0)} breached (report #{snap.pk})")


def _parse(value: str):
    return date.fromisoformat(value)
