"""Pure SLA rules: which policy applies, the SLA state of a complaint. No ORM, `now` passed in."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from .lifecycle import COMPLAINT

# The regulation's ceiling for the reply (《供电监管办法》): 10 working days; in calendar hours
# we accept at most the same number of 24-hour days.
MAX_RESOLVE_WORKDAYS = 10
MAX_RESOLVE_HOURS = 240


def policy_matches(policy, *, severity: str, grade: str, channel: str, kind: str = "complaint",
                   service_type: str = "") -> bool:
    return (
        getattr(policy, "active", True)
        and getattr(policy, "kind", "") in ("", kind)
        and getattr(policy, "service_type", "") in ("", service_type)
        and policy.severity in ("", severity)
        and policy.grade in ("", grade)
        and policy.channel in ("", channel)
    )


def specificity(policy) -> tuple:
    """How specific a policy is. A matching kind of order counts first (a report gets the report
    targets whatever its channel), then a service request's sub-type, then a matching channel
    before a matching severity, which counts before a matching grade (so a forwarded complaint
    gets the forwarded targets, a major one the major targets, whatever the grade); equal ones are
    ordered by `priority`."""
    return (bool(getattr(policy, "kind", "")), bool(getattr(policy, "service_type", "")), bool(policy.channel),
            bool(policy.severity), bool(policy.grade), policy.priority)


def pick_policy(policies: Iterable, *, severity: str, grade: str, channel: str, kind: str = "complaint",
                service_type: str = ""):
    """The most specific active policy matching the order (a complaint unless `kind` says), or None."""
    candidates = [p for p in policies if policy_matches(p, severity=severity, grade=grade, channel=channel,
                                                        kind=kind, service_type=service_type)]
    if not candidates:
        return None
    return max(candidates, key=lambda p: (specificity(p), -(p.pk or 0)))


def resolve_ceiling_error(amount: int, unit: str) -> bool:
    """True when a resolve target is beyond the regulation's ceiling (every kind of order)."""
    if unit == "workdays":
        return amount > MAX_RESOLVE_WORKDAYS
    return amount > MAX_RESOLVE_HOURS


def open_deadlines(c, now: datetime) -> list[tuple[str, datetime | None, datetime | None, bool]]:
    """(kind, due, warn_at, breached flag) of the deadlines running for the complaint's status
    (a paused one: those of the status it was paused from), as its kind's lifecycle declares them."""
    return COMPLAINT.of(c).running_deadlines(c)


def sla_state(c, now: datetime) -> str:
    """on_track / at_risk / breached / met for an order at `now` (derived from its kind's
    declaration: clock.lifecycle.Lifecycle.sla_state)."""
    return COMPLAINT.of(c).sla_state(c, now)


def deadline_start(c, kind: str):
    """When a deadline's clock started, as the lifecycle declares it (a resolve clock that was
    never restarted started at receipt)."""
    return getattr(c, COMPLAINT.deadline(kind).start) or (c.received_at if kind == "resolve" else None)


def deadline_provisional(c, kind: str, cal) -> bool:
    """Whether the deadline counts a provisional day of the work calendar (SPEC §4)."""
    from servicecenter.lib.deadlines import is_provisional

    unit = (c.sla_targets or {}).get(kind, [None, "hours"])[1]
    return is_provisional(deadline_start(c, kind), getattr(c, f"{kind}_due_at"), unit, cal)
