"""Reads of the orders of every kind, scoped by the acting user (the complaints' rule, SPEC §1)."""

from __future__ import annotations

from django.db.models import OuterRef, QuerySet, Subquery
from django.http import Http404

from clock.engine import deadlines_annotation
from complaints.selectors import complaint_scope
from workorders.choices import WorkOrderKind
from workorders.models import WorkOrder

from .models import Ticket


def repair_work_order_number() -> Subquery:
    """The number of a repair call's work order, inside the order's own query (no query of its own)."""
    return Subquery(WorkOrder.objects.filter(complaint_id=OuterRef("pk"), kind=WorkOrderKind.REPAIR)
                    .order_by("id").values("number")[:1])


def ticket_list(*, user) -> QuerySet[Ticket]:
    """The orders of every kind a user may see, with what the list shows joined and annotated
    (the deadline rows, the repair work order): constant queries at any page size."""
    return (Ticket.objects.filter(complaint_scope(user))
            .select_related("customer", "category", "category__parent", "station", "handler", "repeat_of")
            .annotate(clock_rows=deadlines_annotation("complaint"), work_order_number=repair_work_order_number()))


def ticket_get(*, user, pk: int) -> Ticket:
    """One order by id; out of scope -> 404."""
    try:
        return ticket_list(user=user).select_related("sla_policy", "received_by", "resolved_by").get(pk=pk)
    except (Ticket.DoesNotExist, ValueError, TypeError):
        raise Http404
