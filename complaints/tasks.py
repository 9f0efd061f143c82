"""Celery tasks of complaints: thin, idempotent, stable names (a test pins them)."""

from celery import shared_task


@shared_task(name="complaints.enforce_sla", acks_late=True, ignore_result=True)
def enforce_sla() -> dict:
    """The SLA sweep (beat: every minute, queue `sla`). Safe late, twice, or concurrently."""
    from .sweep import enforce_sla as sweep

    result = sweep()
    return result.as_log()
