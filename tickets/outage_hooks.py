"""Restore closes the loop for the order kinds (SPEC §12): registered in core.registry.outage_restored
(tickets/apps.py). At an outage's restore, the repair calls and enquiries linked to it are closed
with the outage's result (complaints.services.order_close_with_result: the result is their reply,
their deadlines stop, one `closed` event naming the outage). A repair call the handler marked a
different fault is not closed by this restore (its own crew is on it); complaints stay for a
handler (outages: the restore on their timeline and a proposed reply).

The handler reads only what the registry hands it (the outage, its open links): no import of the
outages app."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from complaints.choices import OrderKind, SubjectType
from complaints.models import Complaint
from complaints.services import order_close_with_result
from core.i18n import site_language

CLOSED_KINDS = (OrderKind.REPAIR, OrderKind.ENQUIRY)


def outage_result(outage) -> str:
    """The reply an order gets from its outage: restored when, and the outage's result."""
    at = timezone.localtime(outage.restored_at).strftime("%Y-%m-%d %H:%M") if outage.restored_at else "-"
    with site_language():
        text = _("Power restored at %(at)s (outage %(number)s, %(scope)s).") % {
            "at": at, "number": outage.number, "scope": outage.scope_name}
    result = (getattr(outage, "result", "") or "").strip()
    return f"{text} {result}" if result else text


def close_linked_orders(*, outage, links, by, now) -> list[int]:
    """core.registry.outage_restored: the ids of the links of repair calls and enquiries closed (or
    already closed, so the link is done)."""
    links = {x.subject_id: x for x in links if x.subject_type == SubjectType.COMPLAINT and not x.different_fault}
    if not links:
        return []
    text = outage_result(outage)
    done = []
    for order in (Complaint.all_kinds.filter(pk__in=list(links), kind__in=CLOSED_KINDS)
                  .only("id", "kind", "status").order_by("pk")):
        order_close_with_result(order=order, by=by, result=text, now=now, outage=outage.number,
                                restored_at=timezone.localtime(outage.restored_at).isoformat()
                                if outage.restored_at else None)
        done.append(links[order.pk].pk)
    return done
