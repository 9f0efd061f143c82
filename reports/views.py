"""Pages: the manager's dashboard, the report list and downloads, the handler's work list."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from complaints.choices import ComplaintChannel
from complaints.models import ComplaintCategory, ExtensionRequest
from complaints.selectors import REPEAT_WARNING_AT, repeat_window
from customers.models import SupplyStation
from outages.selectors import frequent_warnings
from servicecenter.exceptions import DomainError
from servicecenter.roles import ADMIN, HANDLER, MANAGER, has_role

from . import exports, selectors
from .models import ExportRecord, ReportSnapshot

DASHBOARD_OUTAGE_WARNINGS = 10  # the latest frequent-outage warnings on the dashboard


def _category_options() -> list:
    """Classes, each followed by its items (for the filter select)."""
    cats = list(ComplaintCategory.objects.filter(active=True).order_by("sort_order", "code"))
    out = []
    for cls in (c for c in cats if c.parent_id is None):
        out.append(cls)
        out.extend(c for c in cats if c.parent_id == cls.id)
    return out


def _manager_only(request):
    if not has_role(request.user, MANAGER, ADMIN):
        raise PermissionDenied


def _approve_service():
    """complaints.services.complaint_approve_extension when the complaints app provides it."""
    try:
        from complaints import services
    except ImportError:  # pragma: no cover
        return None
    return getattr(services, "complaint_approve_extension", None)


def _dashboard_context(request) -> dict:
    params = request.GET
    filters = selectors.parse_filters(user=request.user, params={**params.dict(), "trend": "30"})
    summary = selectors.sla_summary(user=request.user, filters=filters)
    return {"summary": summary, "filters": filters}


def tile_links(filters) -> dict:
    """Where each tile leads: the complaint list (complaints.filters.ComplaintFilterSet) or the
    work-order list, filtered to the rows the tile counts."""
    station = [("station", filters.station.code)] if filters.station else []
    extra = [(k, v) for k, v in (("grade", filters.grade), ("channel", filters.channel),
                                 ("category", filters.category.code if filters.category else "")) if v]
    open_ = [("status", "open")]  # every status but closed
    period = [("received_after", filters.start.isoformat()), ("received_before", filters.end.isoformat())]

    def complaints(*parts):
        return "/complaints/?" + urlencode([p for part in parts for p in part] + station + extra)

    return {
        "open": complaints(open_),
        "at_risk": complaints(open_, [("at_risk", "true")]),
        "breached": complaints(open_, [("breached", "true")]),
        "intake": complaints(period),
        "period_breached": complaints(period, [("breached", "true")]),
        "closed": complaints(period, [("status", "closed")]),
        "work_orders_overdue": "/work-orders/?" + urlencode([("overdue", "true")] + station),
    }


def _labels() -> dict:
    return {
        "deadlines": [("ack", _("Acknowledged on time")), ("resolve", _("Resolved on time")),
                      ("callback", _("Called back on time")), ("arrive", _("Crews arrived in time")),
                      ("restore", _("Power restored in time"))],
        # the per-kind table's columns: the deadlines of the orders (a kind shows the ones it has)
        "kind_deadlines": [("ack", _("First contact on time")), ("resolve", _("Replied on time")),
                           ("callback", _("Called back on time")), ("assign", _("Dispatched on time"))],
        "chart": {"intake": pgettext("chart", "Complaints received"), "ack_rate": _("Acknowledged on time %"),
                  "resolve_rate": _("Resolved on time %"), "axis_complaints": pgettext("chart axis", "Complaints"),
                  "axis_rate": _("On-time rate"), "unit_complaints": pgettext("unit", "complaints"),
                  "unit_min": pgettext("unit", "min"), "intake_period": _("Complaints in the period"),
                  "breached": _("Missed a deadline (received in the period)"),
                  "breached_now": _("Breached now (open)"), "avg": _("Average arrival"),
                  "target": _("Target: average arrival promised"), "ceiling": _("Ceiling: longest allowed per order"),
                  "breaches": _("Orders over the ceiling"), "arrived": _("Arrived"),
                  "none": _("No data in the period"),
                  "no_library": _("The charts need Apache ECharts (make install fetches it); the figures above are "
                                  "complete."),
                  "areas": {"urban": _("Urban"), "rural": _("Rural"), "remote": _("Remote")},
                  "kinds_received": _("Received in the period"), "kinds_open": _("Open now"),
                  "kinds_breached": _("Breached now (open)"), "unit_orders": pgettext("unit", "orders"),
                  "error": _("Could not refresh; showing the last figures."), "approved": _("Approved"),
                  "failed": _("Failed")},
    }


@login_required
def dashboard(request):
    """`/dashboard/`: tiles, charts, escalation inbox, extensions to approve, warnings."""
    _manager_only(request)
    try:
        ctx = _dashboard_context(request)
    except DomainError as exc:
        messages.error(request, str(exc))
        return redirect("dashboard")
    ctx.update({
        "stations": SupplyStation.objects.order_by("code"),
        "channels": ComplaintChannel.choices,
        "categories": _category_options(),
        "inbox": selectors.escalation_inbox(),
        "inbox_count": selectors.escalation_inbox_count(),
        "extensions": selectors.pending_extensions(),
        "repeat_warnings": selectors.repeat_warnings(),
        # SPEC §12: the frequent-outage warnings (one query; outages/_dashboard_warnings.html)
        "outage_warnings": list(frequent_warnings(user=request.user)[:DASHBOARD_OUTAGE_WARNINGS]),
        "repeat_at": REPEAT_WARNING_AT, "repeat_days": repeat_window().days,
        "approve_server_side": _approve_service() is not None,
        "query": request.GET.urlencode(),
        "links": tile_links(ctx["filters"]),
        "deadline_labels": _labels()["deadlines"],
        "kind_deadline_labels": _labels()["kind_deadlines"],
        "chart_labels": _labels()["chart"],
    })
    return render(request, "reports/dashboard.html", ctx)


@login_required
def dashboard_data(request):
    """The JSON the dashboard refreshes itself from every minute (the summary with a 30-day trend,
    plus the inbox and extension counts)."""
    _manager_only(request)
    try:
        ctx = _dashboard_context(request)
    except DomainError as exc:
        return JsonResponse(exc.as_dict(), status=exc.status_code)
    data = ctx["summary"]
    data["inbox_count"] = selectors.escalation_inbox_count()
    data["pending_extensions"] = len(selectors.pending_extensions(limit=200))
    return JsonResponse(data)


@login_required
@require_POST
def approve_extension(request, pk: int):
    """Approve a pending extension through the complaints service (managers only)."""
    _manager_only(request)
    service = _approve_service()
    if service is None:
        raise Http404
    ext = get_object_or_404(ExtensionRequest.objects.select_related("complaint"), pk=pk, status="pending")
    due_raw = request.POST.get("due_at", "")
    due_at = ext.requested_due_at
    if due_raw:
        try:
            due_at = datetime.fromisoformat(due_raw)
            if timezone.is_naive(due_at):
                due_at = timezone.make_aware(due_at)
        except ValueError:
            messages.error(request, _("Enter the new deadline as a date and time."))
            return redirect("dashboard")
    try:
        service(complaint=ext.complaint, by=request.user, due_at=due_at, note=request.POST.get("note", ""))
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Extension of %(number)s approved.") % {"number": ext.complaint.number})
    return redirect("dashboard")


@login_required
def my_work(request):
    """`/my-work/`: the handler's open complaints, nearest deadline first, with the time left."""
    if not has_role(request.user, HANDLER, MANAGER, ADMIN):
        raise PermissionDenied
    now = timezone.now()
    items = list(selectors.my_work(user=request.user, now=now)[:300])
    for c in items:
        c.seconds_left = (c.next_due - now).total_seconds() if c.next_due else None
        if c.status == "paused" and c.next_due and c.paused_at:
            c.seconds_left = (c.next_due - c.paused_at).total_seconds()
    return render(request, "reports/my_work.html", {"items": items, "now": now})


