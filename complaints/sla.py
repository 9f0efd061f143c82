"""Pure SLA rules: which policy applies, the SLA state of a complaint. No ORM, `now` passed in."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from .choices import ComplaintStatus, SlaState

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
    """(kind, due, warn_at, breached flag) of the deadlines running for the complaint's status."""
    status = c.status
    if status == ComplaintStatus.PAUSED:
        status = c.status_before_pause or ComplaintStatus.ACKNOWLEDGED
    out = []
    if status == ComplaintStatus.RECEIVED:
        out.append(("ack", c.ack_due_at, c.ack_warn_at, c.ack_breached))
    if status in (ComplaintStatus.RECEIVED, ComplaintStatus.ACKNOWLEDGED):
        out.append(("resolve", c.resolve_due_at, c.resolve_warn_at, c.resolve_breached))
    if status == ComplaintStatus.RESOLVED:
        out.append(("callback", c.callback_due_at, c.callback_warn_at, c.callback_breached))
    return out


def sla_state(c, now: datetime) -> str:
    """on_track / at_risk / breached / met for a complaint-like object at `now`.

    Closed: `met` unless a deadline was breached. Open: `breached` if a deadline was breached
    (flag set by the sweep, or already past), `at_risk` if one is in its warning zone. A paused
    complaint's clock stands still at the moment it was paused.
    """
    any_flag = c.ack_breached or c.resolve_breached or c.callback_breached
    if c.status == ComplaintStatus.CLOSED:
        return SlaState.BREACHED if any_flag else SlaState.MET
    if any_flag:
        return SlaState.BREACHED
    at = c.paused_at if c.status == ComplaintStatus.PAUSED and c.paused_at else now
    risk = False
    for _kind, due, warn, _flag in open_deadlines(c, at):
        if due is not None and at > due:
            return SlaState.BREACHED
        if warn is not None and at >= warn:
            risk = True
    return SlaState.AT_RISK if risk else SlaState.ON_TRACK


def deadline_start(c, kind: str):
    """When a deadline's clock started: receipt (ack), the current resolve clock, the reply (callback)."""
    if kind == "ack":
        return c.received_at
    if kind == "resolve":
        return c.resolve_started_at or c.received_at
    return c.resolved_at


def deadline_provisional(c, kind: str, cal) -> bool:
    """Whether the deadline counts a provisional day of the work calendar (SPEC §4)."""
    from servicecenter.lib.deadlines import is_provisional

    unit = (c.sla_targets or {}).get(kind, [None, "hours"])[1]
    return is_provisional(deadline_start(c, kind), getattr(c, f"{kind}_due_at"), unit, cal)


def deadline_list(c, cal) -> list[dict]:
    """Every deadline of a complaint in the API's shape: {kind, due_at, warn_at, level, breached,
    met_at, provisional} (SPEC §7)."""
    done = {"ack": c.acknowledged_at, "resolve": c.resolved_at, "callback": c.callback_at}
    out = []
    for kind in ("ack", "resolve", "callback"):
        due = getattr(c, f"{kind}_due_at")
        if due is None:
            continue
        met = done[kind] if done[kind] is not None and done[kind] <= due else None
        out.append({"kind": kind, "due_at": due, "warn_at": getattr(c, f"{kind}_warn_at"),
                    "level": getattr(c, f"{kind}_level", 0), "breached": getattr(c, f"{kind}_breached"),
                    "met_at": met, "provisional": deadline_provisional(c, kind, cal)})
    return out
