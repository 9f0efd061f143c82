"""Reads for complaints, scoped by the acting user (one place decides who sees what)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from clock.engine import deadlines_annotation
from customers.selectors import scope_q

from .display import event_note, policy_label
from .models import Complaint, ComplaintCategory, ComplaintEvent, Escalation


def complaint_scope(user) -> Q:
    """Managers/admins: all. Counter staff and handlers: their station. Account managers: their
    customers' complaints. Crews and everyone else: none."""
    return scope_q(user, prefix="customer__")


# --- reports (举报): the informant ----------------------------------------------------------------
# SPEC §11: the informant of a report may stay anonymous and is never shown to the staff or station
# reported. The one rule: the informant (the complainant fields and the customer of a report) is
# shown to managers and administrators only; everyone else sees the report without them (API,
# pages, search).

INFORMANT_FIELDS = ("complainant_name", "complainant_phone", "customer")


def informant_hidden(user, order) -> bool:
    """Whether `user` may not see who filed this order (a report's informant)."""
    from servicecenter.roles import sees_all_stations

    from .choices import OrderKind

    return getattr(order, "kind", "") == OrderKind.REPORT and not sees_all_stations(user)


def informant_searchable_q(user) -> Q:
    """The orders whose informant fields `user` may search by (not the reports, unless a manager)."""
    from servicecenter.roles import sees_all_stations

    from .choices import OrderKind

    return Q() if sees_all_stations(user) else ~Q(kind=OrderKind.REPORT)


def complaint_list(*, user) -> QuerySet[Complaint]:
    """The complaints a user may see, with what the list shows already joined (constant queries)."""
    return (Complaint.objects.filter(complaint_scope(user))
            .select_related("customer", "category", "category__parent", "station", "handler", "repeat_of"))


def complaint_get(*, user, number: str | None = None, pk: int | None = None) -> Complaint:
    """One complaint by number or id; out of scope -> 404 (ids do not leak)."""
    qs = (complaint_list(user=user).select_related("sla_policy", "received_by", "resolved_by")
          .annotate(clock_rows=deadlines_annotation("complaint")))
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


# Repeat complaints (SPEC §3): an earlier complaint of the same customer or phone within the
# window (settings.REPEAT_WINDOW, "30 days" by default) makes a complaint a repeat; the third
# within the window raises the early warning (重复投诉预警).
REPEAT_WARNING_AT = 3


def repeat_window() -> timedelta:
    return settings.REPEAT_WINDOW


def customer_complaints(*, user, customer) -> QuerySet[Complaint]:
    return complaint_list(user=user).filter(customer=customer)


def order_list(*, user) -> QuerySet[Complaint]:
    """The orders of EVERY kind a user may see (the complaints' scope), with what lists show
    joined: the queue, the work list, the customer card (tickets.selectors.ticket_list is the
    same over the Ticket proxy, for /tickets/)."""
    return (Complaint.all_kinds.filter(complaint_scope(user))
            .select_related("customer", "category", "category__parent", "station", "handler", "repeat_of"))


def order_get(*, user, number: str) -> Complaint:
    """One order of any kind by number; out of scope -> 404."""
    try:
        return (order_list(user=user).select_related("sla_policy", "received_by", "resolved_by")
                .annotate(clock_rows=deadlines_annotation("complaint")).get(number=number))
    except (Complaint.DoesNotExist, ValueError):
        raise Http404


def customer_orders(*, user, customer) -> QuerySet[Complaint]:
    """The customer card's orders: every kind, newest first; a report (whose customer is its
    informant) only for those who may see informants (informant_searchable_q)."""
    return (order_list(user=user).filter(customer=customer).filter(informant_searchable_q(user))
            .order_by("-received_at", "-id"))


def intake_preview(*, grade: str, severity: str, channel: str, received_at, kind: str = "complaint",
                   service_type: str = "") -> dict | None:
    """The policy and the deadlines an order of `kind` would get, before it is saved (the counter
    form): the policy picked as the intake picks it (complaints.services.order_intake: severity,
    grade, channel, kind, service type) and the deadlines its kind has (complaints/kinds.py)."""
    from core.calendar import get_calendar
    from servicecenter.lib import deadlines

    from .kinds import KINDS
    from .reference import get_policies
    from .sla import pick_policy

    decl = KINDS.get(kind)
    if decl is None:
        return None
    policy = pick_policy(get_policies(), severity=severity, grade=grade, channel=channel, kind=decl.code,
                         service_type=service_type if decl.code == "service" else "")
    if policy is None:
        return None
    cal = get_calendar()
    targets = policy.targets(decl.deadlines)
    due = {k: deadlines.add(received_at, *targets[k], cal) for k in ("ack", "resolve")
           if k in decl.deadlines and targets.get(k)}
    return {
        "policy": policy.name,
        "ack_due_at": due.get("ack"),
        "resolve_due_at": due.get("resolve"),
        "callback": list(targets["callback"]) if "callback" in decl.deadlines and targets.get("callback") else None,
    }


