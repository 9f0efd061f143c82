"""Pages: /outages/ (dispatchers: list, filters, create, update the estimate, restore),
/outages/board/ (the service center's wall board) and /public/outages/ (anyone, throttled, no
personal data). Thin: each view calls one selector or service."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from servicecenter.exceptions import DomainError, ValidationFailed
from servicecenter.roles import ADMIN, COUNTER, HANDLER, MANAGER, has_role, sees_all_stations

from . import selectors, services
from .choices import OutageAction as A
from .display import event_label
from .filters import OutageFilterSet
from .forms import EstimateForm, OutageCreateForm
from .lifecycle import ACTIVE_STATUSES
from .models import EstimateChange, Outage, OutageEvent


def _staff_only(request):
    if not has_role(request.user, COUNTER, HANDLER, MANAGER, ADMIN):
        raise Http404


def _outage_or_404(request, number: str) -> Outage:
    outage = selectors.outage_list(user=request.user).filter(number=number).first()
    if outage is None:
        raise Http404
    return outage


@login_required
def outage_list(request):
    _staff_only(request)
    data = request.GET.copy()
    if not data:
        data["active"] = "true"
    fs = OutageFilterSet(data, queryset=selectors.outage_list(user=request.user).order_by("-created_at", "-id"),
                         request=request)
    qs = fs.qs if fs.is_valid() else fs.queryset.none()
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "outages/list.html", {
        "filter": fs, "page": page, "params": params.urlencode(), "now": timezone.now(),
        "can_create": has_role(request.user, HANDLER, MANAGER, ADMIN),
        "warnings": selectors.frequent_warnings(user=request.user)[:10],
    })


@login_required
def outage_new(request):
    if not has_role(request.user, HANDLER, MANAGER, ADMIN):
        raise Http404
    form = OutageCreateForm(request.POST or None)
    if not sees_all_stations(request.user):
        form.fields["station"].widget = form.fields["station"].hidden_widget()
    if request.method == "POST" and form.is_valid():
        v = form.cleaned_data
        try:
            outage = services.outage_create(
                by=request.user, kind=v["kind"], cause=v["cause"], station=v.get("station"), lines=v.get("lines"),
                areas=v.get("areas"), planned_start=v.get("planned_start"), started_at=v.get("started_at"),
                estimated_restore_at=v.get("estimated_restore_at"))
        except ValidationFailed as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Outage %(number)s opened: %(n)d customers.") % {
                "number": outage.number, "n": outage.customers_affected})
            return redirect("outages:detail", number=outage.number)
    return render(request, "outages/new.html", {"form": form}, status=400 if request.method == "POST" else 200)


@login_required
def outage_detail(request, number):
    _staff_only(request)
    outage = _outage_or_404(request, number)
    return render(request, "outages/detail.html", {
        "o": outage, "now": timezone.now(),
        "actions": selectors.allowed_actions(outage, request.user),
        "estimate_form": EstimateForm(),
        "changes": EstimateChange.objects.filter(outage=outage).select_related("by"),
        "events": [(e, event_label(e.kind)) for e in OutageEvent.objects.filter(outage=outage).select_related("actor")],
        "links": outage.links.all(),
    })


@login_required
@require_POST
def outage_action(request, number, verb):
    _staff_only(request)
    outage = _outage_or_404(request, number)
    post = request.POST
    try:
        if verb == A.START:
            services.outage_start(outage=outage, by=request.user, version=post.get("version"))
        elif verb == A.UPDATE_ESTIMATE:
            form = EstimateForm(post)
            if not form.is_valid():
                raise ValidationFailed("estimated_restore_at", _("Give the new estimated restore time and the reason."))
            services.outage_update_estimate(outage=outage, by=request.user, version=post.get("version"),
                                            **form.cleaned_data)
        elif verb == A.RESTORE:
            services.outage_restore(outage=outage, by=request.user, version=post.get("version"),
                                    result=post.get("result", ""))
        elif verb == A.CANCEL:
            services.outage_cancel(outage=outage, by=request.user, version=post.get("version"),
                                   reason=post.get("reason", ""))
        else:
            raise Http404
    except DomainError as exc:
        messages.error(request, f"{outage.number}: {exc.message}")
    else:
        messages.success(request, _("%(number)s: done.") % {"number": outage.number})
    return redirect("outages:detail", number=outage.number)


@login_required
def board(request):
    """The wall board: active outages, customers affected, calls linked, estimated restore;
    refreshes itself every minute (a meta refresh: no script)."""
    _staff_only(request)
    outages = (selectors.outage_list(user=request.user).filter(status__in=ACTIVE_STATUSES)
               .order_by("status", "-started_at", "planned_start"))
    active = list(outages)
    return render(request, "outages/board.html", {
        "outages": active, "now": timezone.now(),
        "customers": sum(o.customers_affected for o in active if o.status == "in_progress"),
        "calls": sum(o.links_count for o in active),
    })


def public(request):
    """/public/outages/: no sign-in, throttled per address like the public API."""
    from servicecenter.throttling import ScopedAddressThrottle

    class _View:
        throttle_scope = "public"

    throttle = ScopedAddressThrottle()
    if not throttle.allow_request(request, _View()):
        return HttpResponse(_("Too many requests; try again in a minute."), status=429,
                            headers={"Retry-After": str(int(throttle.wait() or 60))})
    qs = selectors.public_outages().prefetch_related(Prefetch("lines"), Prefetch("areas"))
    area = (request.GET.get("area") or "").strip()[:50]
    if area:
        qs = qs.filter(pk__in=selectors.outages_in_area(area))
    return render(request, "outages/public.html", {"outages": list(qs[:200]), "area": area, "now": timezone.now()})
