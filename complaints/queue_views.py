"""`/queue/` the station's queue with one-click take (首问负责制), and `/station/` the station
head's overview: the queue, what is late, the station's escalations (SPEC §4, §8)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from customers.models import SupplyStation
from servicecenter.exceptions import DomainError
from servicecenter.roles import ADMIN, HANDLER, MANAGER, has_role, headed_station_ids, sees_all_stations

from . import selectors, services
from .choices import OrderKind
from .escalations import can_acknowledge, subject_refs
from .kinds import order_url


def _station_choice(request) -> tuple[int | None, list[SupplyStation]]:
    """The station whose queue is shown: a handler's own; a manager's choice (`?station=CODE`)."""
    stations = list(SupplyStation.objects.order_by("code")) if sees_all_stations(request.user) else []
    requested = None
    code = request.GET.get("station", "")
    if stations and code:
        requested = next((s.pk for s in stations if s.code == code), None)
    return selectors.queue_station_id(request.user, requested), stations


def _with_time_left(rows, now):
    for c in rows:
        if c.handler_id is None and c.assign_due_at is not None and c.assigned_at is None and c.status != "paused":
            c.next_kind, c.next_due = "assign", c.assign_due_at  # in the queue: the dispatch deadline counts
        at = c.paused_at if c.status == "paused" and c.paused_at else now
        c.seconds_left = (c.next_due - at).total_seconds() if c.next_due else None
    return rows


def _allowed(user) -> bool:
    return has_role(user, HANDLER, MANAGER, ADMIN)


@login_required
def queue(request):
    """`/queue/`: unassigned orders of the station first (oldest first), then its open orders by
    nearest deadline; handlers take an unassigned one with one click."""
    if not _allowed(request.user):
        raise Http404
    station_id, stations = _station_choice(request)
    now = timezone.now()
    unassigned, assigned = selectors.station_queue(user=request.user, station_id=station_id)
    return render(request, "complaints/queue.html", {
        "unassigned": _with_time_left(unassigned, now), "assigned": _with_time_left(assigned, now),
        "stations": stations, "station_id": station_id, "can_take": has_role(request.user, HANDLER),
    })


@login_required
@require_POST
def queue_take(request, number):
    """One click: the handler takes the complaint (a second taker is told who was first)."""
    order = selectors.order_get(user=request.user, number=number)  # an order of any kind
    try:
        services.complaint_take(complaint=order, by=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("complaints:queue")
    if order.kind == OrderKind.COMPLAINT:
        messages.success(request, _("You took complaint %(number)s: it is yours until it is handed on.") % {
            "number": order.number})
    else:
        messages.success(request, _("You took %(kind)s %(number)s: it is yours until it is handed on.") % {
            "kind": order.get_kind_display(), "number": order.number})
    return redirect(order_url(order))


@login_required
def station_overview(request):
    """`/station/`: the station head's landing page (managers may pick a station)."""
    if not (has_role(request.user, MANAGER, ADMIN) or headed_station_ids(request.user)):
        raise Http404
    if sees_all_stations(request.user):
        station_id, stations = _station_choice(request)
    else:
        heads = sorted(headed_station_ids(request.user))
        stations = list(SupplyStation.objects.filter(pk__in=heads).order_by("code")) if len(heads) > 1 else []
        code = request.GET.get("station", "")
        station_id = next((s.pk for s in stations if s.code == code), heads[0])
    now = timezone.now()
    unassigned, assigned = selectors.station_queue(user=request.user, station_id=station_id, limit=20)
    late = _with_time_left(selectors.station_late(user=request.user, station_id=station_id, now=now), now)
    escalations = list(selectors.station_escalations(station_id=station_id))
    refs = subject_refs(escalations)
    return render(request, "complaints/station.html", {
        "station": SupplyStation.objects.filter(pk=station_id).first() if station_id else None,
        "stations": stations, "station_id": station_id, "all_choice": sees_all_stations(request.user),
        "unassigned": _with_time_left(unassigned, now), "assigned_count": len(assigned), "late": late,
        "escalations": [(e, *refs.get((e.subject_type, e.subject_id), ("", ""))) for e in escalations],
        "can_acknowledge": can_acknowledge(request.user, station_id) if station_id
        else has_role(request.user, MANAGER, ADMIN),
        "can_take": has_role(request.user, HANDLER),
    })
