"""Figures of work waiting for the broker, for `/health/` and `/metrics` (SPEC §13).

While the broker is down nothing is delivered: e-mail, SMS and in-app rows (urgent ones too)
wait in the outbox as `pending`, and grade runs wait as `pending`; nothing is lost, and all of it
goes when the broker is back (the minute `send_notifications`, `grading.requeue_stuck_runs`).
During a long outage `manage.py send_notifications` (cron, every minute) delivers without the
broker; it is safe beside the workers (rows are claimed with SKIP LOCKED).
"""

from __future__ import annotations

from django.db.models import Count, Min, Q
from django.utils import timezone


def outbox_backlog(now=None) -> dict:
    """Undelivered notifications (one query): {"pending": n, "urgent_pending": n,
    "oldest_pending_seconds": s | None, "oldest_urgent_pending_seconds": s | None}. A row counts
    from when it was written; rows waiting for the end of quiet hours or for a retry are left
    out (they are not late)."""
    from customers.choices import NotificationStatus
    from customers.models import Notification

    now = now or timezone.now()
    due = Q(status__in=[NotificationStatus.PENDING, NotificationStatus.SENDING]) & (
        Q(next_attempt_at__lte=now) | Q(next_attempt_at__isnull=True))
    row = Notification.objects.filter(due).aggregate(
        pending=Count("id"), urgent_pending=Count("id", filter=Q(urgent=True)),
        oldest=Min("created_at"), oldest_urgent=Min("created_at", filter=Q(urgent=True)))

    def age(moment):
        return None if moment is None else max(0.0, round((now - moment).total_seconds(), 1))

    return {"pending": row["pending"], "urgent_pending": row["urgent_pending"],
            "oldest_pending_seconds": age(row["oldest"]), "oldest_urgent_pending_seconds": age(row["oldest_urgent"])}


def oldest_undelivered_seconds(now=None) -> float | None:
    """The age of the oldest notification that is due and not yet delivered (None: none)."""
    return outbox_backlog(now)["oldest_pending_seconds"]


def stuck_grade_runs(now=None) -> int:
    """Grade runs nobody is working on right now (see grading.services.stuck_runs)."""
    from grading.services import stuck_runs

    return stuck_runs(now=now).count()
