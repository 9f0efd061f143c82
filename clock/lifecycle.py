"""Lifecycle declarations (SPEC §10): each kind of object says once what its statuses are, which
actions each status allows, which roles may take each action and which deadlines run in which
status. Everything else is derived from the declaration, never written again beside it:

- `allowed(status)` / `roles(action)`: the 409 answers with the allowed actions, the 403s, the
  buttons on the pages;
- `running(status)` / `running_q(kind)`: which deadline rows run (the sweep's candidates, via
  `clock.engine.sync`), and the conditions of the subject table's "running deadline" indexes;
- `breached_q`, `at_risk_q`, `open_state_conditions`: the list filters and the dashboard tiles;
- `sla_state(obj, now)`: the SLA state of one object;
- `current_deadline()`: the deadline a work list sorts by.

A new kind of object declares a `Lifecycle` in its own app (e.g. `complaints/lifecycle.py`) and
calls `register()`; a new deadline kind is one `Deadline(...)` in that declaration plus the
statuses it runs in. Nothing in here imports an app.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime

from django.db.models import Case, CharField, DateTimeField, F, Q, Value, When
from django.db.models.fields.json import KeyTextTransform, KeyTransform
from django.db.models.functions import Coalesce


@dataclass(frozen=True)
class Deadline:
    """One deadline kind of a subject, named by the subject's columns that hold it.

    due / warn: the deadline and its warning time; flag: the breach flag; met: when it was
    fulfilled; start: when its clock started; `cycles`: a new run per cycle (reopen) of the
    subject, numbered by the lifecycle's `cycle_field`; `until_met`: the clock also stops when
    `met` is set, whatever the status (assignment: taking an order from the queue changes its
    handler, not its status).
    """

    kind: str
    due: str
    warn: str
    flag: str
    met: str
    start: str
    cycles: bool = False
    until_met: bool = False

    def runs_for(self, obj) -> bool:
        """False once an `until_met` deadline is met (the status's `runs` says the rest)."""
        return not self.until_met or getattr(obj, self.met, None) is None

    def unmet_q(self) -> Q:
        return Q(**{f"{self.met}__isnull": True}) if self.until_met else Q()


@dataclass(frozen=True)
class Status:
    """A status: the actions it allows, the deadlines whose clock runs in it.

    `stands`: the clock stands still (paused): no deadline runs, but the SLA state is read as of
    `Lifecycle.stand_at_field` with the deadlines of the status it stands in for
    (`Lifecycle.stood_from_field`, default `stands`'s value).
    """

    name: str
    actions: tuple[str, ...] = ()
    runs: tuple[str, ...] = ()
    open: bool = True
    stands: str | None = None


@dataclass
class Lifecycle:
    subject_type: str
    model_label: str  # "app_label.Model"
    statuses: tuple[Status, ...]
    roles: dict[str, frozenset[str]]  # action -> roles that may take it
    deadlines: tuple[Deadline, ...]
    station_field: str = "station_id"
    leads_to: dict[str, str] = field(default_factory=dict)  # action -> the status it leads to (if one)
    cycle_field: str | None = None
    stand_at_field: str | None = None  # paused_at
    stood_from_field: str | None = None  # status_before_pause
    # (obj, kind) -> (policy name, target) the deadline came from
    policy_of: Callable[[object, str], tuple[str, object]] = lambda obj, kind: ("", None)
    # (obj, kind) -> whether the deadline counts a provisional day of the work calendar (SPEC §4)
    provisional_of: Callable[[object, str], bool] = lambda obj, kind: False
    # the moment after which a due time may count provisional days (None: none may): which rows
    # `clock.engine.backfill` asks `provisional_of` about
    provisional_after: Callable[[], datetime | None] = lambda: None
    # Q over the subject: rows whose breach is severe at once (major / forwarded complaints)
    severe_at_once_q: Q | None = None
    severe_at_once: Callable[[object], bool] = lambda obj: False
    # kind -> (policy name, target) as SQL expressions over the subject (clock.engine.backfill)
    policy_sql: Callable | None = None
    # Variants (`restrict`): kinds of the same subject (one table, one set of deadline rows) whose
    # lifecycle is a subset of this one; `variant_field` names the column that says which applies.
    variant_field: str | None = None
    variant: str = ""
    _by_status: dict[str, Status] = field(init=False, repr=False)
    _by_kind: dict[str, Deadline] = field(init=False, repr=False)
    _variants: dict[str, Lifecycle] = field(init=False, repr=False, default_factory=dict)

    def __post_init__(self):
        self._by_status = {s.name: s for s in self.statuses}
        self._by_kind = {d.kind: d for d in self.deadlines}
        self._variants = {}
        for s in self.statuses:
            unknown = set(s.runs) - set(self._by_kind) | set(s.actions) - set(self.roles)
            assert not unknown, f"{self.subject_type}.{s.name} names undeclared {unknown}"

    @property
    def name(self) -> str:
        """`complaint`, or `complaint:report` for a variant (test ids, messages)."""
        return f"{self.subject_type}:{self.variant}" if self.variant else self.subject_type

    # --- variants of one subject -----------------------------------------------------------------

    def restrict(self, variant: str, *, deadlines: Iterable[str], drop_actions: Iterable[str] = (),
                 drop_statuses: Iterable[str] = (), also: dict[str, Iterable[str]] | None = None,
                 leads_to: dict[str, str] | None = None, adds: dict[str, frozenset[str]] | None = None) -> Lifecycle:
        """A variant of this lifecycle for one kind of the same subject (the kinds of 95598 order:
        one table, one set of deadline rows, one sweep): a subset of its deadlines and actions.

        `deadlines`: the kinds kept (the others are removed from every status's `runs`);
        `drop_actions`: actions removed (from the roles and every status); `drop_statuses`:
        statuses the variant never reaches; `also`: {status: actions} declared actions a status
        allows in this variant besides its own (a kind without a first contact resolves from
        `received`); `leads_to`: where an action leads instead (a kind without a callback closes
        at the reply); `adds`: {action: roles} of actions of the variant's own, placed in its
        statuses by `also` (退单 and 服务终止 where a kind declares them). The statuses that run a kept deadline stay those of this lifecycle, so the
        subject table's "running" indexes serve every variant. Registered as `self.variants()`;
        `of(obj)` picks it by `variant_field`."""
        assert self.variant_field, f"{self.subject_type} declares no variant_field"
        kept = [d for d in self.deadlines if d.kind in set(deadlines)]
        assert {d.kind for d in kept} == set(deadlines), f"{variant}: undeclared deadlines {set(deadlines)}"
        dropped_actions, dropped_statuses, also = set(drop_actions), set(drop_statuses), also or {}
        assert not set(also) - set(self._by_status), f"{variant}: undeclared statuses {set(also)}"
        adds = adds or {}
        assert not set(adds) & set(self.roles), f"{variant}: adds actions already declared {set(adds)}"
        roles = {**{a: r for a, r in self.roles.items() if a not in dropped_actions}, **adds}
        added = {a for actions in also.values() for a in actions}
        assert not added - set(roles), f"{variant}: undeclared actions {added - set(roles)}"
        kinds = {d.kind for d in kept}
        statuses = []
        for s in self.statuses:
            if s.name in dropped_statuses:
                continue
            actions = [a for a in s.actions if a not in dropped_actions]
            actions += [a for a in also.get(s.name, ()) if a not in actions and a not in dropped_actions]
            statuses.append(replace(s, actions=tuple(actions), runs=tuple(k for k in s.runs if k in kinds)))
        reachable = {s.name for s in statuses}
        flows = {a: to for a, to in {**self.leads_to, **(leads_to or {})}.items()
                 if a not in dropped_actions and to in reachable}
        restricted = replace(self, statuses=tuple(statuses), deadlines=tuple(kept), variant=variant, roles=roles,
                             leads_to=flows)
        for s in restricted.statuses:
            for k in s.runs:
                assert restricted.running_in(k) == self.running_in(k), (
                    f"{variant}: {k} must run in the same statuses as in {self.subject_type} (its indexes)")
        self._variants[variant] = restricted
        return restricted

    def variants(self) -> list[Lifecycle]:
        return list(self._variants.values())

    def of(self, obj) -> Lifecycle:
        """The lifecycle of this object: its variant (by `variant_field`), else this one."""
        if not self.variant_field or not self._variants:
            return self
        return self._variants.get(getattr(obj, self.variant_field, None) or "", self)

    # --- statuses and actions ------------------------------------------------------------------

    def status(self, name: str) -> Status:
        return self._by_status[name]

    def allowed(self, status: str) -> list[str]:
        """The actions `status` allows, in declared order (the 409 answer lists them)."""
        s = self._by_status.get(status)
        return [str(a) for a in s.actions] if s else []

    def allowed_map(self) -> dict[str, list[str]]:
        return {s.name: self.allowed(s.name) for s in self.statuses}

    def may(self, action: str, roles: Iterable[str]) -> bool:
        return bool(self.roles.get(action, frozenset()) & set(roles))

    def sources_of(self, action: str) -> list[str]:
        """The statuses from which `action` may be taken."""
        return [s.name for s in self.statuses if action in s.actions]

    @property
    def open_statuses(self) -> list[str]:
        return [s.name for s in self.statuses if s.open]

    # --- deadlines ----------------------------------------------------------------------------

    def deadline(self, kind: str) -> Deadline:
        return self._by_kind[kind]

    @property
    def kinds(self) -> list[str]:
        return [d.kind for d in self.deadlines]

    def running(self, status: str) -> list[str]:
        """The deadline kinds whose clock runs in `status` (the sweep's candidates)."""
        s = self._by_status.get(status)
        return list(s.runs) if s else []

    def running_in(self, kind: str) -> list[str]:
        """The statuses in which the `kind` clock runs."""
        return [s.name for s in self.statuses if kind in s.runs]

    def running_q(self, kind: str) -> Q:
        """The subject rows whose `kind` clock runs (the condition of its "running" index)."""
        statuses = self.running_in(kind)
        q = Q(status=statuses[0]) if len(statuses) == 1 else Q(status__in=statuses)
        unmet = self._by_kind[kind].unmet_q()
        return q & unmet if unmet else q

    # --- a standing clock hides nothing (SPEC §3) ----------------------------------------------
    # In a standing (paused) status no deadline runs, except one of the status it stands for that
    # had already passed when the clock stopped: the pause does not move it (resume only moves
    # the ones still ahead), so it runs on and the sweep breaches and escalates it as an on-time
    # sweep would have, paused or not.

    def _stood_from(self, obj) -> Status | None:
        s = self._by_status.get(obj.status)
        if s is None or not s.stands:
            return None
        before = getattr(obj, self.stood_from_field, "") if self.stood_from_field else ""
        return self._by_status.get(before or s.stands, self._by_status[s.stands])

    def running_for(self, obj) -> list[str]:
        """The deadline kinds whose clock runs for this object now: its status's, or in a standing
        status the stood-for status's deadlines that had passed before the stand."""
        s = self._by_status.get(obj.status)
        if s is None:
            return []
        stood = self._stood_from(obj)
        if stood is None:
            return [k for k in s.runs if self._by_kind[k].runs_for(obj)]
        at = getattr(obj, self.stand_at_field, None) if self.stand_at_field else None
        if at is None:
            return []
        return [k for k in stood.runs if self._by_kind[k].runs_for(obj)
                and getattr(obj, self._by_kind[k].due) is not None and getattr(obj, self._by_kind[k].due) <= at]

    def standing_q(self, kind: str) -> Q:
        """The subject rows in a standing status whose `kind` deadline had passed before the stand
        (they run on: `running_for`)."""
        q = Q(pk__in=[])
        if not self.stand_at_field:
            return q
        d = self._by_kind[kind]
        for s in self.statuses:
            if not s.stands:
                continue
            stood_statuses = [name for name in self.running_in(kind)]
            if not stood_statuses:
                continue
            cond = Q(status=s.name, **{f"{d.due}__lte": F(self.stand_at_field)})
            if self.stood_from_field:
                default_runs = kind in self._by_status[s.stands].runs
                by = Q(**{f"{self.stood_from_field}__in": stood_statuses})
                if default_runs:
                    by |= Q(**{self.stood_from_field: ""})
                cond &= by
            elif kind not in self._by_status[s.stands].runs:
                continue
            q |= cond & d.unmet_q()
        return q

    def cycle_of(self, obj, kind: str) -> int:
        if self.cycle_field and self._by_kind[kind].cycles:
            return int(getattr(obj, self.cycle_field) or 0)
        return 0

    def _past(self, now: datetime) -> Q:
        q = Q(pk__in=[])
        for d in self.deadlines:
            q |= self.running_q(d.kind) & Q(**{f"{d.due}__lt": now})
            if self.stand_at_field:
                q |= self.standing_q(d.kind)
        return q

    def _warned(self, now: datetime) -> Q:
        q = Q(pk__in=[])
        for d in self.deadlines:
            q |= self.running_q(d.kind) & Q(**{f"{d.warn}__lte": now})
        return q

    def _flags(self) -> Q:
        q = Q(pk__in=[])
        for d in self.deadlines:
            q |= Q(**{d.flag: True})
        return q

    def breached_q(self, now: datetime) -> Q:
        """Breached: a flag set (by the sweep or at fulfilment), or a running deadline already past."""
        return self._flags() | self._past(now)

    def at_risk_q(self, now: datetime) -> Q:
        """At risk: not breached, and a running deadline in its warning zone (a standing clock: no)."""
        return ~self.breached_q(now) & self._warned(now)

    def overdue_q(self, now: datetime) -> Q:
        """Open, and a running deadline past (the work-order `overdue` filter)."""
        return Q(status__in=self.open_statuses) & self._past(now)

    def open_state_conditions(self, now: datetime) -> dict[str, Q]:
        """open / breached_now / at_risk as the list filters decide them (a tile equals its list)."""
        is_open = Q(status__in=self.open_statuses)
        breached = self.breached_q(now)
        return {"open": is_open, "breached_now": is_open & breached,
                "at_risk": is_open & ~breached & self._warned(now)}

    def current_deadline(self, default=None) -> Case:
        """The deadline an open subject works against now: the first declared one that runs in its
        status (a standing clock: the one of the status it stands for); a closed one: none;
        otherwise `default` (an expression). For work lists."""
        whens = []
        for s in self.statuses:
            runs = s.runs or (self._by_status[s.stands].runs if s.stands else ())
            for kind in runs:
                d = self._by_kind[kind]
                whens.append(When(Q(status=s.name, **{f"{d.due}__isnull": False}) & d.unmet_q(), then=F(d.due)))
        closed = [s.name for s in self.statuses if not s.open]
        if closed:
            whens.append(When(status__in=closed, then=Value(None, output_field=DateTimeField())))
        return Case(*whens, default=default if default is not None else Value(None), output_field=DateTimeField())

    def current_kind(self) -> Case:
        whens = []
        for s in self.statuses:
            runs = s.runs or (self._by_status[s.stands].runs if s.stands else ())
            if runs:
                whens.append(When(status=s.name, then=Value(runs[-1] if s.stands else runs[0])))
        return Case(*whens, default=Value(""))

    def current_due(self, obj, default=None) -> datetime | None:
        """`current_deadline()` for one object in memory."""
        s = self._by_status.get(obj.status)
        if s is not None and not s.open:
            return None
        due = next((d for _k, d, _w, _f in self.running_deadlines(obj) if d is not None), None)
        return due if due is not None else default

    def running_deadlines(self, obj) -> list[tuple[str, datetime | None, datetime | None, bool]]:
        """(kind, due, warn, flag) of the deadlines running for the object's status; a standing
        clock shows the ones of the status it stands for."""
        s = self._by_status.get(obj.status)
        if s is None:
            return []
        if s.stands:
            before = getattr(obj, self.stood_from_field, "") if self.stood_from_field else ""
            s = self._by_status.get(before or s.stands, self._by_status[s.stands])
        return [(k, getattr(obj, self._by_kind[k].due), getattr(obj, self._by_kind[k].warn),
                 getattr(obj, self._by_kind[k].flag)) for k in s.runs if self._by_kind[k].runs_for(obj)]

    def sla_state(self, obj, now: datetime) -> str:
        """on_track / at_risk / breached / met at `now`.

        Closed: `met` unless a deadline was breached. Open: `breached` if a flag is set or a
        running deadline is past, `at_risk` if one is in its warning zone. A standing (paused)
        clock is read at the moment it stopped."""
        any_flag = any(getattr(obj, d.flag) for d in self.deadlines)
        s = self._by_status.get(obj.status)
        if s is not None and not s.open:
            return "breached" if any_flag else "met"
        if any_flag:
            return "breached"
        at = now
        if s is not None and s.stands and self.stand_at_field and getattr(obj, self.stand_at_field):
            at = getattr(obj, self.stand_at_field)
        risk = False
        for _kind, due, warn, _flag in self.running_deadlines(obj):
            if due is not None and at > due:
                return "breached"
            if warn is not None and at >= warn:
                risk = True
        return "at_risk" if risk else "on_track"


_LIFECYCLES: dict[str, Lifecycle] = {}


def register(lifecycle: Lifecycle) -> Lifecycle:
    _LIFECYCLES[lifecycle.subject_type] = lifecycle
    return lifecycle


def lifecycles() -> list[Lifecycle]:
    """The registered lifecycles, one per subject type (the sweep's scope)."""
    return list(_LIFECYCLES.values())


def all_lifecycles() -> list[Lifecycle]:
    """Every registered lifecycle and each of its variants (the per-kind declarations)."""
    return [v for lc in _LIFECYCLES.values() for v in (lc, *lc.variants())]


def lifecycle(subject_type: str) -> Lifecycle:
    return _LIFECYCLES[subject_type]


def policy_from_targets(column: str = "sla_targets"):
    """`Lifecycle.policy_sql` for subjects that copy their policy into a JSON column
    {"policy": name, "<kind>": [amount, unit]} (complaints)."""
    def exprs(kind: str):
        return (Coalesce(KeyTextTransform("policy", column), Value(""), output_field=CharField()),
                KeyTransform(kind, column))
    return exprs
