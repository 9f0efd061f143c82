"""The Celery app. Tasks live in each app's tasks.py with stable explicit names."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "servicecenter.settings")

app = Celery("servicecenter")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# request ids into tasks, JSON logs in workers, task outcome counters (before the worker sets up logging)
import ops.celery_signals  # noqa: E402,F401
