"""Reads of outages: the user's scope, the list, intake's lookup, the public list, the
frequent-outage warnings."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import connection
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from customers.selectors import user_station_id
from servicecenter.roles import ADMIN, COUNTER, HANDLER, MANAGER, has_role, sees_all_stations

from .choices import OutageStatus as S
from .lifecycle import OUTAGE
from .models import FrequentOutageWarning, Outage

PUBLIC_RESTORED_WINDOW = timedelta(days=2)



def outage_scope(user) -> Q:
    """Managers and admins: every outage. Counter staff and handlers: their station's. Others
    (account managers, crews): none here."""
    if sees_all_stations(user):
        return Q()
    if has_role(user, COUNTER, HANDLER):
        station_id = user_station_id(user)
        if station_id:
            return Q(station_id=station_id)
    return Q(pk__in=[])


def outage_list(*, user) -> QuerySet[Outage]:
    """The outages a user may see, with what the list shows joined and counted (constant queries:
    the page, plus one prefetch each for lines and areas): the calls linked and the deadline rows
    as subqueries of the outage's own query (no GROUP BY over the joins)."""
    from clock.engine import deadlines_annotation

    from .models import OutageLink

    links = (OutageLink.objects.filter(outage_id=OuterRef("pk")).order_by().values("outage_id")
             .annotate(n=Count("id")).values("n"))
    return (Outage.objects.filter(outage_scope(user))
            .select_related("station", "created_by", "work_order", "work_order__crew")
            .prefetch_related("lines", "areas")
            .annotate(links_count=Coalesce(Subquery(links, output_field=IntegerField()), 0),
                      clock_rows=deadlines_annotation("outage")))


def can_manage(user, outage: Outage | None = None, *, station_id: int | None = None) -> bool:
    """May this user create or act on an outage of the station: managers and admins any station,
    a handler (the dispatcher) their own station's."""
    if has_role(user, MANAGER, ADMIN):
        return True
    station_id = outage.station_id if outage is not None else station_id
    return has_role(user, HANDLER) and station_id is not None and user_station_id(user) == station_id


def allowed_actions(outage: Outage, user=None) -> list[str]:
    """The declared actions of the outage's status; with a user, those their role may take."""
    actions = OUTAGE.allowed(outage.status)
    if user is not None:
        actions = [a for a in actions if OUTAGE.may(a, _roles(user)) and can_manage(user, outage)]
    return actions


def _roles(user) -> set[str]:
    from servicecenter.roles import user_roles

    return user_roles(user)


def active_q(now: datetime) -> Q:
    """Active: the power is off (in progress), or an announced outage whose planned start passed."""
    return Q(status=S.IN_PROGRESS) | Q(status=S.ANNOUNCED, planned_start__lte=now)


LOOKUP_FIELDS = ("id", "number", "kind", "status", "cause", "scope_name", "planned_start", "started_at",
                 "estimated_restore_at", "station_id")
# active_outage_for on PostgreSQL: the ORM query's SQL (the same order, NULLs of started_at first),
# its columns in the model's field order (what Outage.from_db reads)
_LOOKUP_COLUMNS = [f.attname for f in Outage._meta.concrete_fields if f.attname in LOOKUP_FIELDS]
_LOOKUP_SQL = (
    f"SELECT {', '.join('o.' + c for c in _LOOKUP_COLUMNS)} FROM outages_outage o "
    "JOIN outages_outagecustomer oc ON oc.outage_id = o.id "
    "WHERE oc.customer_id = %s AND (o.status = %s OR (o.status = %s AND o.planned_start <= %s)) "
    "ORDER BY o.started_at DESC, o.id DESC LIMIT 1")


