"""The customer card's orders panel: every kind of the customer's orders, the kind named
(registered in core.registry.customer_panels in AppConfig.ready)."""

from __future__ import annotations

from django.utils import timezone


def complaints_panel(request, customer):
    from .selectors import customer_orders
    from .sla import sla_state

    complaints = list(customer_orders(user=request.user, customer=customer)[:20])
    now = timezone.now()
    for c in complaints:
        c.sla_state_value = sla_state(c, now)
    from servicecenter.roles import COUNTER, HANDLER, MANAGER, has_role

    return "complaints/_customer_panel.html", {"complaints": complaints, "customer": customer,
                                               "can_register": has_role(request.user, COUNTER, HANDLER, MANAGER)}


def register() -> None:
    from core.registry import customer_panels

    customer_panels.register("complaints.customer_complaints", complaints_panel, order=30)
