"""The aggregate expressions behind the SLA summary and the reports.

Each figure is a conditional `Count(..., filter=Q(...))`; one `values(...).annotate(...)` query
computes all of them per (station, category item, grade, channel) group, and the rollups
(totals, by station, by class, ...) are sums over those few hundred rows in Python. The cost is
one scan of the period's complaints, whatever the number of breakdowns.

`now` is the moment the figures are taken at. Live (dashboard, API): the current time, and the
sweep's breach flags count too. As of a past cutoff (reports): only times up to the cutoff
count, never the flags (which may have been set later), so a rebuilt report gives the same figures.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q

from complaints.lifecycle import COMPLAINT
from workorders.lifecycle import WORK_ORDER

OPEN = COMPLAINT.open_statuses

# deadline kind -> (due field, fulfilment field, breach flag), as the lifecycles declare them
COMPLAINT_DEADLINES = {d.kind: (d.due, d.met, d.flag) for d in COMPLAINT.deadlines}
WORK_ORDER_DEADLINES = {d.kind: (d.due, d.met, d.flag) for d in WORK_ORDER.deadlines}
DEADLINE_KINDS = [*COMPLAINT_DEADLINES, *WORK_ORDER_DEADLINES]
COUNTS = ["on_time", "late", "open", "open_breached"]

# The public commitment (average arrival, State Grid 十项承诺) and the per-order ceiling
# (GB/T 28583-2012), in minutes, per area (SPEC §4).
ARRIVAL_TARGET_MINUTES = {"urban": 45, "rural": 90, "remote": 120}
ARRIVAL_CEILING_MINUTES = {"urban": 60, "rural": 120, "remote": 240}
RESTORE_TARGET_MINUTES = {"urban": 180, "rural": 240, "remote": 360}


# a deadline that only exists once an earlier step is done (as of a past cutoff it may not yet)
DEADLINE_STARTS = {"callback_due_at": "resolved_at", "restore_due_at": "arrived_at"}


def deadline_conditions(due: str, done: str, flag: str, *, now: datetime, live: bool,
                        closed: Q) -> dict[str, Q]:
    """Q objects for on time / late / open / open and overdue of one deadline.

    on time: fulfilled by `now`, not after the deadline (and, live, never flagged);
    late: fulfilled after it, or the item was closed without it (a callback nobody could make);
    open: not fulfilled yet; open_breached: open and past the deadline (or flagged, live).
    """
    has_due = Q(**{f"{due}__isnull": False})
    if due in DEADLINE_STARTS:
        has_due &= Q(**{f"{DEADLINE_STARTS[due]}__lte": now})
    fulfilled = Q(**{f"{done}__isnull": False, f"{done}__lte": now})
    not_fulfilled = Q(**{f"{done}__isnull": True}) | Q(**{f"{done}__gt": now})
    in_time = Q(**{f"{done}__lte": F(due)})
    after = Q(**{f"{done}__gt": F(due)})
    past_due = Q(**{f"{due}__lt": now})
    if live:
        in_time &= Q(**{flag: False})
        after |= Q(**{flag: True})
        past_due |= Q(**{flag: True})
    return {
        "on_time": has_due & fulfilled & in_time,
        "late": has_due & ((fulfilled & after) | (not_fulfilled & closed)),
        "open": has_due & not_fulfilled & ~closed,
        "open_breached": has_due & not_fulfilled & ~closed & past_due,
    }


def terminated_condition(*, now: datetime, live: bool) -> Q:
    """Terminated (服务终止, SPEC §11) by `now`: such orders are counted apart (`terminated`) and
    left out of every deadline figure and of `breached`. Complaints are never terminated, so
    their figures are what they were."""
    return Q(terminated_at__isnull=False) if live else Q(terminated_at__isnull=False, terminated_at__lte=now)


def complaint_aggregates(*, now: datetime, live: bool) -> dict:
    """Annotations for one group of orders (of one kind: the group has `kind`): intake,
    per-deadline counts, outcome figures. A kind without a deadline has no due time for it, so
    its counts of that deadline are zero."""
    closed = Q(status="closed", closed_at__lte=now) if not live else Q(status="closed")
    terminated = terminated_condition(now=now, live=live)
    counted = ~terminated
    aggs: dict = {"complaints": Count("id")}
    breached_any = Q(pk__in=[])
    for kind, (due, done, flag) in COMPLAINT_DEADLINES.items():
        conds = deadline_conditions(due, done, flag, now=now, live=live, closed=closed)
        for name, cond in conds.items():
            aggs[f"{kind}_{name}"] = Count("id", filter=cond & counted)
        breached_any |= conds["late"] | conds["open_breached"]
    resolved = Q(resolved_at__isnull=False, resolved_at__lte=now)
    called_back = Q(callback_at__isnull=False, callback_at__lte=now)
    aggs.update({
        "breached": Count("id", filter=breached_any & counted),
        "terminated": Count("id", filter=terminated),
        "verified_count": Count("id", filter=resolved & Q(verified=True)),
        "effective": Count("id", filter=resolved & Q(verified=True, utility_responsible=True)),
        "repeat": Count("id", filter=Q(repeat_of__isnull=False)),
        "extended": Count("id", filter=Q(resolve_due_at__gt=F("original_resolve_due_at"))),
        "satisfied": Count("id", filter=called_back & Q(satisfaction="satisfied")),
        "neutral": Count("id", filter=called_back & Q(satisfaction="neutral")),
        "dissatisfied": Count("id", filter=called_back & Q(satisfaction="dissatisfied")),
        "typical_count": Count("id", filter=Q(typical=True)),
    })
    return aggs


def open_state_conditions(now: datetime) -> dict[str, Q]:
    """Open / at risk / breached now, as the complaint list's `breached` and `at_risk` filters
    decide them (both derived from the complaint lifecycle), so a tile's count equals the list
    it links to. A paused complaint's clock stands: only its flags."""
    return COMPLAINT.open_state_conditions(now)


