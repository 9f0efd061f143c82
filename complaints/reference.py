"""Complaint reference data read on every intake, cached per process with the work calendar
(core.calendar.cached_reference): the active SLA policies and the complaint categories."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from core.calendar import cached_reference, invalidate_calendar


def get_policies() -> list:
    """The active SLA policies (a handful of rows)."""
    from .models import SlaPolicy

    return cached_reference("policies", lambda: list(SlaPolicy.objects.filter(active=True)))


def get_categories() -> dict:
    """Every complaint category by code (a few dozen rows; classes and items, active or not:
    the caller checks)."""
    from .models import ComplaintCategory

    return cached_reference("categories", lambda: {c.code: c for c in ComplaintCategory.objects.all()})


@receiver(post_save, sender="complaints.SlaPolicy")
@receiver(post_delete, sender="complaints.SlaPolicy")
@receiver(post_save, sender="complaints.ComplaintCategory")
@receiver(post_delete, sender="complaints.ComplaintCategory")
def _reference_changed(**kwargs):
    invalidate_calendar()
