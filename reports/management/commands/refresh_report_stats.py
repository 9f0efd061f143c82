from django.core.management.base import BaseCommand

from reports.stats import refresh_stats


class Command(BaseCommand):
    help = "Refresh the pre-aggregated rows behind the SLA summary (--full rebuilds every day)."

    def add_arguments(self, parser):
        parser.add_argument("--full", action="store_true")

    def handle(self, *args, full=False, **options):
        self.stdout.write(str(refresh_stats(full=full)))