def open_state_aggregates(now: datetime) -> dict:
    return {name: Count("id", filter=cond) for name, cond in open_state_conditions(now).items()}


def open_state_aggregates_by_kind(now: datetime) -> dict:
    """Open / at risk / breached now of orders of every kind, each by its own kind's lifecycle
    (complaints/kinds.py): group by `kind` to get them per kind; a complaint's are exactly
    `open_state_aggregates`'."""
    from complaints.kinds import KINDS

    conds: dict[str, Q] = {}
    for code, k in KINDS.items():
        for name, cond in k.lifecycle.open_state_conditions(now).items():
            part = Q(kind=code) & cond
            conds[name] = conds[name] | part if name in conds else part
    return {name: Count("id", filter=cond) for name, cond in conds.items()}


def kind_deadlines(kind: str) -> list[str]:
    """The deadline kinds an order kind has (complaints/kinds.py), in the declaration's order."""
    from complaints.kinds import KINDS

    return [d for d in COMPLAINT_DEADLINES if d in KINDS[kind].deadlines]


def work_order_aggregates(*, now: datetime, live: bool) -> dict:
    """Annotations for repair orders of one area: arrive/restore counts and average times."""
    closed = Q(status="cancelled")
    aggs: dict = {"orders": Count("id")}
    for kind, (due, done, flag) in WORK_ORDER_DEADLINES.items():
        conds = deadline_conditions(due, done, flag, now=now, live=live, closed=closed)
        for name, cond in conds.items():
            aggs[f"{kind}_{name}"] = Count("id", filter=cond)
    arrived = Q(arrived_at__isnull=False, arrived_at__lte=now)
    restored = arrived & Q(completed_at__isnull=False, completed_at__lte=now)
    aggs["arrived"] = Count("id", filter=arrived)
    aggs["avg_arrive"] = Avg(ExpressionWrapper(F("arrived_at") - F("created_at"), output_field=DurationField()),
                             filter=arrived)
    aggs["restored"] = Count("id", filter=restored)
    aggs["avg_restore"] = Avg(ExpressionWrapper(F("completed_at") - F("arrived_at"), output_field=DurationField()),
                              filter=restored)
    return aggs


def rate(num: int, den: int) -> float | None:
    return round(num / den, 4) if den else None


def deadline_block(row: dict, kind: str) -> dict:
    """{on_time, late, open, open_breached, rate} of one deadline from summed counts.

    The on-time rate counts every deadline whose outcome is known: met on time / (met on time +
    met late + still open but already overdue). Open deadlines not yet due are left out.
    """
    block = {name: int(row.get(f"{kind}_{name}") or 0) for name in COUNTS}
    block["rate"] = rate(block["on_time"], block["on_time"] + block["late"] + block["open_breached"])
    return block
