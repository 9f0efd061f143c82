"""The one intake for orders of every kind (SPEC §11): `ticket_intake`.

A repair call (故障报修) creates its repair work order (SPEC §4 arrival and restore deadlines by
area and grade, workorders.services.work_order_create) in the same transaction as the order, linked
both ways (the work order's `complaint` is the order; the order's answer carries `work_order`): a
failure in either writes neither. A fault inside the customer's own installation sends no crew:
the caller is guided by phone, and the order waits in the station's queue until a handler
replies. When the work order is completed, complaints.services.order_repaired resolves the order
and its callback deadline starts (called by workorders.services.work_order_complete).
"""

from __future__ import annotations

from complaints.choices import OrderKind
from complaints.models import Complaint
from complaints.services import order_intake
from workorders.choices import WorkOrderKind
from workorders.services import work_order_create


def ticket_intake(*, by, kind: str = OrderKind.COMPLAINT, **fields) -> Complaint:
    """Take in an order of any kind (complaints.services.order_intake), and a repair call's work
    order with it. The order carries `work_order_number` for its answer."""
    created = []

    def dispatch(order: Complaint) -> None:
        work_order = work_order_create(by=by, kind=WorkOrderKind.REPAIR, complaint=order, address=order.address,
                                       description=order.description)
        created.append(work_order)

    crew_needed = kind == OrderKind.REPAIR and not fields.get("inside_installation")
    order = order_intake(by=by, kind=kind, after_insert=dispatch if crew_needed else None, **fields)
    order.work_order_number = created[0].number if created else None
    return order
