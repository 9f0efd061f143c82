"""One FilterSet for the work-order list API and the dispatcher page (/work-orders/)."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from customers.choices import AreaType
from customers.models import SupplyStation

from .choices import WorkOrderKind, WorkOrderStatus
from .lifecycle import OPEN_STATUSES
from .selectors import crew_list, overdue_condition

YES_NO_ANY = forms.Select(choices=[("", _("Any")), ("true", _("Yes")), ("false", _("No"))])


class WorkOrderFilterSet(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(label=_("Status"), choices=WorkOrderStatus.choices,
                                                 widget=forms.CheckboxSelectMultiple(attrs={"class": "chips"}))
    open = django_filters.BooleanFilter(label=_("Not finished"), method="filter_open", widget=YES_NO_ANY)
    overdue = django_filters.BooleanFilter(label=_("Past the deadline"), method="filter_overdue", widget=YES_NO_ANY)
    kind = django_filters.ChoiceFilter(label=_("Type of work"), choices=WorkOrderKind.choices,
                                       empty_label=_("Any"))
    station = django_filters.ModelChoiceFilter(label=_("Supply station"), field_name="station", to_field_name="code",
                                               queryset=SupplyStation.objects.all(), empty_label=_("Any"))
    crew = django_filters.ModelChoiceFilter(label=_("Crew"), field_name="crew", to_field_name="name",
                                            queryset=lambda request: crew_list(user=request.user),
                                            empty_label=_("Any"))
    area_type = django_filters.ChoiceFilter(label=_("Area"), choices=AreaType.choices, empty_label=_("Any"))
    complaint = django_filters.CharFilter(label=_("Complaint number"), field_name="complaint__number")
    customer = django_filters.NumberFilter(label=_("Customer"), field_name="customer_id")
    q = django_filters.CharFilter(label=_("Number, address or contact"), method="filter_q")

    def filter_open(self, qs, name, value):
        if value is None:
            return qs
        return qs.filter(status__in=OPEN_STATUSES) if value else qs.exclude(status__in=OPEN_STATUSES)

    def filter_overdue(self, qs, name, value):
        if value is None:
            return qs
        return qs.filter(overdue_condition()) if value else qs.exclude(overdue_condition())

    def filter_q(self, qs, name, value):
        value = (value or "").strip()
        if not value:
            return qs
        return qs.filter(Q(number__icontains=value) | Q(address__icontains=value) | Q(contact_name__icontains=value)
                         | Q(customer__account_no=value))
