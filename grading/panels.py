"""Panels grading adds to the customer card (/customers/<account_no>/), registered in apps.py.

Each returns (template, context) or None. The card has already checked that the user may see
the customer.
"""

from __future__ import annotations

from django.utils import timezone

from . import rules, selectors, svg
from .forms import VisitForm


def grade_history_panel(request, customer):
    return "grading/panel_grade_history.html", {"grade_changes": selectors.grade_history(customer=customer)}


def visits_panel(request, customer):
    today = timezone.localdate()
    visits = list(selectors.visit_list(customer=customer)[:20])
    from .services import last_visits

    last_by_kind = last_visits([customer.pk]).get(customer.pk, {})
    schedule = rules.visits_due(grade=customer.grade, last_by_kind=last_by_kind,
                                since=timezone.localdate(customer.created_at))
    return "grading/panel_visits.html", {
        "customer": customer,
        "visits": visits,
        "schedule": [(due, due.state(today)) for due in schedule],
        "can_record": selectors.can_record_visit(request.user, customer),
        "visit_form": VisitForm(),
    }


def consumption_panel(request, customer):
    today = timezone.localdate()
    series = selectors.consumption_series([customer.pk], end=rules.previous_month(today))[customer.pk]
    total = sum((amount for _m, amount in series if amount is not None), start=0)
    return "grading/panel_consumption.html", {
        "consumption_chart": svg.bars(series, unit="元"),
        "consumption_total": total,
        "consumption_series": series,
    }