def active_outage_for(customer, *, now: datetime | None = None) -> Outage | None:
    """The active outage covering a customer, in ONE query (the resolved scope's index
    outages_oc_customer, then the outage by primary key); the latest when several overlap.

    The intake pages' notice runs it for every customer picked, so on PostgreSQL it is one plain
    SQL statement read into a deferred instance (`Outage.from_db`): the ORM's compilation of the
    join cost ~1 ms of CPU, more than the statement itself (bench scenario `outages`). Elsewhere
    (SQLite) the same query through the ORM. Intake itself (services.link_taken_order) runs the
    same query inside the PostgreSQL function `outages_order_taken` (migration 0002), which links
    the order in the same call: a change of this query is a change of that function too."""
    if customer is None or getattr(customer, "pk", None) is None:
        return None
    now = now or timezone.now()
    if connection.vendor != "postgresql":
        return (Outage.objects.filter(active_q(now), scope_customers__customer_id=customer.pk)
                .only(*LOOKUP_FIELDS).order_by("-started_at", "-id").first())
    with connection.cursor() as cur:
        cur.execute(_LOOKUP_SQL, [customer.pk, S.IN_PROGRESS, S.ANNOUNCED, now])
        row = cur.fetchone()
    return None if row is None else Outage.from_db(connection.alias, _LOOKUP_COLUMNS, row)


def intake_notice(customer) -> dict | None:
    """core.registry.intake_notices: what the counter and phone pages show before saving (one
    query: active_outage_for)."""
    outage = active_outage_for(customer)
    if outage is None:
        return None
    return {"id": outage.pk, "number": outage.number, "kind": outage.kind, "kind_label": str(outage.get_kind_display()),
            "status": outage.status, "cause": outage.cause, "scope": outage.scope_name,
            "since": outage.begins_at, "estimated_restore_at": outage.estimated_restore_at,
            "link": f"/outages/{outage.number}/", "template": "outages/_intake_notice.html"}


def public_outages(*, now: datetime | None = None) -> QuerySet[Outage]:
    """The public list: coming (announced), in progress, restored in the last two days; the
    caller shows no personal data (only the outage's own columns and its areas' names)."""
    now = now or timezone.now()
    return (Outage.objects.filter(Q(status__in=[S.ANNOUNCED, S.IN_PROGRESS])
                                  | Q(status=S.RESTORED, restored_at__gte=now - PUBLIC_RESTORED_WINDOW))
            .select_related("station").prefetch_related("lines", "areas")
            .order_by("status", "planned_start", "-id"))


def outages_in_area(text: str) -> QuerySet:
    """The ids of the outages whose scope has a line or transformer area of that code, or whose
    name contains the text (the public page's "by area")."""
    from .models import OutageArea, OutageLine

    lines = OutageLine.objects.filter(Q(line__code=text) | Q(line__name__icontains=text)).values("outage_id")
    areas = OutageArea.objects.filter(Q(area__code=text) | Q(area__name__icontains=text)).values("outage_id")
    return Outage.objects.filter(Q(pk__in=lines) | Q(pk__in=areas)).values("pk")


def order_of_station(subject_type: str, subject_id: int, station_id: int) -> bool:
    """Does the order (a complaint-table order of any kind, or a work order) exist in the station?"""
    from complaints.models import Complaint
    from workorders.models import WorkOrder

    from .choices import LinkSubject

    # the base manager: orders of every kind share the complaints table
    model = {LinkSubject.COMPLAINT: Complaint._base_manager, LinkSubject.WORK_ORDER: WorkOrder._base_manager}.get(
        subject_type)
    return model is not None and model.filter(pk=subject_id, station_id=station_id).exists()


def frequent_warnings(*, user, since: datetime | None = None) -> QuerySet[FrequentOutageWarning]:
    """The frequent-outage warnings for the dashboard: managers all, station staff their station's."""
    qs = FrequentOutageWarning.objects.select_related("station", "line", "area", "outage")
    if since is not None:
        qs = qs.filter(created_at__gte=since)
    if sees_all_stations(user):
        return qs
    station_id = user_station_id(user)
    return qs.filter(station_id=station_id) if station_id else qs.none()
