"""One FilterSet for the outage list API and the dispatcher page (/outages/)."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from customers.models import SupplyStation

from .choices import OutageKind, OutageStatus
from .lifecycle import ACTIVE_STATUSES

YES_NO_ANY = forms.Select(choices=[("", _("Any")), ("true", _("Yes")), ("false", _("No"))])


class OutageFilterSet(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(label=_("Status"), choices=OutageStatus.choices,
                                                 widget=forms.CheckboxSelectMultiple(attrs={"class": "chips"}))
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=OutageKind.choices, empty_label=_("Any"))
    station = django_filters.ModelChoiceFilter(label=_("Supply station"), field_name="station", to_field_name="code",
                                               queryset=SupplyStation.objects.all(), empty_label=_("Any"))
    line = django_filters.CharFilter(label=_("Line code"), method="filter_line")
    area = django_filters.CharFilter(label=_("Transformer area code"), method="filter_area")
    active = django_filters.BooleanFilter(label=_("Announced or power off"), method="filter_active",
                                          widget=YES_NO_ANY)

    def filter_line(self, qs, name, value):
        value = (value or "").strip()
        # through the scope's table: an outage once, however many of its rows match
        return qs.filter(pk__in=qs.model.lines.through.objects.filter(line__code=value).values("outage_id")) \
            if value else qs

    def filter_area(self, qs, name, value):
        value = (value or "").strip()
        return qs.filter(pk__in=qs.model.areas.through.objects.filter(area__code=value).values("outage_id")) \
            if value else qs

    def filter_active(self, qs, name, value):
        if value is None:
            return qs
        return qs.filter(status__in=ACTIVE_STATUSES) if value else qs.exclude(status__in=ACTIVE_STATUSES)
