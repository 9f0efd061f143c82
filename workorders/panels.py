"""The customer card's "Work orders" panel (registered in core.registry.customer_panels in AppConfig.ready).

Whoever may open the customer card (it is scoped by customers.selectors.customer_list) sees the
customer's work orders there: account managers follow their customers' repairs this way.
"""

from __future__ import annotations

from django.utils import timezone

from servicecenter.roles import ADMIN, HANDLER, MANAGER, has_role


def work_orders_panel(request, customer):
    from .selectors import is_crew_only, with_current_deadline

    if is_crew_only(request.user):
        return None
    orders = list(with_current_deadline(customer.work_orders.select_related("crew", "complaint"))
                  .order_by("-created_at", "-id")[:20])
    return "workorders/_customer_panel.html", {
        "work_orders": orders, "customer": customer, "now": timezone.now(),
        "link_orders": has_role(request.user, HANDLER, MANAGER, ADMIN),
    }


def register() -> None:
    from core.registry import customer_panels

    customer_panels.register("workorders.customer_work_orders", work_orders_panel, order=40)