def _why(event) -> str:
    """One line saying why a deadline was set or moved."""
    data = event.data or {}
    if event.kind == "received":
        return _("policy %(policy)s") % {"policy": policy_label(data.get("policy", ""))}
    if event.kind == "resumed":
        hours = round(data.get("paused_seconds", 0) / 3600, 1)
        return _("clock paused %(hours)s h") % {"hours": hours} + (f"; {event.note}" if event.note else "")
    if event.kind == "resolved":
        return ""
    return event_note(event.kind, event.note, data)


def sla_clock(complaint: Complaint, events) -> list[dict]:
    """Each deadline's story for the detail page: when it was set, by which policy, every move
    (pause, extension, reopen) with who and why, and whether it was met."""
    from core.calendar import get_calendar

    from .kinds import kind_of
    from .sla import deadline_provisional

    targets = complaint.sla_targets or {}
    cal = get_calendar()
    rows = []
    for kind, field, done_at, flag in [
        ("ack", "ack_due_at", complaint.acknowledged_at, complaint.ack_breached),
        ("resolve", "resolve_due_at", complaint.resolved_at, complaint.resolve_breached),
        ("callback", "callback_due_at", complaint.callback_at, complaint.callback_breached),
    ]:
        if kind not in kind_of(complaint).deadlines:
            continue  # a deadline its kind does not have (an enquiry's first contact, a repair's reply)
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
                     "met": met, "breached": flag, "provisional": deadline_provisional(complaint, kind, cal)})
    return rows


# --- the station queue and the station overview (SPEC §4, §8) ------------------------------------

def next_deadline():
    """(due, kind) expressions of the deadline running for a complaint's status (a paused one: the
    deadline of the status it was paused from), as the lifecycle declares them: the queue's and the
    work list's order."""
    from .lifecycle import COMPLAINT

    return COMPLAINT.current_deadline(), COMPLAINT.current_kind()


def queue_station_id(user, requested: int | None = None) -> int | None:
    """Whose queue a user sees: a handler their own station's (whatever they ask for); a manager
    or admin the station they chose (None: every station)."""
    from customers.selectors import user_station_id
    from servicecenter.roles import sees_all_stations

    if sees_all_stations(user):
        return requested
    return user_station_id(user)


def station_queue(*, user, station_id: int | None, limit: int = 200) -> tuple[list[Complaint], list[Complaint]]:
    """The station's queue: (unassigned open complaints, oldest first; the station's other open
    complaints, nearest running deadline first). Two queries, each over the station/status index."""
    from django.db.models import F

    from .lifecycle import OPEN_STATUSES

    due, kind = next_deadline()
    qs = (order_list(user=user).filter(status__in=OPEN_STATUSES)  # every kind (SPEC §11)
          .select_related(None).select_related("customer", "category", "station", "handler")
          .annotate(next_due=due, next_kind=kind))
    if station_id is not None:
        qs = qs.filter(station_id=station_id)
    unassigned = list(qs.filter(handler__isnull=True).order_by("received_at", "id")[:limit])
    assigned = list(qs.filter(handler__isnull=False)
                    .order_by(F("next_due").asc(nulls_last=True), "received_at", "id")[:limit])
    return unassigned, assigned


def station_late(*, user, station_id: int | None, now, limit: int = 50) -> list[Complaint]:
    """The station's open orders of every kind that are late (a deadline breached or already past)."""
    from django.db.models import F

    from .filters import breached_q
    from .lifecycle import OPEN_STATUSES

    due, kind = next_deadline()
    qs = (order_list(user=user).filter(status__in=OPEN_STATUSES).filter(breached_q(now))
          .select_related(None).select_related("customer", "category", "station", "handler")
          .annotate(next_due=due, next_kind=kind))
    if station_id is not None:
        qs = qs.filter(station_id=station_id)
    return list(qs.order_by(F("next_due").asc(nulls_last=True), "id")[:limit])


def station_escalations(*, station_id: int | None, limit: int = 50) -> QuerySet[Escalation]:
    """The station's escalations nobody acknowledged yet, highest level and newest first."""
    qs = Escalation.objects.filter(acknowledged_at__isnull=True).select_related("station", "complaint")
    if station_id is not None:
        qs = qs.filter(station_id=station_id)
    return qs.order_by("-level", "-created_at", "-id")[:limit]
