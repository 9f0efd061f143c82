"""Celery tasks of the shared layer: thin, idempotent, stable names (a test pins them).

`customers.send_notifications` keeps the name it had when the outbox lived in customers:
queued messages, routes and beat entries refer to it."""

from celery import shared_task


@shared_task(name="customers.send_notifications", acks_late=True, ignore_result=True)
def send_notifications() -> dict:
    """Deliver every due notification (also run every minute by beat, and after each commit
    that wrote one). Running it twice, or on two workers at once, sends each row once."""
    import time

    from ops.records import record_delivery

    from .delivery import deliver_due

    started = time.perf_counter()
    result = deliver_due()
    record_delivery(result, time.perf_counter() - started)  # counters for /metrics, one JSON log line
    return {"sent": result.sent, "retried": result.retried, "failed": result.failed, "deferred": result.deferred}