@login_required
def report_list(request):
    _manager_only(request)
    kind = request.GET.get("kind", "")
    qs = ReportSnapshot.objects.defer("data")
    if kind:
        qs = qs.filter(kind=kind)
    return render(request, "reports/report_list.html", {"reports": qs[:200], "kind": kind,
                                                        "kinds": ReportSnapshot._meta.get_field("kind").choices})


@login_required
def report_detail(request, pk: int):
    _manager_only(request)
    snap = get_object_or_404(ReportSnapshot, pk=pk)
    return render(request, "reports/report_detail.html", {"report": snap, "tables": exports.tables(snap)})


def _download(content: bytes, content_type: str, name: str, *, request, snap, fmt: str) -> HttpResponse:
    """The file, after recording who exported what (SPEC §13)."""
    ExportRecord.objects.create(user=request.user, username=request.user.get_username(), report=snap, format=fmt,
                                what=f"{exports.title_line(snap)} (#{snap.pk})"[:200],
                                address=request.META.get("REMOTE_ADDR") or None)
    resp = HttpResponse(content, content_type=content_type)
    resp["Content-Disposition"] = f'attachment; filename="{name}"'
    return resp


@login_required
def report_xlsx(request, pk: int):
    _manager_only(request)
    snap = get_object_or_404(ReportSnapshot, pk=pk)
    return _download(exports.to_xlsx(snap),
                     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                     exports.filename(snap, "xlsx"), request=request, snap=snap, fmt="xlsx")


@login_required
def report_csv(request, pk: int):
    _manager_only(request)
    snap = get_object_or_404(ReportSnapshot, pk=pk)
    return _download(exports.to_csv(snap), "text/csv; charset=utf-8", exports.filename(snap, "csv"),
                     request=request, snap=snap, fmt="csv")
