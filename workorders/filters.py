"""One FilterSet for the work-order list API and the dispatcher page (/work-orders/)."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from customers.choices import AreaType

from .choices import OPEN_STATUSES, WorkOrderKind, WorkOrderStatus
from .selectors import overdue_condition


class WorkOrderFilterSet(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(label=_("Status"), choices=WorkOrderStatus.choices)
    open = django_filters.BooleanFilter(label=_("Open"), method="filter_open")
    crew = django_filters.CharFilter(label=_("Crew"), field_name="crew__name")
    station = django_filters.CharFilter(label=_("Station"), field_name="station__code")
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=WorkOrderKind.choices)
    area_type = django_filters.ChoiceFilter(label=_("Area"), choices=AreaType.choices)
    overdue = django_filters.BooleanFilter(label=_("Overdue"), method="filter_overdue")
    complaint = django_filters.CharFilter(label=_("Complaint number"), field_name="complaint__number")
    customer = django_filters.NumberFilter(label=_("Customer"), field_name="customer_id")
    q = django_filters.CharFilter(label=_("Search"), method="filter_q")

    def filter_open(self, qs, name, value):
        if value is None:
            return qs
        return qs.filter(status__in=OPEN_STATUSES) if value else qs.exclude(status__in=OPEN_STATUSES)

    def filter_overdue(self, qs, name, value):
        if value is None:
            return qs
        return qs.filter(overdue_condition()) if value else qs.exclude(overdue_condition())

    def filter_q(self, qs, name, value):
        from django.db.models import Q

        value = (value or "").strip()
        if not value:
            return qs
        return qs.filter(Q(number__icontains=value) | Q(address__icontains=value) | Q(contact_name__icontains=value)
                         | Q(customer__account_no=value))
