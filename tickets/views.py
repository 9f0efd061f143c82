"""Pages of every kind of order (SPEC §8, §11): the one counter intake (`/counter/`: the kind first,
the form of that kind, the deadlines before saving), the receipt of any kind, the list of every
kind (`/tickets/`) and the detail page of any kind (`/tickets/<number>/`) with the actions its
kind's lifecycle allows. Complaints keep their own list, detail and receipt (/complaints/)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from complaints.choices import OrderKind
from complaints.display import policy_label
from complaints.kinds import KINDS, kind_of, order_url
from complaints.models import ComplaintCategory
from complaints.selectors import informant_hidden, intake_preview
from complaints.sla import deadline_provisional, sla_state
from complaints.views import detail_context, run_action
from core.calendar import get_calendar
from core.intake import intake_answer
from core.registry import intake_notices_for
from customers.selectors import NO_SUCH_CUSTOMER, customer_list, user_station_id
from servicecenter.exceptions import DomainError, ValidationFailed
from servicecenter.inputs import bounded_datetime, parse_int_param
from servicecenter.roles import COUNTER, HANDLER, MANAGER, has_role, sees_all_stations
from workorders.choices import WorkOrderKind
from workorders.models import WorkOrder

from . import selectors, services
from .filters import TicketFilterSet
from .forms import OrderIntakeForm

PAGE_SIZE = 50


def _intake_allowed(user) -> bool:
    return has_role(user, COUNTER, HANDLER, MANAGER)


def _receipt_url(order) -> str:
    """A complaint's receipt is the complaints' page (as it always was); every other kind's is ours."""
    if order.kind == OrderKind.COMPLAINT:
        return f"/complaints/{order.number}/receipt/"
    return f"/tickets/{order.number}/receipt/"


@login_required
def counter(request):
    """`/counter/`: pick the kind, find the customer (or take a walk-in), fill in what the kind
    needs, see the deadlines, save (tickets.services.ticket_intake: a repair call's work order in
    the same transaction; an enquiry answered on the spot closed at intake)."""
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
                       "complainant_phone": customer.phone, "address": customer.address}
    if request.method != "POST" and request.GET.get("kind") in KINDS:
        initial["kind"] = request.GET["kind"]
    form = OrderIntakeForm(request.POST or None, initial=initial, show_station=show_station)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        kind = data.get("kind") or OrderKind.COMPLAINT
        if data.get("customer"):
            customer = customer_list(user=request.user).filter(pk=data["customer"]).first()
            if customer is None:
                form.add_error(None, NO_SUCH_CUSTOMER)
        if not form.errors:
            if customer is not None and not data["anonymous"] and not data["complainant_name"].strip():
                data["complainant_name"] = customer.default_complainant  # who calls for the customer
            category = (ComplaintCategory.objects.filter(code=data["category"]).first()
                        if data.get("category") else None)
            try:
                order = services.ticket_intake(
                    by=request.user, kind=kind, channel=data["channel"], category=category,
                    description=data["description"], customer=customer, complainant_name=data["complainant_name"],
                    complainant_phone=data["complainant_phone"], anonymous=data["anonymous"],
                    severity=data["severity"] if kind == OrderKind.COMPLAINT else "normal",
                    received_at=data.get("received_at"), station=data.get("station"),
                    acknowledge_now=data["acknowledge_now"], ack_note=data["ack_note"],
                    service_type=data.get("service_type") or "", address=data.get("address") or "",
                    inside_installation=data.get("inside_installation"), answer=data.get("answer") or "")
            except ValidationFailed as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                return redirect(_receipt_url(order))
    elif request.method == "POST" and str(form.data.get("customer") or "").isdigit():
        customer = customer_list(user=request.user).filter(pk=int(form.data["customer"])).first()
    return render(request, "tickets/counter.html", {
        "form": form, "customer": customer,
        "intake_notices": intake_notices_for(customer),  # SPEC §12: the active outage, before saving
    })


