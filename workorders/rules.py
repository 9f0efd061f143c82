"""Work-order deadlines (SPEC §4), pure: plain values in, times out, `now` passed in.

Repairs, from creation:

| area   | arrive target (warning) | arrive ceiling (breach) | restore after arrival |
|--------|-------------------------|-------------------------|-----------------------|
| urban  | 45 min                  | 60 min                  | 3 h                   |
| rural  | 90 min                  | 120 min                 | 4 h                   |
| remote | 120 min                 | 240 min                 | 6 h                   |

Grade A customers and important users (special / first level) get 30 minutes as both target and
ceiling in every area. Where target and ceiling are equal, the warning comes at WARNING_FRACTION
of the ceiling. Other kinds carry one due date set at creation (default: DEFAULT_DUE_WORKDAYS).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from servicecenter.lib.deadlines import add_workdays, warning_at
from servicecenter.lib.workcalendar import Calendar

ARRIVAL_MINUTES: dict[str, tuple[int, int]] = {
    "urban": (45, 60),
    "rural": (90, 120),
    "remote": (120, 240),
}
RESTORE_HOURS: dict[str, int] = {"urban": 3, "rural": 4, "remote": 6}
PRIORITY_ARRIVAL_MINUTES = 30
PRIORITY_IMPORTANT_LEVELS = frozenset({"special", "first"})
WARNING_FRACTION = 0.75
# Due date of the other kinds when the creator gives none (working days after the day created).
DEFAULT_DUE_WORKDAYS: dict[str, int] = {"survey": 3, "meter_check": 5, "inspection": 10}


@dataclass(frozen=True)
class ArrivalDeadlines:
    target_at: datetime
    due_at: datetime
    warn_at: datetime


def is_priority_customer(*, grade: str | None, important_level: str | None) -> bool:
    """Grade A (diamond) customers and important users of level special/first."""
    return grade == "A" or (important_level or "") in PRIORITY_IMPORTANT_LEVELS


def arrival_deadlines(*, created_at: datetime, area_type: str, priority_customer: bool) -> ArrivalDeadlines:
    """Arrival target, ceiling and warning time of a repair created at `created_at`."""
    if priority_customer:
        target = ceiling = PRIORITY_ARRIVAL_MINUTES
    else:
        target, ceiling = ARRIVAL_MINUTES[area_type]
    target_at = created_at + timedelta(minutes=target)
    due_at = created_at + timedelta(minutes=ceiling)
    warn_at = target_at if target < ceiling else warning_at(created_at, due_at, WARNING_FRACTION)
    return ArrivalDeadlines(target_at=target_at, due_at=due_at, warn_at=warn_at)


def restore_deadline(*, arrived_at: datetime, area_type: str) -> tuple[datetime, datetime]:
    """(restore due, restore warning) for a crew that arrived at `arrived_at`."""
    due = arrived_at + timedelta(hours=RESTORE_HOURS[area_type])
    return due, warning_at(arrived_at, due, WARNING_FRACTION)


def default_due(*, kind: str, created_at: datetime, cal: Calendar) -> datetime | None:
    """Default due date of a non-repair order (end of the N-th working day after creation)."""
    days = DEFAULT_DUE_WORKDAYS.get(kind)
    return None if days is None else add_workdays(created_at, days, cal)


def is_late(*, arrived_at: datetime, arrive_due_at: datetime | None) -> bool:
    """A crew arriving after the ceiling must record a delay reason and whether the customer was told."""
    return arrive_due_at is not None and arrived_at > arrive_due_at
