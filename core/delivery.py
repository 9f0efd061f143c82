"""Delivery of the notification outbox: in-app, e-mail (Django's backend), SMS (core.sms).
Rows are written by core.outbox.

A row goes `pending` -> `sending` (claimed, with `claimed_at` as the start of a lease) -> `sent`,
or back to `pending` with an exponential backoff after a failure, or `failed` after
NOTIFICATION_MAX_ATTEMPTS. Claiming is a guarded write: on PostgreSQL the candidate rows are
locked with `SELECT ... FOR UPDATE SKIP LOCKED` (two workers take disjoint rows); on SQLite the
claim transaction holds the database write lock (`BEGIN IMMEDIATE`). A row whose worker died
(`sending` with an expired lease) is claimed again: nothing is lost.

Never twice: a row is delivered only by the worker that claimed it, and marked `sent` with a
guarded update right after. The one remaining edge is a worker killed between the external
send and that update: the row is re-sent after the lease (at-least-once). SMS closes it with the
gateway's idempotency key (`notification-<id>`); e-mail carries a stable Message-ID so mail
clients can fold a duplicate (docs/sla.md).

Quiet hours (settings.QUIET_HOURS, "22:00-07:30" local time): e-mail and SMS that are not
urgent wait until the end of the quiet period; in-app rows and urgent rows go at once.

More than one outbox: the staff notifications (`core.Notification`) are one; a higher app adds
its own outbox table with the same delivery columns (status, attempts, next_attempt_at,
claimed_at, last_error, sent_at, urgent, updated_at) through `core.registry.outboxes`
(`Outbox(name, model, send, quiet_exempt)`): the customers' SMS of an outage
(`outages.CustomerSms`) are delivered by this same claim, lease, retry and quiet-hours code, on
the same SMS backend.
"""

from __future__ import annotations

import logging
import time as _time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import models, transaction
from django.db.models import F, Q
from django.utils import timezone

from .choices import NotificationChannel, NotificationStatus
from .models import Notification

log = logging.getLogger("core.delivery")

BATCH = 100


def lease() -> timedelta:
    return getattr(settings, "NOTIFICATION_LEASE", timedelta(minutes=10))


def max_attempts() -> int:
    return getattr(settings, "NOTIFICATION_MAX_ATTEMPTS", 8)


def backoff(attempts: int) -> timedelta:
    """1, 2, 4, 8 … minutes after the n-th failed attempt, at most 1 hour."""
    return timedelta(minutes=min(60, 2 ** max(0, attempts - 1)))


# --- quiet hours --------------------------------------------------------------------------------

def _parse_quiet(text: str) -> tuple[time, time] | None:
    if not text:
        return None
    start, end = (time.fromisoformat(part.strip()) for part in text.split("-", 1))
    return start, end


def quiet_until(now: datetime) -> datetime | None:
    """The end of the quiet period `now` falls in (aware), or None outside quiet hours."""
    window = _parse_quiet(getattr(settings, "QUIET_HOURS", ""))
    if window is None:
        return None
    start, end = window
    local = timezone.localtime(now)
    t = local.time()
    tz = local.tzinfo
    if start <= end:
        inside = start <= t < end
        end_day = local.date()
    else:  # crosses midnight: 22:00-07:30
        inside = t >= start or t < end
        end_day = local.date() + timedelta(days=1) if t >= start else local.date()
    if not inside:
        return None
    return datetime.combine(end_day, end, tzinfo=tz)


# --- delivering --------------------------------------------------------------------------------

@dataclass
class DeliveryResult:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    deferred: int = 0
    reclaimed: int = 0

    def __bool__(self):
        return bool(self.sent or self.retried or self.failed)


@dataclass(frozen=True)
class Outbox:
    """An outbox table and how to deliver one of its rows.

    `send(row)` raises PermanentError (retrying cannot help), any other exception (retried with
    backoff), or returns (sent). `quiet_exempt`: the rows that go during quiet hours too (in-app
    and urgent ones); the others wait for the morning. `related`: select_related of a claim."""

    name: str
    model: type[models.Model]
    send: Callable[[models.Model], None]
    quiet_exempt: Q
    related: tuple[str, ...] = ()
    batch: int = BATCH


def _deliverable(now: datetime, box: Outbox | None = None) -> Q:
    box = box or NOTIFICATIONS
    due = Q(status=NotificationStatus.PENDING) & (Q(next_attempt_at__lte=now) | Q(next_attempt_at__isnull=True))
    if quiet_until(now) is not None:
        due &= box.quiet_exempt
    return due


def defer_quiet(now: datetime, box: Outbox | None = None) -> int:
    """During quiet hours, move non-urgent e-mail/SMS due now to the morning (one UPDATE), so
    the row shows when it will go and the claim query does not meet it again tonight."""
    box = box or NOTIFICATIONS
    until = quiet_until(now)
    if until is None:
        return 0
    return (box.model._default_manager
            .filter(status=NotificationStatus.PENDING, next_attempt_at__lte=now).exclude(box.quiet_exempt)
            .update(next_attempt_at=until))


