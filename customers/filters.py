import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .choices import Grade
from .models import Customer


class CustomerFilterSet(django_filters.FilterSet):
    """Used by the API and by the /customers/ search page alike."""

    grade = django_filters.MultipleChoiceFilter(choices=Grade.choices)
    station = django_filters.CharFilter(field_name="station__code", label=_("station code"))
    account_manager = django_filters.CharFilter(field_name="account_manager__username",
                                                label=_("account manager (username)"))
    q = django_filters.CharFilter(method="search", label=_("account number, name or phone"))

    class Meta:
        model = Customer
        fields = ["grade", "station", "account_manager", "q", "kind"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        if value.isdigit():
            # digits: an account number or a phone number (prefix match uses the btree indexes)
            return queryset.filter(Q(account_no__startswith=value) | Q(phone__startswith=value))
        return queryset.filter(Q(name__icontains=value) | Q(contact_name__icontains=value)
                               | Q(address__icontains=value))


