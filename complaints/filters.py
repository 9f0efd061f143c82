"""ComplaintFilterSet: one set of filters for the API list and the /complaints/ page."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from customers.choices import Grade
from customers.models import SupplyStation

from .choices import ComplaintChannel, ComplaintStatus
from .models import Complaint, ComplaintCategory


def breached_q(now) -> Q:
    """Breached: a flag set (by the sweep or at fulfilment), or an open deadline already past."""
    return (Q(ack_breached=True) | Q(resolve_breached=True) | Q(callback_breached=True)
            | Q(status="received", ack_due_at__lt=now)
            | Q(status__in=["received", "acknowledged"], resolve_due_at__lt=now)
            | Q(status="resolved", callback_due_at__lt=now))


def at_risk_q(now) -> Q:
    """At risk: not breached, and an open deadline is in its warning zone (paused clocks stand)."""
    return (~breached_q(now)
            & (Q(status="received", ack_warn_at__lte=now)
               | Q(status__in=["received", "acknowledged"], resolve_warn_at__lte=now)
               | Q(status="resolved", callback_warn_at__lte=now)))


class ComplaintFilterSet(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=ComplaintStatus.choices, label=_("Status"))
    station = django_filters.ModelChoiceFilter(field_name="station", to_field_name="code",
                                               queryset=SupplyStation.objects.all(), label=_("Station"))
    category = django_filters.CharFilter(method="filter_category", label=_("Category"))
    grade = django_filters.ChoiceFilter(field_name="grade_at_intake", choices=Grade.choices, label=_("Grade"))
    channel = django_filters.ChoiceFilter(choices=ComplaintChannel.choices, label=_("Channel"))
    breached = django_filters.BooleanFilter(method="filter_breached", label=_("Breached"))
    at_risk = django_filters.BooleanFilter(method="filter_at_risk", label=_("At risk"))
    received_after = django_filters.IsoDateTimeFilter(field_name="received_at", lookup_expr="gte",
                                                      label=_("Received after"))
    received_before = django_filters.IsoDateTimeFilter(field_name="received_at", lookup_expr="lt",
                                                       label=_("Received before"))
    q = django_filters.CharFilter(method="filter_q", label=_("Search"))

    class Meta:
        model = Complaint
        fields = ["status", "station", "category", "grade", "channel", "breached", "at_risk",
                  "received_after", "received_before", "q"]

    def filter_category(self, qs, name, value):
        """A category code: an item, or a class (all its items)."""
        if not value:
            return qs
        cat = ComplaintCategory.objects.filter(code=value).values_list("pk", "parent_id").first()
        if cat is None:
            return qs.none()
        pk, parent_id = cat
        return qs.filter(category_id=pk) if parent_id else qs.filter(category__parent_id=pk)

    def filter_breached(self, qs, name, value):
        if value is None:
            return qs
        cond = breached_q(timezone.now())
        return qs.filter(cond) if value else qs.exclude(cond)

    def filter_at_risk(self, qs, name, value):
        if value is None:
            return qs
        cond = at_risk_q(timezone.now())
        return qs.filter(cond) if value else qs.exclude(cond)

    def filter_q(self, qs, name, value):
        value = (value or "").strip()
        if not value:
            return qs
        return qs.filter(Q(number__icontains=value) | Q(complainant_name__icontains=value)
                         | Q(complainant_phone__contains=value) | Q(customer__account_no__contains=value)
                         | Q(customer__name__icontains=value) | Q(description__icontains=value))