def mark_in_app_sent(now: datetime) -> int:
    """In-app delivery is the row itself: one UPDATE marks every due in-app row sent."""
    return (Notification.objects
            .filter(status=NotificationStatus.PENDING, channel=NotificationChannel.IN_APP)
            .filter(Q(next_attempt_at__lte=now) | Q(next_attempt_at__isnull=True))
            .update(status=NotificationStatus.SENT, sent_at=now, attempts=F("attempts") + 1, updated_at=now))


def claim(now: datetime, *, limit: int | None = None, box: Outbox | None = None) -> list[models.Model]:
    """Claim up to `limit` due rows (and rows whose lease expired) of an outbox for this worker."""
    box = box or NOTIFICATIONS
    limit = limit or box.batch
    table = box.model._default_manager
    expired = Q(status=NotificationStatus.SENDING, claimed_at__lte=now - lease())
    with transaction.atomic():
        ids = list(table.select_for_update(skip_locked=True)
                   .filter(_deliverable(now, box) | expired)
                   .order_by("next_attempt_at", "id").values_list("id", flat=True)[:limit])
        if not ids:
            return []
        # guarded: only rows still pending (or still expired) become ours
        table.filter(Q(id__in=ids) & (Q(status=NotificationStatus.PENDING) | expired)).update(
            status=NotificationStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1, updated_at=now)
        rows = list(table.select_related(*box.related)
                    .filter(id__in=ids, status=NotificationStatus.SENDING, claimed_at=now))
    return rows


def _send(row: Notification) -> None:
    user = row.recipient
    if row.channel == NotificationChannel.EMAIL:
        if not user.email:
            raise PermanentError("recipient has no e-mail address")
        msg = EmailMessage(subject=row.subject, body=f"{row.body}\n\n{row.link}".strip(),
                           from_email=settings.DEFAULT_FROM_EMAIL, to=[user.email],
                           headers={"Message-ID": f"<notification-{row.pk}@servicecenter>"})
        msg.send(fail_silently=False)
    elif row.channel == NotificationChannel.SMS:
        from .sms import get_backend

        phone = getattr(getattr(user, "profile", None), "phone", "")
        if not phone:
            raise PermanentError("recipient has no phone number")
        get_backend().send(phone=phone, text=f"{row.subject} {row.link}".strip(),
                           idempotency_key=f"notification-{row.pk}")


class PermanentError(Exception):
    """Retrying cannot help (no address): the row fails at once."""


NOTIFICATIONS = Outbox(name="notifications", model=Notification, send=_send,
                       quiet_exempt=Q(channel=NotificationChannel.IN_APP) | Q(urgent=True),
                       related=("recipient", "recipient__profile"))


def outboxes() -> list[Outbox]:
    """The staff notifications first, then the outboxes higher apps registered."""
    from .registry import outboxes as registered

    return [NOTIFICATIONS, *registered]


def deliver_one(row, now: datetime, result: DeliveryResult, box: Outbox | None = None) -> None:
    box = box or NOTIFICATIONS
    mine = box.model._default_manager.filter(pk=row.pk, status=NotificationStatus.SENDING, claimed_at=row.claimed_at)
    try:
        box.send(row)
    except PermanentError as exc:
        mine.update(status=NotificationStatus.FAILED, last_error=str(exc)[:2000], updated_at=timezone.now())
        result.failed += 1
        return
    except Exception as exc:  # noqa: BLE001 - any backend failure is retried
        if row.attempts >= max_attempts():
            mine.update(status=NotificationStatus.FAILED, last_error=str(exc)[:2000], updated_at=timezone.now())
            result.failed += 1
            log.error("notification %s failed for good after %s attempts: %s", row.pk, row.attempts, exc)
        else:
            mine.update(status=NotificationStatus.PENDING, next_attempt_at=now + backoff(row.attempts),
                        last_error=str(exc)[:2000], updated_at=timezone.now())
            result.retried += 1
        return
    mine.update(status=NotificationStatus.SENT, sent_at=timezone.now(), last_error="", updated_at=timezone.now())
    result.sent += 1


def deliver_due(now: datetime | None = None, *, max_batches: int = 50, budget: float = 240.0) -> DeliveryResult:
    """Deliver everything due now: in-app in one UPDATE, e-mail/SMS claimed in batches. Stops
    claiming after `budget` seconds (well inside the task's time limit; the next run goes on)."""
    started = _time.monotonic()
    now_is_real = now is None
    now = now or timezone.now()
    result = DeliveryResult()
    boxes = outboxes()
    for box in boxes:
        result.deferred += defer_quiet(now, box)
    result.sent += mark_in_app_sent(now)
    for box in boxes:  # staff first; each outbox in its own batches, within the one budget
        for _ in range(max_batches):
            at = timezone.now() if now_is_real else now  # each batch's lease starts when it is claimed
            rows = claim(at, box=box)
            if not rows:
                break
            for row in rows:
                deliver_one(row, at, result, box)
            if len(rows) < box.batch or _time.monotonic() - started > budget:
                break
        if _time.monotonic() - started > budget:
            break
    if result or result.deferred:
        log.info("send_notifications sent=%s retried=%s failed=%s deferred=%s",
                 result.sent, result.retried, result.failed, result.deferred)
    return result
