"""Enqueue a Celery task from a request without ever failing the request (SPEC §13).

The row the task works on is committed first; the message goes after commit. When the broker
is down the publish fails fast (one connection attempt, 2 s), is logged and swallowed: the
request still answers 2xx, and the row is picked up by its periodic catch-up once the broker
is back (grading.requeue_stuck_runs for grade runs, the minute send_notifications for the
outbox). Nothing depends on the message arriving: it is only a way to start sooner.
"""

from __future__ import annotations

import logging

from django.db import transaction

log = logging.getLogger("servicecenter.enqueue")


def enqueue(task, *, kwargs: dict | None = None, queue: str | None = None) -> bool:
    """Publish `task` now; False (logged) when the broker cannot be reached."""
    try:
        with task.app.producer_or_acquire() as producer:
            producer.connection.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=2)
            task.apply_async(kwargs=kwargs or {}, queue=queue, retry=False, producer=producer)
        return True
    except Exception as exc:  # noqa: BLE001 - broker down: the periodic catch-up takes the row
        log.warning("%s not enqueued (%s: %s); its periodic catch-up will pick the row up",
                    task.name, type(exc).__name__, exc)
        return False


def enqueue_on_commit(task, *, kwargs: dict | None = None, queue: str | None = None) -> None:
    """`enqueue` once the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: enqueue(task, kwargs=kwargs, queue=queue), robust=True)
