"""TicketFilterSet: the complaint filters (complaints/filters.py) over every kind, plus `kind` and
`subtype` (a service request's type, SPEC §7)."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from complaints.choices import OrderKind, ServiceType
from complaints.filters import ComplaintFilterSet
from complaints.selectors import informant_searchable_q

from .models import Ticket


class TicketFilterSet(ComplaintFilterSet):
    kind = django_filters.ChoiceFilter(choices=OrderKind.choices, label=_("Kind"))
    subtype = django_filters.ChoiceFilter(field_name="service_type", choices=ServiceType.choices,
                                          label=_("Service request type"))

    class Meta(ComplaintFilterSet.Meta):
        model = Ticket
        fields = [*ComplaintFilterSet.Meta.fields, "kind", "subtype"]

    def filter_q(self, qs, name, value):
        """As the complaints' search, except that a report's informant (name, phone, customer) is
        searched by managers only (complaints.selectors.informant_searchable_q)."""
        value = (value or "").strip()
        if not value:
            return qs
        user = getattr(self.request, "user", None)
        informant = (Q(complainant_name__icontains=value) | Q(complainant_phone__contains=value)
                     | Q(customer__account_no__contains=value) | Q(customer__name__icontains=value))
        return qs.filter(Q(number__icontains=value) | Q(description__icontains=value)
                         | (informant & informant_searchable_q(user)))
