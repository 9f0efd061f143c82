"""Writing the notification outbox: the one way any app tells staff something.

`notify_many(messages)` writes every row of many messages in ONE insert (duplicates by the
unique key `recipient, channel, dedupe_key` are ignored, so a retried caller never notifies
twice) and asks for delivery once the transaction commits. `notify(...)` is one message to a
set of recipients, written by `notify_many`. Call either inside the transaction of the change
being reported; core.delivery delivers after commit (or the minute task does if the broker is
down). Subjects are written in the site's language: wrap the call in `core.i18n.site_language()`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db import connection, transaction
from django.utils import timezone

from .choices import NotificationChannel
from .models import Notification

IN_APP = (NotificationChannel.IN_APP,)


def notify_many(messages: Iterable[dict], *, now: datetime | None = None) -> int:
    """Write the outbox rows of many messages in ONE insert and enqueue delivery after commit.

    Each message: `recipient_id`, `kind`, `dedupe_key`, `subject`, and optionally `body`, `link`,
    `urgent` (ignores quiet hours), `channels` (default in-app). Returns the rows offered (a
    duplicate of an existing row is ignored by the unique constraint)."""
    now = now or timezone.now()
    rows = [
        Notification(recipient_id=m["recipient_id"], channel=channel, kind=m["kind"], dedupe_key=m["dedupe_key"],
                     subject=m["subject"][:200], body=m.get("body", ""), link=m.get("link", ""),
                     urgent=m.get("urgent", False), next_attempt_at=now)
        for m in messages
        for channel in m.get("channels", IN_APP)
    ]
    if not rows:
        return 0
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    enqueue_delivery()  # after commit; a broker that is down is logged, the minute run delivers
    return len(rows)


def notify(*, recipients: Iterable, kind: str, dedupe_key: str, subject: str, body: str = "",
           link: str = "", urgent: bool = False, channels: Iterable[str] = IN_APP) -> int:
    """One message to each of `recipients` (users or ids; None and repeats are dropped), on each
    of `channels`, at most once per recipient and channel. Returns rows written."""
    channels = tuple(channels)
    return notify_many(
        {"recipient_id": user_id, "kind": kind, "dedupe_key": dedupe_key, "subject": subject, "body": body,
         "link": link, "urgent": urgent, "channels": channels}
        for user_id in {getattr(u, "pk", u) for u in recipients if u is not None})


def _enqueue_now() -> None:
    from servicecenter.enqueue import enqueue

    from .tasks import send_notifications

    # one short attempt on the pooled producer (servicecenter.enqueue); broker down: logged, and
    # the minute run of send_notifications delivers the rows once a worker runs
    enqueue(send_notifications, queue="notifications")


def enqueue_delivery() -> None:
    """Ask a worker to deliver, once the current transaction commits (once per transaction).
    A failure to reach the broker is logged and swallowed: the request still succeeds."""
    if connection.in_atomic_block and any(func is _enqueue_now for _sids, func, _robust in connection.run_on_commit):
        return
    transaction.on_commit(_enqueue_now, robust=True)
