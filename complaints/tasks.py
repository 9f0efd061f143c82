"""Celery tasks of complaints: thin, idempotent, stable names (a test pins them)."""

from celery import shared_task


@shared_task(name="complaints.enforce_sla", acks_late=True, ignore_result=True)
def enforce_sla() -> dict:
    """The SLA sweep (beat: every minute, queue `sla`). Safe late, twice, or concurrently."""
    from ops.records import record_sweep

    from .sweep import enforce_sla as sweep

    result = sweep()
    record_sweep(result)  # the heartbeat /health/ checks, counters for /metrics, one JSON log line
    return result.as_log()
