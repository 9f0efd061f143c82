"""Pure SLA rules: which policy applies, the SLA state of a complaint. No ORM, `now` passed in."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from .lifecycle import COMPLAINT

# The regulation's ceiling for the reply (《供电监管办法》): 10 working days; in calendar hours
# we accept at most the same number of 24-hour days.
MAX_RESOLVE_WORKDAYS = 10
MAX_RESOLVE_HOURS = 240


def policy_matches(policy, *, severity: str, grade: str, channel: str) -> bool:
    return (
        getattr(policy, "active", True)
        and policy.severity in ("", severity)
        and policy.grade in ("", grade)
        and policy.channel in ("", channel)
    )


def specificity(policy) -> tuple:
    """How specific a policy is. A matching channel counts before a matching severity, which
    counts before a matching grade (so a forwarded complaint gets the forwarded targets, a major
    one the major targets, whatever the grade); equal ones are ordered by `priority`."""
    return (bool(policy.channel), bool(policy.severity), bool(policy.grade), policy.priority)


def pick_policy(policies: Iterable, *, severity: str, grade: str, channel: str):
    """The most specific active policy matching the complaint, or None."""
    candidates = [p for p in policies if policy_matches(p, severity=severity, grade=grade, channel=channel)]
    if not candidates:
        return None
    return max(candidates, key=lambda p: (specificity(p), -(p.pk or 0)))


def resolve_ceiling_error(amount: int, unit: str) -> bool:
    """True when a resolve target is beyond the regulation's ceiling."""
    if unit == "workdays":
        return amount > MAX_RESOLVE_WORKDAYS
    return amount > MAX_RESOLVE_HOURS


def open_deadlines(c, now: datetime) -> list[tuple[str, datetime | None, datetime | None, bool]]:
    """(kind, due, warn_at, breached flag) of the deadlines running for the complaint's status
    (a paused one: those of the status it was paused from), as the lifecycle declares them."""
    return COMPLAINT.running_deadlines(c)


def sla_state(c, now: datetime) -> str:
    """on_track / at_risk / breached / met for a complaint-like object at `now` (derived from the
    declaration: clock.lifecycle.Lifecycle.sla_state)."""
    return COMPLAINT.sla_state(c, now)


def deadline_start(c, kind: str):
    """When a deadline's clock started, as the lifecycle declares it (a resolve clock that was
    never restarted started at receipt)."""
    return getattr(c, COMPLAINT.deadline(kind).start) or (c.received_at if kind == "resolve" else None)


def deadline_provisional(c, kind: str, cal) -> bool:
    """Whether the deadline counts a provisional day of the work calendar (SPEC §4)."""
    from servicecenter.lib.deadlines import is_provisional

    unit = (c.sla_targets or {}).get(kind, [None, "hours"])[1]
    return is_provisional(deadline_start(c, kind), getattr(c, f"{kind}_due_at"), unit, cal)
