"""Celery tasks of customers: thin, idempotent, stable names (a test pins them)."""

from celery import shared_task


@shared_task(name="customers.send_notifications", acks_late=True, ignore_result=True)
def send_notifications() -> dict:
    """Deliver every due notification (also run every minute by beat, and after each commit
    that wrote one). Running it twice, or on two workers at once, sends each row once."""
    from .delivery import deliver_due

    result = deliver_due()
    return {"sent": result.sent, "retried": result.retried, "failed": result.failed, "deferred": result.deferred}
