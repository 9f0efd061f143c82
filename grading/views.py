from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from customers.selectors import customer_list
from servicecenter.exceptions import ValidationFailed
from servicecenter.inputs import safe_next
from servicecenter.roles import ACCOUNT_MANAGER, has_role

from . import selectors, services, svg
from .forms import MyCustomersFilterForm, VisitForm


@login_required
def my_customers(request):
    """/my-customers/: the account manager's customers, A then B then C."""
    if not has_role(request.user, ACCOUNT_MANAGER):
        raise PermissionDenied
    form = MyCustomersFilterForm(request.GET or None)
    grade, attention = "", False
    if form.is_valid():
        grade, attention = form.cleaned_data["grade"], form.cleaned_data["attention"]
    rows = selectors.my_customers(user=request.user, grade=grade or None, attention=attention)
    for row in rows:
        row.sparkline = svg.sparkline([v for _m, v in row.series], label=_("12-month consumption"))
    page = Paginator(rows, 100).get_page(request.GET.get("page"))
    counts = {"A": 0, "B": 0, "C": 0}
    for row in rows:
        counts[row.customer.grade] += 1
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "grading/my_customers.html", {
        "form": form, "page": page, "rows": page.object_list, "counts": counts, "total": len(rows),
        "query": query.urlencode(),
    })


@login_required
@require_POST
def visit_create(request, account_no):
    """Record a visit (the visit panel's form on the customer card posts here)."""
    customer = get_object_or_404(customer_list(user=request.user), account_no=account_no)
    if not selectors.can_record_visit(request.user, customer):
        raise PermissionDenied
    back = safe_next(request, f"/customers/{customer.account_no}/")
    form = VisitForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for error in errors:
                messages.error(request, f"{label}: {error}" if label else error)
        return redirect(back)
    try:
        services.visit_record(customer=customer, by=request.user, kind=form.cleaned_data["kind"],
                              day=form.cleaned_data["date"], notes=form.cleaned_data["notes"])
    except ValidationFailed as exc:
        messages.error(request, exc.message)
        return redirect(back)
    messages.success(request, _("Visit recorded."))
    return redirect(back + "#visits")
