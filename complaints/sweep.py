"""The SLA sweep (`enforce_sla`): raise escalations for every open deadline that crossed a level.

SPEC §4, decided from stored state and `now` only, never from a timer:

- level 1 `warning`  : `<kind>_warn_at` passed (the deadline is still open and not breached);
- level 2 `breached` : `<kind>_due_at` passed unmet -> the breach flag is set;
- level 3 `severe`   : still unmet 24 h after the deadline, or at once for a source's
                       "severe at breach" rows (major / forwarded complaints).

Set-based, and the work follows the crossings, not the open items. Every deadline stores the
level it has reached (`<kind>_level`, 0..3). For each registered deadline source the sweep takes
three arms, each walking one small partial index (rows below a level only):

- breach  (not flagged, deadline passed): ONE `INSERT ... SELECT ... ON CONFLICT DO NOTHING
  RETURNING` writes the escalations of every level between the recorded one and the one reached
  (a catch-up writes 1, 2 and 3 at once), then ONE UPDATE records the level and sets the flag;
- warning (not flagged, level 0, warning time passed) and severe (flagged, level < 3, late): the
  same INSERT, then ONE UPDATE each recording the level.

Each crossed row is written once per sweep; a sweep with nothing new reads a few index pages.
The unique constraint `complaints_escalation_unique_level` makes a second sweep, a late one or a
concurrent one write nothing; RETURNING hands back only the rows this sweep inserted, so only
those produce timeline events and notifications (a concurrent duplicate notifies nobody). All of
it runs in one transaction, so a sweep after hours of downtime writes the same rows as
minute-by-minute sweeps would have.

Deadline sources are registered here (`register`): complaints register theirs below, work
orders from `workorders/sweep.py` (imported by `WorkordersConfig.ready`), so this module never
imports a higher app.

Call it from code (benchmarks, shell): `from complaints.sweep import enforce_sla;
result = enforce_sla(now=None)` -> `SweepResult(counts, duration, queries)`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.db import OperationalError, connection, models, transaction
from django.db.models import Case, F, Q, Value, When
from django.db.models.functions import Cast, Greatest
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from customers.services import site_language

from .choices import (
    ComplaintChannel,
    ComplaintSeverity,
    ComplaintStatus,
    EscalationLevel,
    SubjectType,
)
from .display import escalation_summary
from .models import Complaint, ComplaintEvent, Escalation

log = logging.getLogger("complaints.sweep")

SEVERE_AFTER = timedelta(hours=24)
LEVELS = (EscalationLevel.WARNING, EscalationLevel.BREACHED, EscalationLevel.SEVERE)

# Stored on the escalation in the site's language (the sweep runs under LANGUAGE_CODE).
REASONS = {
    1: _("The warning share of the time to the deadline has passed."),
    2: _("The deadline passed unmet."),
    3: _("Still unmet 24 hours after the breach."),
}
REASON_SEVERE_AT_ONCE = _("Breach of a major or forwarded complaint: severe at once.")


@dataclass(frozen=True)
class SubjectInfo:
    """What a notification needs to know of an escalated object."""

    label: str  # complaint or work-order number
    link: str
    station_id: int
    owner_id: int | None  # handler or crew leader
    station_head_id: int | None
    account_manager_id: int | None  # only for grade A/B customers (None otherwise)
    urgent: bool = False  # e-mail/SMS ignore quiet hours (repair orders)


@dataclass(frozen=True)
class NewEscalation:
    id: int
    subject_id: int
    level: int
    kind: str
    due_at: datetime | None = None


@dataclass(frozen=True)
class DeadlineSource:
    """One kind of deadline on one model, as the sweep sees it.

    `open_q` selects rows whose deadline runs (e.g. status received for `ack`). The sweep's arms
    (see `_arms`) need three partial indexes within `open_q`: on `due_field` where not breached,
    on `warn_field` where not breached and `level_field` < 1, on `due_field` where breached and
    `level_field` < 3. `severe_at_once_q` marks rows whose breach is severe at once.
    `describe(ids)` returns {subject id: SubjectInfo}; `record(new, now)` writes the timeline
    events of the new escalations (one bulk insert).
    """

    subject_type: str
    kind: str
    model: type[models.Model]
    open_q: Q
    due_field: str
    warn_field: str
    breached_field: str
    # The field holding the escalation level this deadline has reached (0..3), advanced by the
    # sweep; the partial indexes hold only rows below a level, so the work follows the crossings.
    level_field: str
    describe: Callable[[Iterable[int]], dict[int, SubjectInfo]]
    record: Callable[[list[NewEscalation], datetime], None]
    severe_at_once_q: Q | None = None
    complaint_field: str | None = None  # the escalation's `complaint` (complaint sources: "pk")
    station_field: str = "station_id"
    # The field numbering the runs of this deadline (complaints: reopen_count — a reopened
    # complaint's new resolve clock escalates again); None: the deadline runs once.
    cycle_field: str | None = None

    @property
    def key(self) -> str:
        return f"{self.subject_type}.{self.kind}"


_REGISTRY: dict[str, DeadlineSource] = {}


def register(source: DeadlineSource) -> DeadlineSource:
    """Add (or replace, by subject type and kind) a deadline source. Idempotent."""
    _REGISTRY[source.key] = source
    return source


def sources() -> list[DeadlineSource]:
    return list(_REGISTRY.values())


@dataclass
class SweepResult:
    counts: dict[str, int] = field(default_factory=dict)  # "complaint.ack.L1" -> new escalations
    breached: dict[str, int] = field(default_factory=dict)  # "complaint.ack" -> flags set
    notifications: int = 0
    duration: float = 0.0
    queries: int = 0
    now: datetime | None = None

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def as_log(self) -> dict:
        return {"event": "enforce_sla", "now": self.now.isoformat() if self.now else None,
                "escalations": self.total, "counts": {k: v for k, v in self.counts.items() if v},
                "breached": {k: v for k, v in self.breached.items() if v},
                "notifications": self.notifications, "duration_ms": round(self.duration * 1000, 1),
                "queries": self.queries}


# --- the engine ------------------------------------------------------------------------------

def _late(source: DeadlineSource, now: datetime) -> Q:
    """Level 3 is due: 24 h past the deadline, or the deadline itself for severe-at-once rows."""
    due = source.due_field
    if source.severe_at_once_q is None:
        return Q(**{f"{due}__lte": now - SEVERE_AFTER})
    # `due <= now` first and on its own: the index condition of the severe arm's partial index
    return Q(**{f"{due}__lte": now}) & (Q(**{f"{due}__lte": now - SEVERE_AFTER}) | source.severe_at_once_q)


def _arms(source: DeadlineSource, now: datetime) -> tuple[Q, Q, Q]:
    """(breach, warning, severe): the rows of `source` that reached a level they have not recorded.

    Each arm walks one partial index of the source (all of them within `open_q`):
    - breach: not flagged and the deadline passed             -> index on due_field, not breached;
    - warning: not flagged, level 0, the warning time passed  -> index on warn_field, level < 1;
    - severe: flagged, level < 3 and late                     -> index on due_field, breached, level < 3.
    The breach arm runs first and may take a row through levels 1, 2 and 3 at once; once its
    UPDATE has flagged the row at level >= 2, no other arm matches it.
    """
    due, warn, flag, lvl = source.due_field, source.warn_field, source.breached_field, source.level_field
    breach = Q(**{flag: False, f"{due}__lte": now})
    warning = Q(**{flag: False, f"{lvl}__lt": 1, f"{warn}__lte": now})
    severe = _late(source, now) & Q(**{flag: True, f"{lvl}__lt": 3})
    return breach, warning, severe


def _reached(source: DeadlineSource, now: datetime) -> Case:
    """The level (0..3) a deadline of `source` has reached at `now`, as an SQL expression."""
    return Case(When(_late(source, now), then=Value(3)),
                When(Q(**{f"{source.due_field}__lte": now}), then=Value(2)),
                When(Q(**{f"{source.warn_field}__lte": now}), then=Value(1)),
                default=Value(0), output_field=models.PositiveSmallIntegerField())


_LEVEL_ROWS = "(SELECT 1 AS n UNION ALL SELECT 2 UNION ALL SELECT 3)"


def _insert_escalations(source: DeadlineSource, arm: Q, now: datetime) -> list[NewEscalation]:
    """ONE `INSERT ... SELECT ... ON CONFLICT DO NOTHING RETURNING` for one arm of the source: for
    every row that reached a new level, the escalations of each level above the one it had
    recorded up to the one it reached (a catch-up after downtime writes 1, 2 and 3 at once, as
    minute-by-minute sweeps would have). Returns the escalations this call wrote (a concurrent
    sweep's are not: the unique constraint turns them away)."""
    due = source.due_field
    # 1: a level-3 escalation of this row is "severe at once" (its reason says so)
    quick = (Case(When(source.severe_at_once_q & Q(**{f"{due}__gt": now - SEVERE_AFTER}), then=Value(1)),
                  default=Value(0), output_field=models.IntegerField())
             if source.severe_at_once_q is not None else Value(0, output_field=models.IntegerField()))
    complaint = F(source.complaint_field) if source.complaint_field else Cast(Value(None), models.BigIntegerField())
    cycle = F(source.cycle_field) if source.cycle_field else Value(0)
    select = (source.model._default_manager.filter(source.open_q).filter(arm)
              .annotate(esc_subject=F("pk"), esc_complaint=complaint, esc_station=F(source.station_field),
                        esc_due=F(due), esc_cycle=cycle, esc_from=F(source.level_field),
                        esc_to=_reached(source, now),
                        esc_quick=quick)
              .order_by()
              .values("esc_subject", "esc_complaint", "esc_station", "esc_due", "esc_cycle", "esc_from", "esc_to",
                      "esc_quick"))
    select_sql, select_params = select.query.sql_with_params()
    meta = Escalation._meta
    qn = connection.ops.quote_name
    cols = ["created_at", "updated_at", "subject_type", "kind", "level",
            "subject_id", "complaint", "station", "due_at", "reason", "cycle"]
    columns = ", ".join(qn(meta.get_field(c).column) for c in cols)
    conflict = ", ".join(qn(meta.get_field(c).column) for c in ("subject_type", "subject_id", "kind", "cycle", "level"))
    stamp = connection.ops.adapt_datetimefield_value(now)
    # `WHERE 1 = 1` keeps SQLite from reading ON CONFLICT as part of the join. The same order in
    # every sweep: concurrent sweeps meet on the same first row and the second one waits.
    sql = (f"INSERT INTO {qn(meta.db_table)} ({columns}) "
           f"SELECT %s, %s, %s, %s, lv.n, c.esc_subject, c.esc_complaint, c.esc_station, c.esc_due, "
           f"CASE WHEN lv.n = 3 AND c.esc_quick = 1 THEN %s WHEN lv.n = 3 THEN %s WHEN lv.n = 2 THEN %s ELSE %s END, "
           f"c.esc_cycle "
           f"FROM ({select_sql}) AS c INNER JOIN {_LEVEL_ROWS} AS lv ON lv.n > c.esc_from AND lv.n <= c.esc_to "
           f"WHERE 1 = 1 ORDER BY c.esc_subject, lv.n "
           f"ON CONFLICT ({conflict}) DO NOTHING RETURNING {qn('id')}, {qn('subject_id')}, {qn('due_at')}, "
           f"{qn('level')}")
    # the CASE's parameters come before the SELECT's in the SQL text
    params = [stamp, stamp, source.subject_type, source.kind,
              str(REASON_SEVERE_AT_ONCE), str(REASONS[3]), str(REASONS[2]), str(REASONS[1]), *select_params]
    with connection.cursor() as cur:
        cur.execute(sql, params)
        rows = cur.fetchall()
    return [NewEscalation(id=r[0], subject_id=r[1], level=int(r[3]), kind=source.kind, due_at=_as_datetime(r[2]))
            for r in rows]


def _record_level(source: DeadlineSource, arm: Q, now: datetime, *, flag: bool = False) -> int:
    """ONE guarded UPDATE: every row of the arm records the level it reached (also rows whose
    escalations a concurrent sweep wrote), so later sweeps no longer read it; `flag` also sets
    the breach flag (the breach arm). Returns the number of rows written."""
    lvl = source.level_field
    values = {lvl: Greatest(F(lvl), _reached(source, now))}
    if flag:
        values[source.breached_field] = True
    return source.model._default_manager.filter(source.open_q).filter(arm).update(**values)


def _as_datetime(value) -> datetime | None:
    """RETURNING bypasses the ORM's converters: SQLite hands back naive UTC values."""
    if value is None:
        return None
    parsed = value if isinstance(value, datetime) else parse_datetime(str(value))
    return timezone.make_aware(parsed, UTC) if parsed and timezone.is_naive(parsed) else parsed


def _sweep_once(now: datetime, result: SweepResult) -> None:
    from .escalations import notify_escalations

    new_by_source: dict[str, list[NewEscalation]] = {}
    with site_language(), transaction.atomic():
        for source in sources():
            breach, warning, severe = _arms(source, now)
            # breach first: its rows leave the other arms once flagged; each row is written once
            new = _insert_escalations(source, breach, now)
            result.breached[source.key] = _record_level(source, breach, now, flag=True)
            new += _insert_escalations(source, warning, now)
            new += _insert_escalations(source, severe, now)
            _record_level(source, warning, now)
            _record_level(source, severe, now)
            for level in LEVELS:
                result.counts[f"{source.key}.L{int(level)}"] = sum(1 for e in new if e.level == level)
            if new:
                source.record(new, now)
                new_by_source[source.key] = new
        if new_by_source:
            result.notifications = notify_escalations(
                {key: (_REGISTRY[key], rows) for key, rows in new_by_source.items()}, now=now)


def enforce_sla(now: datetime | None = None, *, retries: int = 3) -> SweepResult:
    """Run one sweep at `now` (default: the current time). Safe to run late, twice, or twice
    at once. Returns the counts per source and level, the duration and the number of queries."""
    now = now or timezone.now()
    started = time.perf_counter()
    queries = _QueryCounter()
    result = SweepResult(now=now)
    with connection.execute_wrapper(queries):
        for attempt in range(retries):
            try:
                result = SweepResult(now=now)
                _sweep_once(now, result)
                break
            except OperationalError as exc:  # deadlock / serialization failure / SQLite busy
                if attempt == retries - 1:
                    raise
                log.warning("enforce_sla retry after %s", exc)
                time.sleep(0.05 * (attempt + 1))
    result.duration = time.perf_counter() - started
    result.queries = queries.count
    log.info("enforce_sla %s", _fmt(result.as_log()), extra={"sweep": result.as_log()})
    return result


def _fmt(data: dict) -> str:
    import json

    return json.dumps(data, ensure_ascii=False, sort_keys=True, default=str)


class _QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


# --- complaint deadline sources ---------------------------------------------------------------

def describe_complaints(ids: Iterable[int]) -> dict[int, SubjectInfo]:
    rows = (Complaint.objects.filter(pk__in=list(ids))
            .values_list("pk", "number", "station_id", "handler_id", "station__head_id", "grade_at_intake",
                         "customer__account_manager_id"))
    return {
        pk: SubjectInfo(label=number, link=f"/complaints/{number}/", station_id=station_id, owner_id=handler_id,
                        station_head_id=head_id, account_manager_id=am_id if grade in ("A", "B") else None)
        for pk, number, station_id, handler_id, head_id, grade, am_id in rows
    }


def escalation_event(e: NewEscalation) -> dict:
    """The note and data of the timeline event of a new escalation (complaints and work orders);
    pages show the note again from the data, in the reader's language (complaints/display.py)."""
    data = {"escalation": e.id, "deadline": e.kind, "level": e.level,
            "due_at": e.due_at.isoformat() if e.due_at else None}
    return {"kind": "escalated", "note": escalation_summary(data), "data": data}


def record_complaint_events(new: list[NewEscalation], now: datetime) -> None:
    ComplaintEvent.objects.bulk_create([
        ComplaintEvent(complaint_id=e.subject_id, at=now, **escalation_event(e)) for e in new
    ])


_MAJOR_OR_FORWARDED = Q(severity=ComplaintSeverity.MAJOR) | Q(channel=ComplaintChannel.FORWARDED)
_COMMON = {"subject_type": SubjectType.COMPLAINT, "model": Complaint, "describe": describe_complaints,
           "record": record_complaint_events, "severe_at_once_q": _MAJOR_OR_FORWARDED, "complaint_field": "pk",
           "cycle_field": "reopen_count"}

# Paused complaints are not listed: their clock is stopped (resume moves the deadlines later; a
# deadline that had passed before the pause does not move, so the first sweep after the resume
# breaches it with the escalations an on-time sweep would have raised).
register(DeadlineSource(kind="ack", open_q=Q(status=ComplaintStatus.RECEIVED), due_field="ack_due_at",
                        level_field="ack_level",
                        warn_field="ack_warn_at", breached_field="ack_breached", **_COMMON))
register(DeadlineSource(kind="resolve", open_q=Q(status__in=[ComplaintStatus.RECEIVED, ComplaintStatus.ACKNOWLEDGED]),
                        level_field="resolve_level",
                        due_field="resolve_due_at", warn_field="resolve_warn_at",
                        breached_field="resolve_breached", **_COMMON))
register(DeadlineSource(kind="callback", open_q=Q(status=ComplaintStatus.RESOLVED), due_field="callback_due_at",
                        level_field="callback_level",
                        warn_field="callback_warn_at", breached_field="callback_breached", **_COMMON))
