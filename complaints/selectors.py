"""Reads for complaints, scoped by the acting user (one place decides who sees what)."""

from __future__ import annotations

from datetime import date

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from customers.selectors import scope_q

from .calendar import calendar_warning as _calendar_warning
from .display import event_note
from .models import Complaint, ComplaintCategory, ComplaintEvent, Escalation


def complaint_scope(user) -> Q:
    """Managers/admins: all. Counter staff and handlers: their station. Account managers: their
    customers' complaints. Crews and everyone else: none."""
    return scope_q(user, prefix="customer__")


def complaint_list(*, user) -> QuerySet[Complaint]:
    """The complaints a user may see, with what the list shows already joined (constant queries)."""
    return (Complaint.objects.filter(complaint_scope(user))
            .select_related("customer", "category", "category__parent", "station", "handler", "repeat_of"))


def complaint_get(*, user, number: str | None = None, pk: int | None = None) -> Complaint:
    """One complaint by number or id; out of scope -> 404 (ids do not leak)."""
    qs = complaint_list(user=user).select_related("sla_policy", "received_by", "resolved_by")
    lookup = {"number": number} if number is not None else {"pk": pk}
    try:
        return qs.get(**lookup)
    except (Complaint.DoesNotExist, ValueError):
        raise Http404


def complaint_events(*, complaint: Complaint) -> QuerySet[ComplaintEvent]:
    return complaint.events.select_related("actor").order_by("at", "id")


def complaint_escalations(*, complaint: Complaint) -> QuerySet[Escalation]:
    return Escalation.objects.filter(complaint=complaint).order_by("created_at", "id")


def category_tree() -> list[tuple[ComplaintCategory, list[ComplaintCategory]]]:
    """Active classes with their active items (two queries' worth, one here)."""
    cats = list(ComplaintCategory.objects.filter(active=True).order_by("sort_order", "code"))
    classes = [c for c in cats if c.parent_id is None]
    return [(cls, [c for c in cats if c.parent_id == cls.pk]) for cls in classes]


def calendar_warning(today: date) -> date | None:
    """The end of the known work calendar if managers should be warned now (60 days ahead)."""
    return _calendar_warning(today)


def customer_complaints(*, user, customer) -> QuerySet[Complaint]:
    return complaint_list(user=user).filter(customer=customer)


def intake_preview(*, grade: str, severity: str, channel: str, received_at) -> dict | None:
    """The policy and the deadlines a complaint would get, before it is saved (the counter form)."""
    from servicecenter.lib import deadlines

    from .calendar import get_calendar, get_policies
    from .sla import pick_policy

    policy = pick_policy(get_policies(), severity=severity, grade=grade, channel=channel)
    if policy is None:
        return None
    cal = get_calendar()
    return {
        "policy": policy.name,
        "ack_due_at": deadlines.add(received_at, policy.ack_amount, policy.ack_unit, cal),
        "resolve_due_at": deadlines.add(received_at, policy.resolve_amount, policy.resolve_unit, cal),
        "callback": [policy.callback_amount, policy.callback_unit],
    }


def _why(event) -> str:
    """One line saying why a deadline was set or moved."""
    data = event.data or {}
    if event.kind == "received":
        return _("policy %(policy)s") % {"policy": data.get("policy", "")}
    if event.kind == "resumed":
        hours = round(data.get("paused_seconds", 0) / 3600, 1)
        return _("clock paused %(hours)s h") % {"hours": hours} + (f"; {event.note}" if event.note else "")
    if event.kind == "resolved":
        return ""
    return event_note(event.kind, event.note, data)


def sla_clock(complaint: Complaint, events) -> list[dict]:
    """Each deadline's story for the detail page: when it was set, by which policy, every move
    (pause, extension, reopen) with who and why, and whether it was met."""
    targets = complaint.sla_targets or {}
    rows = []
    for kind, field, done_at, flag in [
        ("ack", "ack_due_at", complaint.acknowledged_at, complaint.ack_breached),
        ("resolve", "resolve_due_at", complaint.resolved_at, complaint.resolve_breached),
        ("callback", "callback_due_at", complaint.callback_at, complaint.callback_breached),
    ]:
        moves = []
        for e in events:
            change = (e.data or {}).get("deadlines", {}).get(field)
            if change:
                moves.append({"event": e, "from": parse_datetime(change[0]) if change[0] else None,
                              "to": parse_datetime(change[1]) if change[1] else None, "why": _why(e)})
        due = getattr(complaint, field)
        if due is None and not moves:
            continue
        if done_at is not None and due is not None:
            met = done_at <= due and not flag
        else:
            met = False if flag else None
        rows.append({"kind": kind, "due": due, "target": targets.get(kind), "moves": moves, "done_at": done_at,
                     "met": met, "breached": flag})
    return rows
