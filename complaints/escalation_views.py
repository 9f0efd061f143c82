"""`/escalations/`: the escalation inbox. One row per late deadline at its highest level (not one
per level), the object's number linking to it; filters by station (a choice) and level; bulk
acknowledge. Managers see all stations, a station head their own, handlers their station's
(read only)."""

from __future__ import annotations

import django_filters
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from customers.models import SupplyStation
from customers.selectors import user_station_id
from servicecenter.inputs import MAX_NOTE, safe_next
from servicecenter.roles import ADMIN, HANDLER, MANAGER, has_role, sees_all_stations

from .api.escalations import EscalationFilterSet
from .escalations import (
    can_acknowledge,
    escalation_acknowledge_many,
    escalation_list,
    escalation_top_list,
    headed_station_ids,
    subject_refs,
)

PAGE_SIZE = 50


class EscalationInboxFilterSet(EscalationFilterSet):
    """The API's filters, with the station picked from a list (by code) instead of typed."""

    station = django_filters.ModelChoiceFilter(field_name="station", to_field_name="code",
                                               queryset=SupplyStation.objects.none(),
                                               label=gettext_lazy("Station"))

    def __init__(self, *args, stations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["station"].queryset = stations
        self.form.fields["station"].queryset = stations


def _stations(user):
    if sees_all_stations(user):
        return SupplyStation.objects.order_by("code")
    ids = set(headed_station_ids(user))
    station_id = user_station_id(user) if has_role(user, HANDLER) else None
    if station_id:
        ids.add(station_id)
    return SupplyStation.objects.filter(pk__in=ids).order_by("code")


def _visible(user) -> bool:
    return has_role(user, MANAGER, ADMIN, HANDLER) or bool(headed_station_ids(user))


def _safe_next(request) -> str:
    return safe_next(request, "/escalations/")


@login_required
def escalation_inbox(request):
    if not _visible(request.user):
        raise Http404
    params = request.GET.copy()
    for key in ("station", "level", "kind"):  # an empty choice ("all") is no filter
        if key in params and not any(params.getlist(key)):
            del params[key]
    if "acknowledged" not in params:
        params["acknowledged"] = "false"  # the inbox: what still needs someone's attention
    stations = _stations(request.user)
    qs = escalation_top_list(user=request.user).order_by("-level", "due_at", "-id")
    filterset = EscalationInboxFilterSet(params, queryset=qs, stations=stations)
    # an unknown station or level shows nothing (and says why), never everything
    page = Paginator(filterset.qs if filterset.is_valid() else qs.none(), PAGE_SIZE).get_page(request.GET.get("page"))
    items = list(page.object_list)
    refs = subject_refs(items)
    rows = [(esc, *refs.get((esc.subject_type, esc.subject_id), ("", "")), can_acknowledge(request.user, esc.station_id))
            for esc in items]
    query = params.copy()
    query.pop("page", None)
    return render(request, "complaints/escalations.html", {
        "filterset": filterset, "page": page, "rows": rows, "query": query.urlencode(), "stations": stations,
        "selected_station": params.get("station", ""), "selected_level": params.get("level", ""),
        "selected_kind": params.get("kind", ""), "acknowledged": params.get("acknowledged"),
        "can_acknowledge": any(r[3] for r in rows),
    })


def _acknowledge(request, ids):
    if not ids:
        messages.error(request, _("Select at least one escalation."))
        return redirect(_safe_next(request))
    note = request.POST.get("note", "")
    if len(note) > MAX_NOTE:
        messages.error(request, _("At most %(n)s characters.") % {"n": MAX_NOTE})
        return redirect(_safe_next(request))
    done = escalation_acknowledge_many(user=request.user, ids=ids, note=note)
    if done["deadlines"]:
        messages.success(request, ngettext("%(n)d late deadline acknowledged.", "%(n)d late deadlines acknowledged.",
                                           done["deadlines"]) % {"n": done["deadlines"]})
    else:
        messages.info(request, _("Already acknowledged: nothing changed."))
    return redirect(_safe_next(request))


@login_required
@require_POST
def escalation_acknowledge_bulk(request):
    """The inbox's "Acknowledge selected": every level of each selected late deadline, once."""
    if not can_acknowledge(request.user):
        raise Http404
    try:
        ids = sorted({int(v) for v in request.POST.getlist("ids")})
    except ValueError:
        raise Http404
    return _acknowledge(request, ids)


@login_required
@require_POST
def escalation_acknowledge_view(request, pk: int):
    """One row's "Acknowledge": that late deadline, every level of it."""
    if not can_acknowledge(request.user) or not escalation_list(user=request.user).filter(pk=pk).exists():
        raise Http404
    return _acknowledge(request, [pk])
