"""Celery tasks of work orders: thin, idempotent, stable names (a test pins them)."""

from celery import shared_task

IDEMPOTENCY_KEY_DAYS = 7


@shared_task(name="workorders.purge_idempotency_keys", acks_late=True, ignore_result=True)
def purge_idempotency_keys(days: int = IDEMPOTENCY_KEY_DAYS) -> int:
    """Forget stored first answers older than `days` (a tablet retries within minutes or hours,
    not weeks). One DELETE; running it twice deletes nothing more."""
    from datetime import timedelta

    from django.utils import timezone

    from .models import IdempotencyKey

    deleted, _ = IdempotencyKey.objects.filter(created_at__lt=timezone.now() - timedelta(days=days)).delete()
    return deleted
