"""Pages: the crew's tablet view (/crew/), the dispatcher's list (/work-orders/), the create form.

Forms carry the order's `version` and a per-render idempotency key, so a double tap (or a
resubmit after a lost answer) acts once.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import F, Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from complaints.models import Complaint
from servicecenter.exceptions import DomainError, InvalidTransition, StaleVersion, ValidationFailed
from servicecenter.inputs import safe_next
from servicecenter.roles import ADMIN, HANDLER, MANAGER, has_role, sees_all_stations

from . import selectors, services
from .choices import EVENT_LABELS, WorkOrderStatus
from .filters import WorkOrderFilterSet
from .forms import WorkOrderCreateForm
from .idempotency import Answer, run_once
from .lifecycle import CREW_NEXT_ACTION, OPEN_STATUSES
from .models import WorkOrder, WorkOrderPhoto
from .rules import is_late

NEXT_LABELS = {
    "accept": gettext_lazy("Accept the order"),
    "depart": gettext_lazy("Leave for the site"),
    "arrive": gettext_lazy("Arrived on site"),
    "complete": gettext_lazy("Complete the order"),
}


def _key(request) -> str:
    return (request.POST.get("idempotency_key") or "").strip()[:100]


def _client_time(request):
    value = (request.POST.get("client_time") or "").strip()
    parsed = parse_datetime(value) if value else None
    if parsed is not None and timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


def _order_or_404(request, number: str) -> WorkOrder:
    order = selectors.work_order_list(user=request.user).filter(number=number).prefetch_related(
        Prefetch("photos", queryset=WorkOrderPhoto.objects.order_by("created_at"))).first()
    if order is None:
        raise Http404
    return order


# --- crew (tablet) ------------------------------------------------------------------------------

@login_required
def crew_list(request):
    orders = list(selectors.crew_open_orders(user=request.user)[:100])
    return render(request, "workorders/crew_list.html", {"orders": orders, "now": timezone.now(),
                                                         "has_crew": bool(selectors.user_crew_ids(request.user))})


def _crew_context(request, order, *, errors=None, values=None):
    now = timezone.now()
    next_action = CREW_NEXT_ACTION.get(order.status)
    late = next_action == "arrive" and is_late(arrived_at=now, arrive_due_at=order.arrive_due_at)
    if errors and ("delay_reason" in errors or "customer_informed" in errors):
        late = True
    return {
        "order": order, "now": now, "next_action": next_action,
        "next_label": NEXT_LABELS.get(next_action or "", ""),
        "late": late, "errors": errors or {}, "values": values or {},
        "idempotency_key": uuid.uuid4().hex,
        "can_work": selectors.can_work(request.user, order),
        "can_add_photo": order.status in services.PHOTO_STATUSES and order.photos.count() < 10,
        "crew_only": selectors.is_crew_only(request.user),
        "events": order.events.select_related("actor").order_by("-at", "-id")[:20],
    }


@login_required
def crew_detail(request, number):
    order = _order_or_404(request, number)
    return render(request, "workorders/crew_detail.html", _crew_context(request, order))


def _error_answer(request, order, exc: DomainError, values, template="workorders/crew_detail.html"):
    if isinstance(exc, ValidationFailed):
        fresh = _order_or_404(request, order.number)
        return render(request, template, _crew_context(request, fresh, errors={exc.field: exc.message},
                                                       values=values), status=400)
    if isinstance(exc, StaleVersion):
        messages.error(request, _("Someone else changed this order meanwhile. Here is its current state; "
                                  "check it and try again."))
    elif isinstance(exc, InvalidTransition):
        messages.error(request, exc.message)
    else:
        messages.error(request, exc.message)
    return redirect("workorders:crew-detail", number=order.number)


@login_required
def crew_step(request, number):
    """POST the next step (accept, depart, arrive, complete) from the tablet page."""
    if request.method != "POST":
        return redirect("workorders:crew-detail", number=number)
    order = _order_or_404(request, number)
    if not selectors.can_work(request.user, order):
        raise Http404
    action = request.POST.get("action", "")
    values = {k: request.POST.get(k, "") for k in ("notes", "delay_reason", "customer_informed")}
    if action not in CREW_NEXT_ACTION.values():
        messages.error(request, _("Unknown step."))
        return redirect("workorders:crew-detail", number=number)
    detail_url = f"/crew/{order.number}/"

    def act():
        fresh = WorkOrder.objects.get(pk=order.pk)
        common = {"work_order": fresh, "by": request.user, "version": request.POST.get("version") or None,
                  "client_time": _client_time(request)}
        if action == "accept":
            services.work_order_accept(**common)
        elif action == "depart":
            services.work_order_depart(**common)
        elif action == "arrive":
            informed = request.POST.get("customer_informed", "")
            services.work_order_arrive(
                lat=request.POST.get("lat") or None, lng=request.POST.get("lng") or None,
                delay_reason=request.POST.get("delay_reason", ""),
                customer_informed={"yes": True, "no": False}.get(informed), **common)
        elif action == "complete":
            upload = request.FILES.get("photo")
            if upload is not None:
                services.work_order_add_photo(work_order=fresh, by=request.user, upload=upload,
                                              client_time=common["client_time"])
            services.work_order_complete(notes=request.POST.get("notes", ""), **common)
        return Answer(303, {"redirect": detail_url, "action": action})

    try:
        answer = run_once(user=request.user, key=_key(request), endpoint=f"crew/{order.pk}/step", action=act)
    except DomainError as exc:
        return _error_answer(request, order, exc, values)
    if not answer.replayed:
        messages.success(request, _("%(number)s: %(what)s.") % {"number": order.number,
                                                                "what": EVENT_LABELS[action]})
    if action == "complete":
        return redirect("workorders:crew-list")
    return redirect(answer.body.get("redirect", detail_url))


@login_required
def crew_photo(request, number):
    """POST one photo from the tablet (multipart `photo`)."""
    if request.method != "POST":
        return redirect("workorders:crew-detail", number=number)
    order = _order_or_404(request, number)
    if not selectors.can_work(request.user, order):
        raise Http404
    upload = request.FILES.get("photo")
    if upload is None:
        return _error_answer(request, order, ValidationFailed("photo", _("Choose a photo.")), {})

    def act():
        services.work_order_add_photo(work_order=order, by=request.user, upload=upload,
                                      client_time=_client_time(request))
        return Answer(303, {"redirect": f"/crew/{order.number}/"})

    try:
        answer = run_once(user=request.user, key=_key(request), endpoint=f"crew/{order.pk}/photo", action=act)
    except DomainError as exc:
        return _error_answer(request, order, exc, {})
    if not answer.replayed:
        messages.success(request, _("Photo added."))
    return redirect(answer.body["redirect"])


@login_required
def photo_file(request, number, photo_id):
    """A photo, read through the storage API, for users who may see the order."""
    order = _order_or_404(request, number)
    photo = next((p for p in order.photos.all() if p.pk == photo_id), None)
    if photo is None:
        raise Http404
    response = FileResponse(photo.file.open("rb"), content_type=photo.content_type)
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- dispatcher ---------------------------------------------------------------------------------

def _office_only(request):
    if not has_role(request.user, HANDLER, MANAGER, ADMIN):
        raise Http404


@login_required
def dispatcher_list(request):
    _office_only(request)
    data = request.GET.copy()
    if not data:
        data["open"] = "true"
    fs = WorkOrderFilterSet(data, queryset=selectors.work_order_list(user=request.user).order_by(
        F("current_due_at").asc(nulls_last=True), "priority", "-created_at"), request=request)
    qs = fs.qs if fs.is_valid() else fs.queryset.none()
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    crews_by_station: dict[int, list] = {}
    for crew in selectors.crew_list(user=request.user).filter(active=True):
        crews_by_station.setdefault(crew.station_id, []).append(crew)
    rows = [(o, crews_by_station.get(o.station_id, []), selectors.can_manage(request.user, o)) for o in page]
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "workorders/dispatcher_list.html", {
        "filter": fs, "page": page, "rows": rows, "now": timezone.now(), "params": params.urlencode(),
        "dispatchable": [WorkOrderStatus.CREATED, WorkOrderStatus.DISPATCHED],
        "idempotency_key": uuid.uuid4().hex,
        "can_create": has_role(request.user, HANDLER, MANAGER, ADMIN),
    })


@login_required
def dispatcher_detail(request, number):
    _office_only(request)
    order = _order_or_404(request, number)
    crews = selectors.crew_list(user=request.user).filter(station_id=order.station_id, active=True)
    return render(request, "workorders/dispatcher_detail.html", {
        "order": order, "now": timezone.now(), "crews": crews,
        "can_manage": selectors.can_manage(request.user, order),
        "events": order.events.select_related("actor"),
        "idempotency_key": uuid.uuid4().hex,
        "open": order.status in OPEN_STATUSES,
        "dispatchable": order.status in (WorkOrderStatus.CREATED, WorkOrderStatus.DISPATCHED),
    })


@login_required
def dispatcher_action(request, number, verb):
    """POST dispatch (crew name) or cancel (reason) from the dispatcher pages."""
    _office_only(request)
    if request.method != "POST" or verb not in ("dispatch", "cancel"):
        return redirect("workorders:detail", number=number)
    order = _order_or_404(request, number)
    if not selectors.can_manage(request.user, order):
        raise Http404
    back = safe_next(request, f"/work-orders/{order.number}/")

    def act():
        fresh = WorkOrder.objects.get(pk=order.pk)
        common = {"work_order": fresh, "by": request.user, "version": request.POST.get("version") or None}
        if verb == "dispatch":
            crew = selectors.crew_list(user=request.user).filter(name=request.POST.get("crew", "")).first()
            if crew is None:
                raise ValidationFailed("crew", _("Choose a crew."))
            services.work_order_dispatch(crew=crew, **common)
        else:
            services.work_order_cancel(reason=request.POST.get("reason", ""), **common)
        return Answer(303, {"redirect": back})

    try:
        answer = run_once(user=request.user, key=_key(request), endpoint=f"office/{order.pk}/{verb}", action=act)
    except StaleVersion:
        messages.error(request, _("Someone else changed order %(number)s meanwhile; check it and try again.")
                       % {"number": order.number})
        return redirect(back)
    except DomainError as exc:
        messages.error(request, f"{order.number}: {exc.message}")
        return redirect(back)
    if not answer.replayed:
        messages.success(request, _("%(number)s: done.") % {"number": order.number})
    return redirect(answer.body["redirect"])


@login_required
def work_order_new(request):
    """Create a work order, standalone or from a complaint (?complaint=<number>)."""
    if not has_role(request.user, HANDLER, MANAGER, ADMIN):
        raise Http404
    number = request.GET.get("complaint") or request.POST.get("complaint") or ""
    complaint = None
    if number:
        complaint = Complaint.all_kinds.select_related("station", "customer", "category").filter(number=number).first()
        if complaint is None or not selectors.can_manage(request.user, station_id=complaint.station_id):
            raise Http404
    initial = {"idempotency_key": uuid.uuid4().hex}
    if complaint is not None and complaint.customer_id:
        initial.update(account_no=complaint.customer.account_no, address=complaint.customer.address)
    if complaint is not None:
        initial.update(description=complaint.description[:500])
    form = WorkOrderCreateForm(request.POST or None, initial=initial)
    if not sees_all_stations(request.user):
        form.fields["station"].widget = form.fields["station"].hidden_widget()
    if request.method == "POST" and form.is_valid():
        v = form.cleaned_data
        customer = v.get("account_no")
        station = (complaint.station if complaint else None) or v.get("station") or (
            customer.station if customer else None)
        if station is None and not sees_all_stations(request.user):
            from customers.models import SupplyStation
            from customers.selectors import user_station_id

            station = SupplyStation.objects.filter(pk=user_station_id(request.user)).first()
        if station is not None and not selectors.can_manage(request.user, station_id=station.pk):
            form.add_error("station", _("You can create work orders for your own station only."))
        else:
            def act():
                order = services.work_order_create(
                    by=request.user, kind=v["kind"], station=station, complaint=complaint, customer=customer,
                    address=v.get("address", ""), area_type=v.get("area_type") or None, priority=v["priority"],
                    description=v.get("description", ""), contact_name=v.get("contact_name", ""),
                    contact_phone=v.get("contact_phone", ""), due_at=v.get("due_at"))
                return Answer(303, {"redirect": f"/work-orders/{order.number}/", "number": order.number})

            try:
                answer = run_once(user=request.user, key=(v.get("idempotency_key") or "")[:100],
                                  endpoint="office/create", action=act)
            except ValidationFailed as exc:
                field = exc.field if exc.field in form.fields else None
                form.add_error(field if field != "customer" else "account_no", exc.message)
            else:
                if not answer.replayed:
                    messages.success(request, _("Work order %(number)s created.") % {"number": answer.body["number"]})
                return redirect(answer.body["redirect"])
    return render(request, "workorders/work_order_new.html", {"form": form, "complaint": complaint},
                  status=400 if request.method == "POST" else 200)
