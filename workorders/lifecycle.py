"""The work-order lifecycle, declared once (SPEC §3, §4, §10): statuses, the actions each allows,
the roles of each action and the deadlines that run in each status. The 409 answers, the crew's
next step, the `overdue` filter, the work lists and the deadline rows the sweep reads are derived
from WORK_ORDER (see clock/lifecycle.py).

Roles: `crew` means a member of the order's own crew (selectors.can_work); `handler` one of the
order's station (selectors.can_manage); managers and admins every order.
"""

from __future__ import annotations

from django.db.models import CharField, F, JSONField, Value
from django.db.models.functions import Concat

from clock.lifecycle import Deadline, Lifecycle, Status, register

from .choices import WorkOrderAction as A
from .choices import WorkOrderStatus as S

OFFICE = frozenset({"handler", "manager", "admin"})
FIELD = frozenset({"crew", "handler", "manager", "admin"})

WORK_ORDER = register(Lifecycle(
    subject_type="work_order",
    model_label="workorders.WorkOrder",
    statuses=(
        Status(S.CREATED, runs=("arrive",), actions=(A.DISPATCH, A.CANCEL)),
        # re-dispatch to another crew before acceptance
        Status(S.DISPATCHED, runs=("arrive",), actions=(A.DISPATCH, A.ACCEPT, A.CANCEL)),
        Status(S.ACCEPTED, runs=("arrive",), actions=(A.DEPART, A.CANCEL)),
        Status(S.EN_ROUTE, runs=("arrive",), actions=(A.ARRIVE, A.CANCEL)),
        Status(S.ON_SITE, runs=("restore",), actions=(A.COMPLETE, A.CANCEL)),
        Status(S.COMPLETED, open=False),
        Status(S.CANCELLED, open=False),
    ),
    roles={A.DISPATCH: OFFICE, A.CANCEL: OFFICE, A.ACCEPT: FIELD, A.DEPART: FIELD, A.ARRIVE: FIELD,
           A.COMPLETE: FIELD},
    deadlines=(
        Deadline("arrive", due="arrive_due_at", warn="arrive_warn_at", flag="arrive_breached", met="arrived_at",
                 start="created_at"),
        Deadline("restore", due="restore_due_at", warn="restore_warn_at", flag="restore_breached",
                 met="completed_at", start="arrived_at"),
    ),
    leads_to={A.DISPATCH: S.DISPATCHED, A.ACCEPT: S.ACCEPTED, A.DEPART: S.EN_ROUTE, A.ARRIVE: S.ON_SITE,
              A.COMPLETE: S.COMPLETED, A.CANCEL: S.CANCELLED},
    # the targets of SPEC §4's repair table, by area (workorders/rules.py)
    policy_of=lambda o, kind: (f"{o.kind}/{o.area_type}", None),
    policy_sql=lambda kind: (Concat(F("kind"), Value("/"), F("area_type"), output_field=CharField()),
                             Value(None, output_field=JSONField())),
))

# Derived, for the callers that read them by these names.
OPEN_STATUSES: list[str] = WORK_ORDER.open_statuses
# before arrival: the arrival clock runs
BEFORE_ARRIVAL: list[str] = WORK_ORDER.running_in("arrive")
# action -> (statuses it may start from, status it leads to)
TRANSITIONS: dict[str, tuple[list[str], str]] = {
    str(a): (WORK_ORDER.sources_of(a), WORK_ORDER.leads_to[a]) for a in WORK_ORDER.roles}
# the one next step a crew performs from each status (the big button on /crew/<number>/)
CREW_NEXT_ACTION: dict[str, str] = {
    s.name: next(a for a in s.actions if "crew" in WORK_ORDER.roles[a])
    for s in WORK_ORDER.statuses if any("crew" in WORK_ORDER.roles[a] for a in s.actions)}


def allowed_actions(status: str) -> list[str]:
    """Actions allowed from `status`, in workflow order."""
    return WORK_ORDER.allowed(status)
