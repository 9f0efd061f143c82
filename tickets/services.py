"""The one intake for orders of every kind (SPEC §11): `ticket_intake`.

A repair call (故障报修) creates its repair work order (SPEC §4 arrival and restore deadlines by
area and grade, workorders.services.work_order_create) in the same transaction as the order, linked
both ways (the work order's `complaint` is the order; the order's answer carries `work_order`): a
failure in either writes neither. A fault inside the customer's own installation sends no crew:
the caller is guided by phone, and the order waits in the station's queue until a handler
replies. When the work order is completed, complaints.services.order_repaired resolves the order
and its callback deadline starts (called by workorders.services.work_order_complete).

A repair call for a customer inside an active FAULT outage (SPEC §12) joins it: intake links it
(core.registry.order_taken, answered by outages) and no crew of its own is sent (the outage has its
repair work order), unless the handler says it is a different fault (`different_fault`).
"""

from __future__ import annotations

from complaints.choices import OrderKind
from complaints.models import Complaint
from complaints.services import order_intake
from workorders.choices import WorkOrderKind
from workorders.services import work_order_create


def joined_outage(order: Complaint) -> dict | None:
    """The answer of the app that says the order joins an outage (no crew of its own), else None."""
    return next((answer for answer in (getattr(order, "taken", None) or {}).values() if answer.get("joins")), None)


def ticket_intake(*, by, kind: str = OrderKind.COMPLAINT, different_fault: bool = False, **fields) -> Complaint:
    """Take in an order of any kind (complaints.services.order_intake), and a repair call's work
    order with it, unless it joins an active fault outage. The order carries `work_order_number`
    and `outage_number` (the outage it was linked to) for its answer."""
    created = []

    def dispatch(order: Complaint) -> None:
        if joined_outage(order) is not None:
            return  # the outage's crew is on it (SPEC §12)
        work_order = work_order_create(by=by, kind=WorkOrderKind.REPAIR, complaint=order, address=order.address,
                                       description=order.description)
        created.append(work_order)

    crew_needed = kind == OrderKind.REPAIR and not fields.get("inside_installation")
    order = order_intake(by=by, kind=kind, after_insert=dispatch if crew_needed else None,
                         different_fault=different_fault, **fields)
    order.work_order_number = created[0].number if created else None
    order.outage_number = next((a.get("number") for a in (getattr(order, "taken", None) or {}).values()
                                if a.get("number")), None)
    return order
