"""The outage lifecycle, declared once (SPEC §10, §12): statuses, the actions each allows, the roles
of each action and the deadline that runs in each status. The 409 answers, the API's 403s, the
deadline rows the sweep reads (clock.engine.sync) and the "running" index of the notice deadline
are derived from OUTAGE (see clock/lifecycle.py).

    announced ──start──▶ in_progress ──restore──▶ restored
        └──cancel──▶ cancelled

A fault outage is opened in progress (the line has tripped); planned and temporary outages are
opened announced, with their planned start.

Roles: the dispatchers of a work order (workorders.lifecycle OFFICE: a handler of the outage's
station, managers, admins) take every action (the station rule is selectors.can_manage).

One deadline kind, `notice` (通知时限), runs while the outage is announced, until its notice is
given in time (`notice_met_at`):
- planned: every customer of the scope must be told 7 days (168 h) before `planned_start`, so the
  deadline is `planned_start - 168 h`;
- temporary: the important users of the scope (`important_level` not `none`) must be told 24 h
  ahead, so the deadline is `planned_start - 24 h` (none when the scope holds no important user).
An outage announced after its deadline is never "met": the row runs, already past, and the next
sweep breaches and escalates it like any other deadline (levels 1 and 2 at once, 3 as well when
the deadline passed more than 24 h before); starting the outage stops the clock.
"""

from __future__ import annotations

from clock.lifecycle import Deadline, Lifecycle, Status, register

from .choices import OutageAction as A
from .choices import OutageStatus as S

DISPATCHERS = frozenset({"handler", "manager", "admin"})

OUTAGE = register(Lifecycle(
    subject_type="outage",
    model_label="outages.Outage",
    statuses=(
        Status(S.ANNOUNCED, runs=("notice",), actions=(A.START, A.UPDATE_ESTIMATE, A.CANCEL)),
        Status(S.IN_PROGRESS, actions=(A.UPDATE_ESTIMATE, A.RESTORE)),
        Status(S.RESTORED, open=False),
        Status(S.CANCELLED, open=False),
    ),
    roles={A.START: DISPATCHERS, A.UPDATE_ESTIMATE: DISPATCHERS, A.RESTORE: DISPATCHERS, A.CANCEL: DISPATCHERS},
    deadlines=(
        Deadline("notice", due="notice_due_at", warn="notice_warn_at", flag="notice_breached", met="notice_met_at",
                 start="created_at", until_met=True),
    ),
    leads_to={A.START: S.IN_PROGRESS, A.RESTORE: S.RESTORED, A.CANCEL: S.CANCELLED},
    policy_of=lambda o, kind: (f"notice/{o.kind}", {"planned": [168, "hours"], "temporary": [24, "hours"]}.get(o.kind)),
))

OPEN_STATUSES: list[str] = OUTAGE.open_statuses
# active: the power is off, or will be (what intake shows and the board lists)
ACTIVE_STATUSES: list[str] = [S.ANNOUNCED, S.IN_PROGRESS]
NOTICE_HOURS = {"planned": 168, "temporary": 24}
