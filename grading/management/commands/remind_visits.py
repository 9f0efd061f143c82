from django.core.management.base import BaseCommand

from grading import services


class Command(BaseCommand):
    # a batch job run by cron/beat: the system checks (seconds on a large project) are for deploys
    requires_system_checks: list = []
    help = "Tell account managers of visits overdue or due within 7 days (one message each a day)."

    def handle(self, *args, **options):
        written = services.remind_visits()
        self.stdout.write(f"{written} reminder(s)")
