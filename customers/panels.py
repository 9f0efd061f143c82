"""Sections that higher apps add to the customer card (/customers/<account_no>/).

customers knows nothing of complaints, work orders or grading; those apps register a panel in
their AppConfig.ready():

    from customers.panels import register_customer_panel
    register_customer_panel("grading.grade_history", grade_history_panel, order=20)

A panel is a callable (request, customer) -> (template_name, context) or None (nothing to show
for this user/customer). The card view renders each returned template with its context, in order.
"""

from __future__ import annotations

from collections.abc import Callable

Panel = Callable[..., "tuple[str, dict] | None"]

_PANELS: dict[str, tuple[int, Panel]] = {}


def register_customer_panel(key: str, panel: Panel, *, order: int = 50) -> None:
    _PANELS[key] = (order, panel)


def customer_panels(request, customer) -> list[tuple[str, dict]]:
    out = []
    for _order, panel in sorted(_PANELS.values(), key=lambda item: item[0]):
        result = panel(request, customer)
        if result is not None:
            out.append(result)
    return out
