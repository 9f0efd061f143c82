"""Writes for customers and consumption. Each runs in one transaction."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.db import transaction

from .choices import GradeSource
from .models import ConsumptionRecord, Customer


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
