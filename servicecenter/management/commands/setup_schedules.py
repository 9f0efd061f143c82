import json

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from servicecenter.celery import app
from servicecenter.schedules import SCHEDULE, SCHEDULE_KWARGS


class Command(BaseCommand):
    help = "Load the periodic schedule of SPEC §5 into django-celery-beat (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--reset", action="store_true", help="overwrite timings edited in admin")

    @transaction.atomic
    def handle(self, reset=False, **opts):
        app.loader.import_default_modules()
        registered = set(app.tasks.keys())
        for name, (task, cron, queue, expires) in SCHEDULE.items():
            if task not in registered:
                PeriodicTask.objects.filter(name=name).update(enabled=False)
                self.stdout.write(f"  {name}: task {task} is not built yet; entry disabled")
                continue
            fields = {"minute": "*", "hour": "*", "day_of_week": "*", "day_of_month": "*", "month_of_year": "*"}
            fields.update(cron)
            schedule, _ = CrontabSchedule.objects.get_or_create(timezone=settings.TIME_ZONE, **fields)
            entry = PeriodicTask.objects.filter(name=name).first()
            defaults = {"task": task, "queue": queue, "expire_seconds": expires,
                        "kwargs": json.dumps(SCHEDULE_KWARGS.get(name, {})), "enabled": True}
            if entry is None:
                PeriodicTask.objects.create(name=name, crontab=schedule, **defaults)
                self.stdout.write(f"  {name}: created")
            else:
                for k, v in defaults.items():
                    setattr(entry, k, v)
                if reset:
                    entry.crontab = schedule
                entry.save()
                self.stdout.write(f"  {name}: up to date")
