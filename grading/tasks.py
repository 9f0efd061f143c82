"""Celery tasks of grading: thin, idempotent, stable names (beat entries refer to them)."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from . import rules, services
from .models import GradeRun


@shared_task(name="grading.reevaluate_grades", acks_late=True)
def reevaluate_grades(period: str | None = None, dry_run: bool = False, force: bool = False,
                      run_id: int | None = None) -> int | None:
    """Re-grade every customer for `period` ("YYYY-MM"; default: the previous month), or execute
    the pending run `run_id` (created by the API). Safe to run twice: returns the run's id."""
    if run_id is not None:
        run = GradeRun.objects.filter(pk=run_id).first()
        if run is None:
            return None
        return services.grade_run_execute(run=run).pk
    day = rules.parse_period(period) if period else rules.previous_month(timezone.localdate())
    run, _executed = services.reevaluate_grades(period=day, dry_run=dry_run, force=force)
    return run.pk


@shared_task(name="grading.remind_visits", acks_late=True)
def remind_visits() -> int:
    """Daily: tell account managers of visits overdue or due within 7 days (one message a day)."""
    return services.remind_visits()


@shared_task(name="grading.requeue_stuck_runs", acks_late=True, ignore_result=True)
def requeue_stuck_runs() -> list[int]:
    """Every minute: a pending run whose message was lost (broker down) or a running run whose
    worker died is sent to a worker again. Never leaves a run pending for ever."""
    return services.requeue_stuck_runs()
