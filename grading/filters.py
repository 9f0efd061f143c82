import django_filters
from django.utils.translation import gettext_lazy as _

from .choices import GradeChangeDirection, GradeRunStatus, VisitKind
from .models import GradeChange, GradeRun, Visit


class GradeRunFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=GradeRunStatus.choices)
    period = django_filters.DateFilter()

    class Meta:
        model = GradeRun
        fields = ["status", "dry_run", "period"]


class GradeChangeFilterSet(django_filters.FilterSet):
    run = django_filters.NumberFilter(field_name="run_id", label=_("run id"))
    customer = django_filters.NumberFilter(field_name="customer_id", label=_("customer id"))
    direction = django_filters.ChoiceFilter(choices=GradeChangeDirection.choices)
    applied = django_filters.BooleanFilter()
    held_reason = django_filters.CharFilter()
    period = django_filters.DateFilter(field_name="run__period")

    class Meta:
        model = GradeChange
        fields = ["run", "customer", "direction", "applied", "held_reason", "period"]


class VisitFilterSet(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=VisitKind.choices)
    date_after = django_filters.DateFilter(field_name="date", lookup_expr="gte")
    date_before = django_filters.DateFilter(field_name="date", lookup_expr="lte")

    class Meta:
        model = Visit
        fields = ["kind", "date_after", "date_before"]
