"""Reads for crews and work orders, scoped by the acting user (one place decides who sees what).

- managers / admins: every station;
- handlers and counter staff: their station's orders;
- crew members: the orders of their crews only (and the minimum of the customer, see the
  serializers and the tablet templates);
- anyone else: nothing (an id outside the scope answers 404).
"""

from __future__ import annotations

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from customers.selectors import user_station_id
from servicecenter.roles import ADMIN, COUNTER, CREW, HANDLER, MANAGER, has_role, sees_all_stations

from .choices import WorkOrderStatus
from .lifecycle import OPEN_STATUSES, WORK_ORDER
from .models import Crew, WorkOrder


def user_crew_ids(user) -> list[int]:
    cached = getattr(user, "_crew_ids", None)
    if cached is None:
        cached = list(Crew.objects.filter(members=user).values_list("id", flat=True)) if user.is_authenticated else []
        user._crew_ids = cached
    return cached


def with_current_deadline(qs: QuerySet[WorkOrder]) -> QuerySet[WorkOrder]:
    """Annotate `current_due_at`: the deadline the order is working against now."""
    return qs.annotate(current_due_at=WORK_ORDER.current_deadline(default=F("due_at")))


def work_order_scope(*, user) -> Q:
    """The condition a user's visible orders satisfy (Q(pk__in=[]) = none)."""
    if sees_all_stations(user):
        return Q()
    cond = Q(pk__in=[])
    if has_role(user, HANDLER, COUNTER):
        station_id = user_station_id(user)
        if station_id:
            cond |= Q(station_id=station_id)
    if has_role(user, CREW):
        crew_ids = user_crew_ids(user)
        if crew_ids:
            cond |= Q(crew_id__in=crew_ids)
    return cond


def work_order_list(*, user) -> QuerySet[WorkOrder]:
    """Orders a user may see, with what list pages and the API show already joined."""
    qs = WorkOrder.objects.select_related("station", "crew", "customer", "complaint", "complaint__category")
    return with_current_deadline(qs.filter(work_order_scope(user=user)))


def crew_open_orders(*, user) -> QuerySet[WorkOrder]:
    """The tablet list: open orders of the user's crews, most urgent first."""
    qs = work_order_list(user=user).filter(crew_id__in=user_crew_ids(user), status__in=OPEN_STATUSES)
    return qs.exclude(status=WorkOrderStatus.CREATED).order_by(
        F("current_due_at").asc(nulls_last=True), "priority", "created_at")


def is_crew_only(user) -> bool:
    """A crew member without an office role: sees only the minimum of the customer."""
    return has_role(user, CREW) and not has_role(user, HANDLER, COUNTER, MANAGER, ADMIN)


def can_manage(user, work_order: WorkOrder | None = None, *, station_id: int | None = None) -> bool:
    """Create, dispatch, cancel: handlers of the order's station, managers, admins."""
    if sees_all_stations(user):
        return True
    if not has_role(user, HANDLER):
        return False
    sid = work_order.station_id if work_order is not None else station_id
    return sid is not None and sid == user_station_id(user)


def can_work(user, work_order: WorkOrder) -> bool:
    """Accept, depart, arrive, complete, add photos: members of the order's crew (and whoever
    may manage the order, recording a step reported by phone)."""
    if work_order.crew_id and work_order.crew_id in user_crew_ids(user):
        return True
    return can_manage(user, work_order)


def crew_list(*, user) -> QuerySet[Crew]:
    qs = Crew.objects.select_related("station", "leader").prefetch_related("members")
    if sees_all_stations(user):
        return qs
    cond = Q(pk__in=user_crew_ids(user))
    if has_role(user, HANDLER, COUNTER) and user_station_id(user):
        cond |= Q(station_id=user_station_id(user))
    return qs.filter(cond)


def overdue_condition(now=None) -> Q:
    """Open orders past the deadline they are working against."""
    now = now or timezone.now()
    # the declared running deadlines (arrive, restore), and the due date of the kinds without them
    return WORK_ORDER.overdue_q(now) | Q(status__in=OPEN_STATUSES, arrive_due_at__isnull=True, due_at__lt=now)
