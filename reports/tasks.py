"""Celery tasks of the reports app (beat: SPEC §5, entries in servicecenter/schedules.py)."""

from __future__ import annotations

from datetime import date

from celery import shared_task

from .services import report_build


@shared_task(name="reports.build_reports", acks_late=True)
def build_reports(kind: str = "daily", date_iso: str | None = None) -> int:
    """Build (or rebuild) the report of `kind` for the period containing `date_iso` (default:
    yesterday). Idempotent: the snapshot of a period is replaced, never duplicated."""
    day = date.fromisoformat(date_iso) if date_iso else None
    return report_build(kind=kind, day=day).pk


@shared_task(name="reports.refresh_stats", acks_late=True)
def refresh_stats(full: bool = False) -> dict | None:
    """Refresh the pre-aggregated summary rows (every minute; `full` nightly). Idempotent; a run
    that finds another one in progress does nothing."""
    from .stats import refresh_stats as run

    return run(full=full, wait=False)


@shared_task(name="reports.build_missing_reports", acks_late=True, ignore_result=True)
def build_missing_reports() -> list[int]:
    """Every 10 minutes: the last ended period of each kind has its report, even when beat's
    scheduled build was lost (broker down). Idempotent."""
    from .services import report_build_missing

    return [snapshot.pk for snapshot in report_build_missing()]
