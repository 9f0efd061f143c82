"""The work-order deadline sources of the SLA sweep (complaints/sweep.py), registered at start-up
from `WorkordersConfig.ready` so that complaints never imports work orders.

- `arrive`: runs while the order is created/dispatched/accepted/en route; warning at
  `arrive_warn_at` (the arrival target, or 0.75 of the ceiling where target and ceiling are
  equal, written by the services), breach at `arrive_due_at` (the ceiling);
- `restore`: runs while the crew is on site; warning at `restore_warn_at`, breach at
  `restore_due_at`.
The sweep reads their deadline rows (clock.Deadline), kept in step by the services. Recipients: the crew leader (the
"handler" of a work order), the station head, managers and, for grade A/B customers, the account
manager; level 3 the leadership group.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db.models import BigIntegerField, BooleanField, Case, CharField, F, Q, Value, When
from django.db.models.functions import Coalesce, Concat, NullIf

from complaints.choices import SubjectType
from complaints.sweep import DeadlineSource, NewEscalation, SubjectInfo, escalation_event, register
from core.timeline import event, write_events

from .choices import WorkOrderKind
from .models import WorkOrder, WorkOrderEvent


def describe_work_orders(ids: Iterable[int]) -> dict[int, SubjectInfo]:
    rows = (WorkOrder.objects.filter(pk__in=list(ids))
            .values_list("pk", "number", "kind", "station_id", "crew__leader_id", "station__head_id",
                         "grade_at_creation", "customer__grade", "customer__account_manager_id"))
    out = {}
    for pk, number, kind, station_id, leader_id, head_id, grade_then, grade_now, am_id in rows:
        grade = grade_then or grade_now or ""
        out[pk] = SubjectInfo(label=number, link=f"/crew/{number}/", station_id=station_id, owner_id=leader_id,
                              station_head_id=head_id, account_manager_id=am_id if grade in ("A", "B") else None,
                              # a repair is an outage: its messages do not wait for the morning
                              urgent=kind == WorkOrderKind.REPAIR)
    return out


def record_work_order_events(new: list[NewEscalation], now: datetime) -> None:
    write_events(WorkOrderEvent, [event(WorkOrderEvent, work_order_id=e.subject_id, at=now, **escalation_event(e))
                                  for e in new])


def work_order_recipients():
    """`describe_work_orders` in SQL (set-based notifications)."""
    grade = Coalesce(NullIf(F("grade_at_creation"), Value("")), F("customer__grade"), Value(""))
    return WorkOrder.objects.alias(r_grade=grade).annotate(
        r_label=F("number"), r_link=Concat(Value("/crew/"), F("number"), Value("/"), output_field=CharField()),
        r_owner=F("crew__leader_id"), r_head=F("station__head_id"),
        r_am=Case(When(Q(r_grade__in=["A", "B"]), then=F("customer__account_manager_id")), default=None,
                  output_field=BigIntegerField()),
        r_urgent=Case(When(kind=WorkOrderKind.REPAIR, then=Value(True)), default=Value(False),
                      output_field=BooleanField())).order_by()


_COMMON = {"subject_type": SubjectType.WORK_ORDER, "describe": describe_work_orders,
           "record": record_work_order_events, "events_model": WorkOrderEvent, "events_fk": "work_order_id",
           "recipients": work_order_recipients}

# Which statuses run them is the lifecycle's (workorders/lifecycle.py: arrive before arrival,
# restore on site), kept in the deadline rows the sweep reads.
ARRIVE = register(DeadlineSource(kind="arrive", **_COMMON))
RESTORE = register(DeadlineSource(kind="restore", **_COMMON))
