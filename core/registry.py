"""The one registry mechanism: how a higher app plugs into a lower app's extension point.

A lower app never imports a higher one; instead it offers a `Registry`, and each higher app
registers into it when Django starts (its AppConfig.ready() or its autodiscovered module):

    # grading/apps.py
    from core.registry import customer_panels
    customer_panels.register("grading.grade_history", grade_history_panel, order=20)

Items are listed by `order`, then in the order they were registered. The registries of the
product live here:

- `customer_panels`: sections of the customer card (/customers/<account_no>/). A panel is a
  callable (request, customer) -> (template_name, context) or None (nothing to show for this
  user/customer); the card renders each returned template with its context, in order.
- `intake_notices`: what the intake pages (counter, phone) show for the customer being served
  before saving, e.g. the active outage covering them (outages). A notice is a callable
  (customer) -> a small dict or None, costing at most ONE query; `intake_notices_for(customer)`
  gives {key: dict} of those with something to show.
- `outboxes`: further outbox tables delivered by core.delivery (`core.delivery.Outbox`), e.g.
  the customers' SMS of an outage; the staff notifications are always the first.
- `outage_restored`: what happens to the orders linked to an outage when its power is restored
  (SPEC §12 "Restore closes the loop"). A handler is a callable
  (*, outage, links, by, now) -> the ids of the links (outages.OutageLink) it closed; it runs in
  the restore's transaction (in a savepoint of its own: a failing handler is logged and leaves its
  links to the default). The order kinds plug in here (repair calls and enquiries closed with the
  outage's result); links no handler closed get the default (outages.services._close_loop).
- `order_taken`: told of every order taken at intake (counter, phone, API), inside intake's
  transaction: a callable (*, subject_type, subject_id, customer, kind, different_fault, by, now)
  -> a small dict or None; `order_taken_by(...)` gives {key: dict}. Outages link the order to the
  active outage covering the customer and answer `joins` for a repair call inside a fault outage
  (no crew of its own, unless the handler said `different_fault`).
- `labels`: display labels of subject types and deadline kinds that higher apps add to the
  engine ("subject:outage", "deadline:notice"), for the escalation texts of the sweep.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Generic, TypeVar

T = TypeVar("T")


class Registry(Generic[T]):
    """Named items with an order. Registering a name again replaces its item (a module imported
    twice registers once)."""

    def __init__(self, name: str):
        self.name = name
        self._items: dict[str, tuple[int, T]] = {}

    def register(self, key: str, item: T, *, order: int = 50) -> T:
        self._items[key] = (order, item)
        return item

    def items(self) -> list[tuple[str, T]]:
        """(key, item) by order, then registration (a stable sort keeps the dict's order)."""
        return [(key, item) for key, (_order, item) in sorted(self._items.items(), key=lambda kv: kv[1][0])]

    def __iter__(self) -> Iterator[T]:
        return (item for _key, item in self.items())

    def __len__(self) -> int:
        return len(self._items)

    def __repr__(self) -> str:
        return f"<Registry {self.name}: {', '.join(self._items)}>"


Panel = Callable[..., "tuple[str, dict] | None"]

customer_panels: Registry[Panel] = Registry("customer card panels")


def render_customer_panels(request, customer) -> list[tuple[str, dict]]:
    """(template, context) of every registered panel with something to show, in order."""
    return [result for panel in customer_panels if (result := panel(request, customer)) is not None]


IntakeNotice = Callable[..., "dict | None"]

intake_notices: Registry[IntakeNotice] = Registry("intake notices")


def intake_notices_for(customer) -> dict[str, dict]:
    """{key: notice} of every registered intake notice with something to say about `customer`
    (each costs at most one query; none when there is no customer)."""
    if customer is None:
        return {}
    return {key: result for key, notice in intake_notices.items() if (result := notice(customer)) is not None}


outboxes: Registry = Registry("outboxes")


OutageRestored = Callable[..., "Iterable[int] | None"]

outage_restored: Registry[OutageRestored] = Registry("outage restored")

labels: Registry = Registry("labels")


def label(group: str, value: str, default=None):
    """The registered label of `value` in `group` ("subject", "deadline"), else `default`."""
    return next((item for key, item in labels.items() if key == f"{group}:{value}"), default)


OrderTaken = Callable[..., "dict | None"]

order_taken: Registry[OrderTaken] = Registry("order taken")


def order_taken_by(*, subject_type: str, subject_id: int, customer, kind: str = "", different_fault: bool = False,
                   by=None, now=None) -> dict[str, dict]:
    """{key: answer} of every `order_taken` handler with something to say (none without a customer)."""
    if customer is None:
        return {}
    out = {}
    for key, handler in order_taken.items():
        answer = handler(subject_type=subject_type, subject_id=subject_id, customer=customer, kind=kind,
                         different_fault=different_fault, by=by, now=now)
        if answer is not None:
            out[key] = answer
    return out