@login_required
@require_GET
def counter_preview(request):
    """`/counter/preview.json`: the policy and deadlines the order would get if saved now, picked as
    the intake picks them (complaints.selectors.intake_preview). Asked with `kind` (and a service
    request's `service_type`), the answer also names the kind, its number prefix and callback."""
    if not _intake_allowed(request.user):
        raise PermissionDenied
    grade = "C"
    customer = None
    kind = request.GET.get("kind") or OrderKind.COMPLAINT
    service_type = request.GET.get("service_type", "")
    try:
        if kind not in KINDS:
            raise ValidationFailed("kind", _("Unknown kind of order."))
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
    severity = request.GET.get("severity", "normal") if kind == OrderKind.COMPLAINT else "normal"
    preview = intake_preview(grade=grade, severity=severity, channel=request.GET.get("channel", "counter"),
                             received_at=received_at, kind=kind, service_type=service_type)
    fmt = "%Y-%m-%d %H:%M"
    answer = {"policy": None}
    if preview is not None:
        answer = {"policy": policy_label(preview["policy"]), "grade": grade}
        for key in ("ack_due_at", "resolve_due_at"):
            if preview[key] is not None or kind == OrderKind.COMPLAINT:
                answer[key] = timezone.localtime(preview[key]).strftime(fmt) if preview[key] else None
    if "kind" in request.GET:
        decl = KINDS[kind]
        answer.update(kind=kind, kind_label=decl.label, prefix=decl.prefix,
                      service_type=service_type if kind == OrderKind.SERVICE else "",
                      callback=_callback_text(preview["callback"], kind) if preview and preview["callback"] else None)
    answer.update(intake_answer(customer))  # SPEC §12: the active outage as soon as a customer is picked
    return JsonResponse(answer)


def _callback_text(target, kind: str) -> str:
    amount, unit = target
    if kind == OrderKind.REPAIR:  # the caller is called back after the repair (SPEC §11)
        if unit == "workdays":
            return _("%(n)s working day(s) after the repair") % {"n": amount}
        return _("%(n)s hour(s) after the repair") % {"n": amount}
    if unit == "workdays":
        return _("%(n)s working day(s) after the reply") % {"n": amount}
    return _("%(n)s hour(s) after the reply") % {"n": amount}


def _order(request, number):
    """One order of any kind in the user's scope by number (404 otherwise)."""
    order = selectors.ticket_list(user=request.user).select_related(
        "sla_policy", "received_by", "resolved_by").filter(number=number).first()
    if order is None:
        raise Http404
    return order


@login_required
def receipt(request, number):
    """The printable receipt of an order of any kind (A4 or 80 mm): its kind and number, its
    deadlines, the answer given on the spot, the repair work order, the contacts."""
    order = _order(request, number)
    paper = request.GET.get("paper", "")
    cal = get_calendar()
    decl = kind_of(order)
    work_order = (WorkOrder.objects.filter(complaint=order, kind=WorkOrderKind.REPAIR).order_by("id").first()
                  if order.kind == OrderKind.REPAIR else None)
    return render(request, "tickets/receipt.html", {
        "c": order, "decl": decl, "work_order": work_order, "paper": paper if paper in ("a4", "80mm") else "",
        "hidden": informant_hidden(request.user, order), "detail_url": order_url(order),
        "provisional": any(deadline_provisional(order, k, cal) for k in ("ack", "resolve") if k in decl.deadlines)})


@login_required
def ticket_list(request):
    """`/tickets/`: the orders of every kind the user may see, with the kind filter and the
    complaint filters that apply (TicketFilterSet, the API's); constant queries at any page size."""
    if not has_role(request.user, COUNTER, HANDLER, MANAGER):
        raise PermissionDenied
    filterset = TicketFilterSet(request.GET or None, queryset=selectors.ticket_list(user=request.user),
                                request=request)
    filterset.form.order_fields(["kind", "subtype"])  # the kind first, then the complaint filters
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    rows = list(page.object_list)
    for c in rows:
        c.sla_state_value = sla_state(c, now)
        c.hidden = informant_hidden(request.user, c)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "tickets/list.html", {
        "filterset": filterset, "page": page, "rows": rows, "query": query.urlencode()})


@login_required
def ticket_detail(request, number):
    """`/tickets/<number>/`: an order of any kind: facts, the SLA clock, the timeline, the repair
    work order, and the actions its kind's lifecycle allows to the user's role; a report's
    informant only for managers (complaints.selectors.informant_hidden)."""
    order = _order(request, number)
    context = detail_context(request, order)
    context.update(decl=kind_of(order), hidden=informant_hidden(request.user, order),
                   receipt_url=_receipt_url(order))
    return render(request, "tickets/detail.html", context)


@login_required
@require_POST
def ticket_action(request, number, action):
    """One action posted from the detail page of an order of any kind (the complaints' services)."""
    order = _order(request, number)
    run_action(request, order, action)
    return redirect("tickets:detail", number=number)
