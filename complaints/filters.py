"""ComplaintFilterSet: one set of filters for the API list and the /complaints/ page."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from customers.choices import Grade
from customers.models import SupplyStation
from servicecenter.inputs import IsoDateTimeFilter

from .choices import ComplaintChannel, ComplaintStatus
from .lifecycle import COMPLAINT
from .models import Complaint, ComplaintCategory


def breached_q(now) -> Q:
    """Breached: a flag set (by the sweep or at fulfilment), or a running deadline already past."""
    return COMPLAINT.breached_q(now)


def at_risk_q(now) -> Q:
    """At risk: not breached, and a running deadline is in its warning zone (paused clocks stand)."""
    return COMPLAINT.at_risk_q(now)


def category_choices():
    """Classes (all their items) and items, by code, for the page's select."""
    from .selectors import category_tree

    out = []
    for cls, items in category_tree():
        # the names in the page's language (name_en in English), evaluated per request
        out.append((cls.code, _("%(category_class)s (all items)") % {"category_class": cls.label}))
        out.extend((item.code, f"　{item.label}") for item in items)
    return out


class YesNo(forms.Select):
    def __init__(self, attrs=None):
        super().__init__(attrs, choices=[("", "—"), ("true", _("Yes")), ("false", _("No"))])

    def value_from_datadict(self, data, files, name):
        return data.get(name)


class ComplaintFilterSet(django_filters.FilterSet):
    status = django_filters.CharFilter(method="filter_status", label=_("Status"), widget=forms.Select(
        choices=[("", "—"), ("open", _("Open (not closed)")), *ComplaintStatus.choices]))
    station = django_filters.ModelChoiceFilter(field_name="station", to_field_name="code",
                                               queryset=SupplyStation.objects.all(), label=_("Station"))
    category = django_filters.ChoiceFilter(choices=category_choices, method="filter_category", label=_("Category"))
    grade = django_filters.ChoiceFilter(field_name="grade_at_intake", choices=Grade.choices, label=_("Grade"))
    channel = django_filters.ChoiceFilter(choices=ComplaintChannel.choices, label=_("Channel"))
    breached = django_filters.BooleanFilter(method="filter_breached", label=_("Breached"), widget=YesNo)
    at_risk = django_filters.BooleanFilter(method="filter_at_risk", label=_("At risk"), widget=YesNo)
    # ISO 8601 times for the API; a plain date from the page's date picker (local midnight)
    received_after = IsoDateTimeFilter(
        field_name="received_at", lookup_expr="gte", label=_("Received from"),
        input_formats=[django_filters.fields.IsoDateTimeField.ISO_8601, "%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}))
    received_before = IsoDateTimeFilter(
        field_name="received_at", lookup_expr="lt", label=_("Received before"),
        input_formats=[django_filters.fields.IsoDateTimeField.ISO_8601, "%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}))
    q = django_filters.CharFilter(method="filter_q", label=_("Search"))

    class Meta:
        model = Complaint
        fields = ["status", "station", "category", "grade", "channel", "breached", "at_risk",
                  "received_after", "received_before", "q"]

    def filter_status(self, qs, name, value):
        """A status, or `open` (every status but closed); the API also takes a comma-separated list."""
        if not value:
            return qs
        if value == "open":
            return qs.exclude(status=ComplaintStatus.CLOSED)
        return qs.filter(status__in=value.split(","))

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
