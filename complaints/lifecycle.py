"""The complaint lifecycle, declared once (SPEC §3, §10): statuses, the actions each allows, the
roles of each action and the deadlines that run in each status. The 409 answers, the buttons,
the `at_risk`/`breached` filters, `sla_state`, the dashboard's open/at-risk/breached figures,
the handler's work list and the deadline rows the sweep reads are all derived from COMPLAINT
(see clock/lifecycle.py). A new deadline kind: one `Deadline(...)` here, its name in the
statuses that run it, its columns on the model.
"""

from __future__ import annotations

from django.db.models import Q

from clock.lifecycle import Deadline, Lifecycle, Status, policy_from_targets, register

from .choices import HIGHER_AUTHORITY, SEVERE_AT_ONCE_SEVERITIES
from .choices import ComplaintAction as A
from .choices import ComplaintStatus as S

COUNTER, HANDLER, MANAGER = "counter", "handler", "manager"

# A pause can start before the first contact too (the complainant cannot be reached); resume
# returns to the status the complaint was paused from, whose deadlines then run again.
COMPLAINT = register(Lifecycle(
    subject_type="complaint",
    model_label="complaints.Complaint",
    statuses=(
        Status(S.RECEIVED, runs=("ack", "resolve", "assign", "review"),
               actions=(A.ACKNOWLEDGE, A.PAUSE, A.URGE, A.REQUEST_EXTENSION, A.APPROVE_EXTENSION, A.ASSIGN,
                        A.TAKE, A.REVIEW)),
        Status(S.ACKNOWLEDGED, runs=("resolve", "assign", "review"),
               actions=(A.PAUSE, A.URGE, A.REQUEST_EXTENSION, A.APPROVE_EXTENSION, A.RESOLVE, A.ASSIGN, A.TAKE,
                        A.REVIEW)),
        Status(S.PAUSED, stands=S.ACKNOWLEDGED,
               actions=(A.RESUME, A.URGE, A.APPROVE_EXTENSION, A.ASSIGN, A.TAKE, A.REVIEW)),
        Status(S.RESOLVED, runs=("callback",), actions=(A.CALLBACK, A.REOPEN, A.CLOSE)),
        Status(S.CLOSED, open=False, actions=(A.REOPEN,)),
    ),
    roles={
        A.ACKNOWLEDGE: frozenset({HANDLER, MANAGER, COUNTER}),
        A.PAUSE: frozenset({HANDLER, MANAGER}),
        A.RESUME: frozenset({HANDLER, MANAGER}),
        A.URGE: frozenset({COUNTER, HANDLER, MANAGER}),
        A.REQUEST_EXTENSION: frozenset({HANDLER, MANAGER}),
        A.APPROVE_EXTENSION: frozenset({MANAGER}),
        A.RESOLVE: frozenset({HANDLER, MANAGER}),
        # never by the handler who resolved it (services.allowed_actions / complaint_callback)
        A.CALLBACK: frozenset({COUNTER, MANAGER}),
        A.REOPEN: frozenset({MANAGER}),
        A.ASSIGN: frozenset({HANDLER, MANAGER}),
        A.TAKE: frozenset({HANDLER}),  # take from the station queue (首问负责制)
        A.CLOSE: frozenset({MANAGER}),
        # significant / major / special: before the station gets it (SPEC §11)
        A.REVIEW: frozenset({MANAGER}),
    },
    deadlines=(
        Deadline("ack", due="ack_due_at", warn="ack_warn_at", flag="ack_breached", met="acknowledged_at",
                 start="received_at"),
        Deadline("resolve", due="resolve_due_at", warn="resolve_warn_at", flag="resolve_breached",
                 met="resolved_at", start="resolve_started_at", cycles=True),
        Deadline("callback", due="callback_due_at", warn="callback_warn_at", flag="callback_breached",
                 met="callback_at", start="resolved_at", cycles=True),
        # 派单 (SPEC §4): from receipt until a handler has it (taken from the queue or assigned),
        # in calendar minutes; the status does not change when it is met
        Deadline("assign", due="assign_due_at", warn="assign_warn_at", flag="assign_breached",
                 met="assigned_at", start="received_at", until_met=True),
        # a manager's review of a significant, major or special complaint (SPEC §11), in calendar
        # minutes from receipt; the status does not change when it is met
        Deadline("review", due="review_due_at", warn="review_warn_at", flag="review_breached",
                 met="reviewed_at", start="received_at", until_met=True),
    ),
    leads_to={A.ACKNOWLEDGE: S.ACKNOWLEDGED, A.PAUSE: S.PAUSED, A.RESOLVE: S.RESOLVED, A.REOPEN: S.ACKNOWLEDGED,
              A.CLOSE: S.CLOSED},
    cycle_field="reopen_count",
    stand_at_field="paused_at",
    stood_from_field="status_before_pause",
    policy_of=lambda c, kind: ((c.sla_targets or {}).get("policy", ""), (c.sla_targets or {}).get(kind)),
    policy_sql=policy_from_targets("sla_targets"),
    provisional_of=lambda c, kind: _provisional(c, kind),
    provisional_after=lambda: _provisional_after(),
    # a breach of a major or special complaint, or of an order from a higher authority (越级:
    # forwarded, 12398, 12345), is severe at once (SPEC §4, §11)
    severe_at_once_q=Q(severity__in=SEVERE_AT_ONCE_SEVERITIES) | Q(channel__in=HIGHER_AUTHORITY),
    severe_at_once=lambda c: c.severity in SEVERE_AT_ONCE_SEVERITIES or c.channel in HIGHER_AUTHORITY,
    # the kinds of 95598 order (complaints/kinds.py) are variants of this declaration
    variant_field="kind",
))



def _provisional(c, kind: str) -> bool:
    from core.calendar import get_calendar

    from .sla import deadline_provisional

    return deadline_provisional(c, kind, get_calendar())


def _provisional_after():
    from datetime import datetime, time

    from core.calendar import get_calendar
    from servicecenter.lib.deadlines import LOCAL_TZ

    known = get_calendar().known_until  # no official year at all: any due time may be provisional
    return datetime.combine(known or datetime(1970, 1, 1).date(), time.max, tzinfo=LOCAL_TZ)


# Derived, for the callers that read them by these names.
ALLOWED_ACTIONS: dict[str, list[str]] = COMPLAINT.allowed_map()
ACTION_ROLES: dict[str, frozenset[str]] = COMPLAINT.roles
OPEN_STATUSES: list[str] = COMPLAINT.open_statuses
