"""Customer pages: the search list, the search-as-you-type JSON and the customer card."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_GET

from core.registry import render_customer_panels

from . import selectors
from .filters import CustomerFilterSet

PAGE_SIZE = 25
SUGGEST_LIMIT = 20


@login_required
@require_GET
def customer_list(request):
    """`/customers/`: search by account number, name or phone within the user's scope."""
    filterset = CustomerFilterSet(request.GET or None, queryset=selectors.customer_list(user=request.user),
                                  request=request)
    qs = filterset.qs.order_by("account_no") if filterset.is_bound else filterset.queryset.order_by("account_no")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "customers/customer_list.html", {
        "filterset": filterset, "page": page, "q": request.GET.get("q", ""), "query": query.urlencode()})


@login_required
@require_GET
def customer_search_json(request):
    """`/customers/search.json?q=`: at most 20 customers in scope, for search-as-you-type."""
    q = request.GET.get("q", "").strip()
    results = []
    if q:
        filterset = CustomerFilterSet({"q": q}, queryset=selectors.customer_list(user=request.user))
        for c in filterset.qs.order_by("account_no")[:SUGGEST_LIMIT]:
            results.append({
                "id": c.pk, "account_no": c.account_no, "name": c.name, "complainant": c.default_complainant,
                "phone": c.phone, "address": c.address,
                "grade": c.grade, "grade_label": str(c.get_grade_display()), "station": c.station.code,
                "station_name": c.station.name,
                "url": reverse("customers:detail", args=[c.account_no]),
            })
    return JsonResponse({"q": q, "results": results})


@login_required
@require_GET
def customer_detail(request, account_no):
    """`/customers/<account_no>/`: the customer card. Out of scope answers 404."""
    customer = selectors.customer_list(user=request.user).filter(account_no=account_no).first()
    if customer is None:
        raise Http404("No such customer")
    consumption = list(customer.consumption.order_by("-period")[:12])
    totals = {"kwh": sum(r.kwh for r in consumption), "amount_yuan": sum(r.amount_yuan for r in consumption)}
    return render(request, "customers/customer_detail.html", {
        "customer": customer, "consumption": consumption, "totals": totals,
        # each panel a higher app registered (complaints, work orders, grading), rendered in order
        "panels": [render_to_string(template, context, request=request)
                   for template, context in render_customer_panels(request, customer)]})
