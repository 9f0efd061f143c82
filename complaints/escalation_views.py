"""`/escalations/`: the escalation inbox page (managers: all stations; handlers: their station)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from servicecenter.exceptions import DomainError
from servicecenter.roles import ADMIN, HANDLER, MANAGER, has_role

from .api.escalations import EscalationFilterSet
from .escalations import escalation_acknowledge, escalation_list, subject_refs


@login_required
def escalation_inbox(request):
    if not has_role(request.user, MANAGER, ADMIN, HANDLER):
        raise Http404
    params = request.GET.copy()
    if "acknowledged" not in params:
        params["acknowledged"] = "false"  # the inbox: what still needs someone's attention
    qs = escalation_list(user=request.user).order_by("-level", "-created_at", "-id")
    filterset = EscalationFilterSet(params, queryset=qs)
    page = Paginator(filterset.qs, 50).get_page(request.GET.get("page"))
    items = list(page.object_list)
    refs = subject_refs(items)
    rows = [(esc, *refs.get((esc.subject_type, esc.subject_id), ("", ""))) for esc in items]
    query = params.copy()
    query.pop("page", None)
    return render(request, "complaints/escalations.html", {
        "filterset": filterset, "page": page, "rows": rows, "query": query.urlencode(),
        "acknowledged": params.get("acknowledged"), "can_acknowledge": has_role(request.user, MANAGER, ADMIN),
    })


@login_required
@require_POST
def escalation_acknowledge_view(request, pk: int):
    if not has_role(request.user, MANAGER, ADMIN):
        raise Http404
    escalation = get_object_or_404(escalation_list(user=request.user), pk=pk)
    try:
        escalation_acknowledge(escalation=escalation, by=request.user, note=request.POST.get("note", ""))
        messages.success(request, _("Escalation acknowledged."))
    except DomainError as exc:
        messages.error(request, str(exc.message))
    nxt = request.POST.get("next") or "/escalations/"
    return redirect(nxt if nxt.startswith("/") and not nxt.startswith("//") else "/escalations/")
