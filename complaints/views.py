"""Pages: the counter intake, the receipt, the complaint list and detail, the reply letter."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.calendar import get_calendar
from core.intake import intake_answer
from core.registry import intake_notices_for
from customers.selectors import NO_SUCH_CUSTOMER, customer_list, user_station_id
from servicecenter.exceptions import DomainError, ValidationFailed
from servicecenter.inputs import bounded_datetime, parse_int_param
from servicecenter.roles import COUNTER, HANDLER, MANAGER, has_role, sees_all_stations

from . import selectors, services
from .choices import ComplaintStatus, ExtensionStatus
from .display import escalation_reason, event_label, event_note, policy_label, satisfaction_label
from .filters import ComplaintFilterSet
from .forms import ACTION_FORMS, AssignForm, IntakeForm
from .lifecycle import OPEN_STATUSES
from .models import ComplaintCategory
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
}


def _intake_allowed(user) -> bool:
    return has_role(user, COUNTER, HANDLER, MANAGER)


@login_required
def counter(request):
    """`/counter/`: find the customer (or take a walk-in), pick the category, see the deadlines, save."""
    if not _intake_allowed(request.user):
        raise PermissionDenied
    show_station = sees_all_stations(request.user) or not user_station_id(request.user)
    customer = None
    initial = {}
    if request.method != "POST" and request.GET.get("customer"):
        # from the customer card: that customer chosen, the complainant its contact person (a company's
        # contact, never the company's name) and the callback phone its phone
        customer = customer_list(user=request.user).filter(account_no=request.GET["customer"]).first()
        if customer is not None:
            initial = {"customer": customer.pk, "complainant_name": customer.default_complainant,
                       "complainant_phone": customer.phone}
    form = IntakeForm(request.POST or None, initial=initial, show_station=show_station)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if data.get("customer"):
            customer = customer_list(user=request.user).filter(pk=data["customer"]).first()
            if customer is None:
                form.add_error(None, NO_SUCH_CUSTOMER)
        if not form.errors:
            if customer is not None and not data["anonymous"] and not data["complainant_name"].strip():
                data["complainant_name"] = customer.default_complainant  # who complains for the customer
            category = ComplaintCategory.objects.filter(code=data["category"]).first()
            try:
                complaint = services.complaint_intake(
                    by=request.user, channel=data["channel"], category=category, description=data["description"],
                    customer=customer, complainant_name=data["complainant_name"],
                    complainant_phone=data["complainant_phone"], anonymous=data["anonymous"],
                    severity=data["severity"], received_at=data.get("received_at"), station=data.get("station"),
                    acknowledge_now=data["acknowledge_now"], ack_note=data["ack_note"])
            except ValidationFailed as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                return redirect("complaints:receipt", number=complaint.number)
    elif request.method == "POST" and str(form.data.get("customer") or "").isdigit():
        customer = customer_list(user=request.user).filter(pk=int(form.data["customer"])).first()
    return render(request, "complaints/counter.html", {
        "form": form, "customer": customer,
        "intake_notices": intake_notices_for(customer),  # SPEC §12: the active outage, before saving
    })


@login_required
@require_GET
def counter_preview(request):
    """`/counter/preview.json`: the policy and deadlines the complaint would get if saved now."""
    if not _intake_allowed(request.user):
        raise PermissionDenied
    grade = "C"
    customer = None
    try:
        if request.GET.get("customer"):
            pk = parse_int_param(request.GET["customer"], "customer")
            customer = customer_list(user=request.user).filter(pk=pk).first()
            grade = customer.grade if customer else "C"
        received_at = timezone.now()
        if request.GET.get("channel", "counter") != "counter" and request.GET.get("received_at"):
            try:
                parsed = parse_datetime(request.GET["received_at"])
                received_at = bounded_datetime(parsed) if parsed is not None else received_at
            except ValueError:
                raise ValidationFailed("received_at", _("Enter a date and time.")) from None
    except ValidationFailed as exc:
        return JsonResponse(exc.as_dict(), status=400)
    preview = selectors.intake_preview(grade=grade, severity=request.GET.get("severity", "normal"),
                                       channel=request.GET.get("channel", "counter"), received_at=received_at)
    notices = intake_answer(customer)  # SPEC §12: the active outage as soon as a customer is picked
    if preview is None:
        return JsonResponse({"policy": None, **notices})
    fmt = "%Y-%m-%d %H:%M"
    return JsonResponse({
        "policy": policy_label(preview["policy"]), "grade": grade,
        "ack_due_at": timezone.localtime(preview["ack_due_at"]).strftime(fmt),
        "resolve_due_at": timezone.localtime(preview["resolve_due_at"]).strftime(fmt),
        **notices,
    })


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
    events = list(selectors.complaint_events(complaint=complaint))
    actions = services.allowed_actions(complaint, request.user)
    pending = complaint.extension_requests.filter(status=ExtensionStatus.PENDING).first()
    if pending is None and "approve-extension" in actions:
        actions.remove("approve-extension")
    if pending is not None and "request-extension" in actions:
        actions.remove("request-extension")
    forms = []
    for action in actions:
        form_class = ACTION_FORMS[action]
        form = (form_class(station_id=complaint.station_id, prefix=action) if form_class is AssignForm
                else form_class(prefix=action))
        forms.append((action, _action_label(action), form))
    for e in events:
        e.label = event_label(e.kind)
        e.shown_note = event_note(e.kind, e.note, e.data)
        e.shown_satisfaction = satisfaction_label((e.data or {}).get("satisfaction"))
    escalations = list(selectors.complaint_escalations(complaint=complaint))
    for esc in escalations:
        esc.shown_reason = escalation_reason(esc.reason)
    return render(request, "complaints/detail.html", {
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
    })


def _action_label(action: str) -> str:
    from .choices import ComplaintAction

    return str(ComplaintAction(action).label)


@login_required
@require_POST
def complaint_action(request, number, action):
    """One action posted from the detail page: the same service as the API; errors in Chinese."""
    complaint = selectors.complaint_get(user=request.user, number=number)
    if action == "mark-typical":
        try:
            services.complaint_mark_typical(complaint=complaint, by=request.user,
                                            typical=request.POST.get("typical") == "true")
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("complaints:detail", number=number)
    if action not in SERVICES:
        raise Http404
    form_class = ACTION_FORMS[action]
    form = (form_class(request.POST, station_id=complaint.station_id, prefix=action) if form_class is AssignForm
            else form_class(request.POST, prefix=action))
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label}：{' '.join(errors)}" if label else " ".join(errors))
        return redirect("complaints:detail", number=number)
    try:
        SERVICES[action](complaint=complaint, by=request.user, **form.cleaned_data)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Done: %(action)s.") % {"action": _action_label(action)})
    return redirect("complaints:detail", number=number)


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


