"""Writes for customers, consumption and notifications. Each runs in one transaction."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone, translation

from .choices import GradeSource, NotificationChannel
from .models import ConsumptionRecord, Customer, Notification


@transaction.atomic
def customer_save(*, customer: Customer, by=None) -> Customer:
    """Validate and save a customer (new or changed). A grade set by a person is `manual`."""
    customer.full_clean()
    customer.save()
    return customer


def customer_set_manual_grade(*, customer: Customer, grade: str, locked_until: date | None) -> Customer:
    customer.grade = grade
    customer.grade_source = GradeSource.MANUAL
    customer.grade_locked_until = locked_until
    return customer_save(customer=customer)


@transaction.atomic
def consumption_upsert(*, customer: Customer, rows: Iterable[dict]) -> int:
    """Insert or update monthly rows {period, kwh, amount_yuan}; returns how many changed."""
    rows = list(rows)
    existing = {r.period: r for r in ConsumptionRecord.objects.filter(
        customer=customer, period__in=[r["period"] for r in rows])}
    changed = 0
    for row in rows:
        period = row["period"].replace(day=1)
        kwh, amount = Decimal(row["kwh"]), Decimal(row["amount_yuan"])
        rec = existing.get(period)
        if rec is None:
            ConsumptionRecord.objects.create(customer=customer, period=period, kwh=kwh, amount_yuan=amount)
            changed += 1
        elif rec.kwh != kwh or rec.amount_yuan != amount:
            rec.kwh, rec.amount_yuan = kwh, amount
            rec.save(update_fields=["kwh", "amount_yuan", "updated_at"])
            changed += 1
    return changed


def site_language():
    """Texts written for other staff (notification subjects) are in the site's language
    (settings.LANGUAGE_CODE), not in the language of whoever's request wrote them:
    `with site_language(): notify(..., subject=_("...") % {...})`."""
    return translation.override(settings.LANGUAGE_CODE)


def notify(*, recipients: Iterable, kind: str, dedupe_key: str, subject: str, body: str = "",
           link: str = "", urgent: bool = False,
           channels: Iterable[str] = (NotificationChannel.IN_APP,)) -> int:
    """Write notification rows (the outbox) for each recipient and channel, at most once each.

    Call inside the transaction of the change being reported. Delivery happens after commit
    (`customers.send_notifications`); a duplicate (same recipient, channel, key) is ignored by
    the unique constraint, so a retried caller never notifies twice. Returns rows written.
    """
    now = timezone.now()
    rows = [
        Notification(recipient_id=getattr(user, "pk", user), channel=channel, kind=kind, dedupe_key=dedupe_key,
                     subject=subject[:200], body=body, link=link, urgent=urgent, next_attempt_at=now)
        for user in {getattr(u, "pk", u) for u in recipients if u is not None}
        for channel in channels
    ]
    if not rows:
        return 0
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    from .delivery import enqueue_delivery

    enqueue_delivery()  # after commit; a broker that is down is logged, the minute run delivers
    return len(rows)


def next_number(*, prefix: str, day) -> str:
    """The next `<prefix><YYYYMMDD><4 digits>` number for `day` (local date).

    One statement, `INSERT ... ON CONFLICT (prefix, day) DO UPDATE SET last = last + 1
    RETURNING last` (PostgreSQL; SQLite >= 3.35), so concurrent callers never get the same number.
    The row stays locked until the surrounding transaction ends: called outside a transaction
    (autocommit) that is the statement itself, so callers that can draw the number before
    opening their transaction (intake) do not serialize on the day's row; a caller that rolls
    back after drawing leaves a gap in the day's numbers (numbers are unique, not gapless).
    """
    from .models import DailySequence

    qn = connection.ops.quote_name
    table = qn(DailySequence._meta.db_table)
    prefix_col, day_col, last_col = (qn(DailySequence._meta.get_field(f).column) for f in ("prefix", "day", "last"))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({prefix_col}, {day_col}, {last_col}) VALUES (%s, %s, 1) "
            f"ON CONFLICT ({prefix_col}, {day_col}) DO UPDATE SET {last_col} = {table}.{last_col} + 1 "
            f"RETURNING {last_col}",
            [prefix, connection.ops.adapt_datefield_value(day)])
        last = cursor.fetchone()[0]
    return f"{prefix}{day:%Y%m%d}{last:04d}"
