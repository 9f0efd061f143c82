"""Every Celery route names a task that exists (a route for a renamed task routes nothing)."""

from fnmatch import fnmatch

from django.conf import settings


def test_every_task_route_names_a_registered_task():
    from servicecenter.celery import app

    app.loader.import_default_modules()  # every app's tasks.py, as a worker does
    ours = {name for name in app.tasks if not name.startswith("celery.")}
    unmatched = [route for route in settings.CELERY_TASK_ROUTES if not any(fnmatch(t, route) for t in ours)]
    assert not unmatched, f"routes naming no task: {unmatched} (tasks: {sorted(ours)})"
