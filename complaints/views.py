"""Pages: the complaint receipt, the complaint list and detail, the reply letter (the counter
intake of every kind is the tickets app's: tickets/views.py)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.calendar import get_calendar
from servicecenter.exceptions import DomainError
from servicecenter.roles import HANDLER, MANAGER, has_role

from . import selectors, services
from .choices import ComplaintStatus, ExtensionStatus
from .display import escalation_reason, event_label, event_note, satisfaction_label
from .filters import ComplaintFilterSet
from .forms import ACTION_FORMS, AssignForm, ResolveForm
from .kinds import kind_of
from .lifecycle import OPEN_STATUSES
from .sla import deadline_provisional, sla_state

SERVICES = {
    "acknowledge": services.complaint_acknowledge,
    "pause": services.complaint_pause,
    "resume": services.complaint_resume,
    "urge": services.complaint_urge,
    "request-extension": services.complaint_request_extension,
    "approve-extension": services.complaint_approve_extension,
    "resolve": services.complaint_resolve,
    "callback": services.complaint_callback,
    "reopen": services.complaint_reopen,
    "assign": services.complaint_assign,
    "close": services.complaint_close,
    "take": services.complaint_take,
    "review": services.complaint_review,
    "return": services.order_return,
    "send": services.order_send,
    "terminate": services.order_terminate,
    "answer": services.order_answer,
}


@login_required
def receipt(request, number):
    """The printable receipt (A4 or 80 mm): ticket number, deadlines, service-center contacts."""
    complaint = selectors.complaint_get(user=request.user, number=number)
    paper = request.GET.get("paper", "")
    cal = get_calendar()
    return render(request, "complaints/receipt.html", {
        "c": complaint, "paper": paper if paper in ("a4", "80mm") else "",
        "provisional": any(deadline_provisional(complaint, k, cal) for k in ("ack", "resolve"))})


@login_required
def complaint_list(request):
    """`/complaints/`: the user's complaints, filtered with the API's FilterSet, SLA-state colours."""
    qs = selectors.complaint_list(user=request.user)
    filterset = ComplaintFilterSet(request.GET or None, queryset=qs)
    page = Paginator(filterset.qs, 50).get_page(request.GET.get("page"))
    now = timezone.now()
    rows = list(page.object_list)
    for c in rows:
        c.sla_state_value = sla_state(c, now)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "complaints/list.html", {
        "filterset": filterset, "page": page, "rows": rows, "query": query.urlencode(),
    })


@login_required
def complaint_detail(request, number):
    """`/complaints/<number>/`: facts, SLA clock, timeline, and the actions the user's role allows."""
    complaint = selectors.complaint_get(user=request.user, number=number)
    return render(request, "complaints/detail.html", detail_context(request, complaint))


def action_form(complaint, action: str, data=None):
    """The small form of one action on this order: its kind decides what the reply asks (a
    verdict, 属实 / utility responsible, only for the kinds that give one: complaints/kinds.py)."""
    form_class = ACTION_FORMS[action]
    form = (form_class(data, station_id=complaint.station_id, prefix=action) if form_class is AssignForm
            else form_class(data, prefix=action))
    if form_class is ResolveForm and not kind_of(complaint).verdict:
        del form.fields["verified"], form.fields["utility_responsible"]
    return form


def detail_context(request, complaint) -> dict:
    """What the detail page of an order of any kind shows (complaints here, every kind on
    /tickets/<number>/): facts, SLA clock, timeline, escalations, and one form per action its
    kind's lifecycle allows in its status to the user's role (services.allowed_actions)."""
    events = list(selectors.complaint_events(complaint=complaint))
    actions = [a for a in services.allowed_actions(complaint, request.user) if a in SERVICES]
    pending = complaint.extension_requests.filter(status=ExtensionStatus.PENDING).first()
    if pending is None and "approve-extension" in actions:
        actions.remove("approve-extension")
    if pending is not None and "request-extension" in actions:
        actions.remove("request-extension")
    forms = [(action, _action_label(action), action_form(complaint, action)) for action in actions]
    for e in events:
        e.label = event_label(e.kind)
        e.shown_note = event_note(e.kind, e.note, e.data)
        e.shown_satisfaction = satisfaction_label((e.data or {}).get("satisfaction"))
    escalations = list(selectors.complaint_escalations(complaint=complaint))
    for esc in escalations:
        esc.shown_reason = escalation_reason(esc.reason)
    return {
        "c": complaint, "events": events, "forms": forms, "pending_extension": pending,
        "sla_state": sla_state(complaint, timezone.now()),
        "clock": selectors.sla_clock(complaint, events),
        "pauses": complaint.pauses.select_related("paused_by", "resumed_by"),
        "escalations": escalations,
        "can_mark_typical": has_role(request.user, MANAGER),
        "letter": _letter_available(complaint),
        # Work orders reach complaints only through their reverse relation (workorders -> complaints).
        "work_orders": list(complaint.work_orders.select_related("crew")) if hasattr(complaint, "work_orders") else [],
        "can_create_work_order": complaint.status in OPEN_STATUSES and has_role(request.user, HANDLER, MANAGER),
    }


def _action_label(action: str) -> str:
    from .choices import ComplaintAction

    return str(ComplaintAction(action).label)


@login_required
@require_POST
def complaint_action(request, number, action):
    """One action posted from the detail page: the same service as the API; errors in Chinese."""
    complaint = selectors.complaint_get(user=request.user, number=number)
    run_action(request, complaint, action)
    return redirect("complaints:detail", number=number)


def run_action(request, complaint, action: str) -> None:
    """Run one posted action on an order of any kind (its service; the outcome as a message)."""
    if action == "mark-typical":
        try:
            services.complaint_mark_typical(complaint=complaint, by=request.user,
                                            typical=request.POST.get("typical") == "true")
        except DomainError as exc:
            messages.error(request, exc.message)
        return
    if action not in SERVICES:
        raise Http404
    form = action_form(complaint, action, request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label}：{' '.join(errors)}" if label else " ".join(errors))
        return
    try:
        SERVICES[action](complaint=complaint, by=request.user, **form.cleaned_data)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Done: %(action)s.") % {"action": _action_label(action)})


def _letter_available(complaint) -> bool:
    return (not complaint.anonymous and bool(complaint.complainant_name)
            and complaint.status in (ComplaintStatus.RESOLVED, ComplaintStatus.CLOSED) and bool(complaint.resolution))


@login_required
def reply_letter(request, number):
    """The written reply (书面答复) for a named complainant, printable, once resolved."""
    complaint = selectors.complaint_get(user=request.user, number=number)
    if not _letter_available(complaint):
        raise Http404
    return render(request, "complaints/letter.html", {"c": complaint, "today": timezone.localdate()})


@login_required
@require_GET
def category_json(request):
    """The two-level category list (for clients that build their own picker)."""
    return JsonResponse({"classes": [
        {"code": cls.code, "name": cls.name, "items": [{"code": i.code, "name": i.name} for i in items]}
        for cls, items in selectors.category_tree()]})


