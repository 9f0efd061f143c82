"""The kinds of 95598 order (SPEC §11), declared once.

Every kind is an order in the one table (`complaints.Complaint`, its `kind` column), on the one
clock engine: per kind its number prefix, the deadlines it has, the actions it does not have and
the fields it needs at intake. Its lifecycle is DERIVED from the complaint declaration
(`complaints/lifecycle.py` COMPLAINT) with `Lifecycle.restrict`, so the 409 answers, the sweep's
rows, the filters and `sla_state` follow the kind without a second declaration. The default
targets are policy rows (`complaints/seeds.py` KIND_POLICIES), not constants here.
"""

from __future__ import annotations

from dataclasses import dataclass

from clock.lifecycle import Lifecycle

from .choices import ComplaintAction as A
from .choices import ComplaintStatus as S
from .choices import OrderKind
from .lifecycle import COMPLAINT, COUNTER, HANDLER, MANAGER

ALL_DEADLINES = ("ack", "resolve", "callback", "assign")  # the other kinds: no manager review
# a kind without a first contact resolves straight from `received`
NO_ACK = {"drop_actions": (A.ACKNOWLEDGE,), "also": {S.RECEIVED: (A.RESOLVE,)}}

# 退单 (SPEC §11): the station's handler (or head) returns an order that is not its business; the
# service center (a manager) sends it on to the right station; both before the reply.
RETURNS = {A.RETURN: frozenset({HANDLER}), A.SEND: frozenset({MANAGER})}
RETURN_IN = (S.RECEIVED, S.ACKNOWLEDGED, S.PAUSED)
# 服务终止: a manager closes an order whose demand goes beyond the rules after it was handled under
# them (compensation claims, court cases); counted apart (`terminated_at`)
TERMINATES = {A.TERMINATE: frozenset({MANAGER})}
TERMINATE_IN = (S.RECEIVED, S.ACKNOWLEDGED, S.PAUSED, S.RESOLVED)
# an enquiry is answered (the reply is the answer) by whoever has the answer
ANSWERS = {A.ANSWER: frozenset({COUNTER, HANDLER, MANAGER})}


@dataclass(frozen=True)
class Kind:
    code: str
    prefix: str  # number: prefix + YYYYMMDD + 4-digit daily sequence (core.numbering)
    deadlines: tuple[str, ...]
    lifecycle: Lifecycle
    required: tuple[str, ...] = ()  # fields an intake of this kind must have
    # the reply must say whether it was verified (属实) and whether the utility was responsible
    verdict: bool = False

    @property
    def has_callback(self) -> bool:
        return "callback" in self.deadlines

    @property
    def label(self) -> str:
        return str(OrderKind(self.code).label)


def _kind(code: str, prefix: str, deadlines: tuple[str, ...] = ALL_DEADLINES, *, drop_actions=(), also=None,
          drop_statuses=(), required=(), verdict=False, leads_to=None, returns=True, terminates=False,
          answers=False) -> Kind:
    if code == OrderKind.COMPLAINT:
        # the declaration itself: complaints, their pages and /api/v1/complaints/ as they were
        lc = COMPLAINT
    else:
        also = {status: tuple(actions) for status, actions in (also or {}).items()}
        adds = {}
        for wanted, actions, statuses in ((returns, RETURNS, RETURN_IN), (terminates, TERMINATES, TERMINATE_IN),
                                          (answers, ANSWERS, (S.RECEIVED, S.ACKNOWLEDGED))):
            if wanted:
                adds.update(actions)
                for status in statuses:
                    if status not in drop_statuses:
                        also[status] = (*also.get(status, ()), *actions)
        lc = COMPLAINT.restrict(code, deadlines=deadlines, drop_actions=(*drop_actions, A.REVIEW), also=also,
                                drop_statuses=drop_statuses, adds=adds,
                                leads_to={**(leads_to or {}), **({A.TERMINATE: S.CLOSED} if terminates else {}),
                                          **({A.ANSWER: S.CLOSED} if answers else {})})
    return Kind(code=code, prefix=prefix, deadlines=deadlines, lifecycle=lc, required=required, verdict=verdict)


# Kinds without a callback close at the reply (the `resolved` status is never reached).
_NO_CALLBACK = {"drop_statuses": (S.RESOLVED,), "leads_to": {A.RESOLVE: S.CLOSED}}

KINDS: dict[str, Kind] = {k.code: k for k in (
    # the review deadline runs for the significant, major and special ones (REVIEW_SEVERITIES)
    _kind(OrderKind.COMPLAINT, "TS", (*ALL_DEADLINES, "review"), required=("category",), verdict=True),
    # 举报: contact in 24 h, reply in 9 workdays, callback (published rule, DOMAIN.md)
    _kind(OrderKind.REPORT, "JB", verdict=True, terminates=True),
    _kind(OrderKind.OPINION, "YJ", terminates=True),
    _kind(OrderKind.SUGGESTION, "JY", ("resolve", "assign"), drop_actions=(A.ACKNOWLEDGE, A.CALLBACK),
          also=NO_ACK["also"], **_NO_CALLBACK),
    # answered on the spot (closed at intake) or within 1 workday; the answer is the reply
    _kind(OrderKind.ENQUIRY, "ZX", ("resolve", "assign"), drop_actions=(A.ACKNOWLEDGE, A.CALLBACK),
          also=NO_ACK["also"], answers=True, **_NO_CALLBACK),
    _kind(OrderKind.PRAISE, "BY", ("resolve", "assign"), drop_actions=(A.ACKNOWLEDGE, A.CALLBACK),
          also=NO_ACK["also"], **_NO_CALLBACK),
    _kind(OrderKind.SERVICE, "FW", ("resolve", "callback", "assign"), required=("service_type",), terminates=True,
          **NO_ACK),
    # the repair work order carries the arrival and restore deadlines (SPEC §4); the order itself
    # waits for the work order (or a handler's reply, inside the customer's installation), then
    # the caller is called back within 1 workday; no resolve clock to pause or extend
    _kind(OrderKind.REPAIR, "BX", ("callback", "assign"), required=("address",),
          drop_actions=(A.ACKNOWLEDGE, A.PAUSE, A.RESUME, A.REQUEST_EXTENSION, A.APPROVE_EXTENSION),
          drop_statuses=(S.PAUSED,), also=NO_ACK["also"], terminates=True),
)}

PREFIXES = {k.prefix: k.code for k in KINDS.values()}


def kind_of(obj_or_code) -> Kind:
    """The declaration of an order (or of a kind code)."""
    code = obj_or_code if isinstance(obj_or_code, str) else (getattr(obj_or_code, "kind", "") or OrderKind.COMPLAINT)
    return KINDS[code]


def lifecycle_of(obj) -> Lifecycle:
    """The lifecycle of one order: its kind's."""
    return COMPLAINT.of(obj)


# The page that shows an order: a complaint its own page (/complaints/, as it always was), every
# other kind the orders' page (/tickets/, the tickets app). Notification links, escalation rows,
# queues and work lists all take an order's link from here (the sweep's SQL twin:
# complaints/sweep.py complaint_recipients).
COMPLAINT_PAGES = "/complaints/"
ORDER_PAGES = "/tickets/"


def order_url(order=None, *, kind: str = "", number: str = "") -> str:
    """The URL of the page of an order of any kind (an order, or its kind and number)."""
    if order is not None:
        kind, number = getattr(order, "kind", "") or OrderKind.COMPLAINT, order.number
    return f"{COMPLAINT_PAGES if (kind or OrderKind.COMPLAINT) == OrderKind.COMPLAINT else ORDER_PAGES}{number}/"
