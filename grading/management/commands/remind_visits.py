from django.core.management.base import BaseCommand

from grading import services


class Command(BaseCommand):
    help = "Tell account managers of visits overdue or due within 7 days (one message each a day)."

    def handle(self, *args, **options):
        written = services.remind_visits()
        self.stdout.write(f"{written} reminder(s)")
