"""The SLA sweep (`enforce_sla`): raise escalations for every open deadline that crossed a level.

SPEC §4, decided from stored state and `now` only, never from a timer:

- level 1 `warning`  : `<kind>_warn_at` passed (the deadline is still open and not breached);
- level 2 `breached` : `<kind>_due_at` passed unmet -> the breach flag is set;
- level 3 `severe`   : still unmet 24 h after the deadline, or at once for a source's
                       "severe at breach" rows (major / forwarded complaints).

Set-based: for each registered deadline source and level, ONE `INSERT ... SELECT ... ON CONFLICT
DO NOTHING RETURNING` writes the escalations of every row that crossed the level (the SELECT
walks a partial index and skips rows that already have theirs with NOT EXISTS), and ONE UPDATE
sets the breach flags. The unique constraint `complaints_escalation_unique_level` makes a second
sweep, a late one or a concurrent one write nothing; RETURNING hands back only the rows this
sweep inserted, so only those produce timeline events and notifications (a concurrent duplicate
notifies nobody). Levels run in order inside one transaction, so a sweep after hours of downtime
writes the same rows as minute-by-minute sweeps would have.

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

from django.conf import settings
from django.db import OperationalError, connection, models, transaction
from django.db.models import Case, Exists, F, OuterRef, Q, Value, When
from django.db.models.functions import Cast
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from .choices import (
    ComplaintChannel,
    ComplaintSeverity,
    ComplaintStatus,
    DeadlineKind,
    EscalationLevel,
    SubjectType,
)
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

    `open_q` selects rows whose deadline runs (e.g. status received for `ack`); the level 1/2
    queries add `<breached_field>=False` so they walk the source's partial indexes on
    `warn_field` / `due_field`. `severe_at_once_q` marks rows whose breach is severe at once.
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
    describe: Callable[[Iterable[int]], dict[int, SubjectInfo]]
    record: Callable[[list[NewEscalation], datetime], None]
    severe_at_once_q: Q | None = None
    complaint_field: str | None = None  # the escalation's `complaint` (complaint sources: "pk")
    station_field: str = "station_id"
    # The field numbering the runs of this deadline (complaints: reopen_count — a reopened
    # complaint's new resolve clock escalates again); None: the deadline runs once.
    cycle_field: str | None = None
    # The field holding the escalation level this deadline has reached (0..3), advanced by the
    # sweep; the partial indexes hold only rows below a level, so the work follows the crossings.
    level_field: str | None = None

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

def _crossed(source: DeadlineSource, level: int, now: datetime) -> models.QuerySet:
    """Rows of `source` that crossed `level` at `now` and have not recorded it yet."""
    qs = source.model._default_manager.filter(source.open_q)
    if source.level_field:
        qs = qs.filter(**{f"{source.level_field}__lt": int(level)})
    due, warn, flag = source.due_field, source.warn_field, source.breached_field
    if level == EscalationLevel.WARNING:
        # partial index on warn_field (open, not breached)
        qs = qs.filter(**{flag: False, f"{warn}__lte": now})
    elif level == EscalationLevel.BREACHED:
        # partial index on due_field (open, not breached)
        qs = qs.filter(**{flag: False, f"{due}__lte": now})
    else:
        # breached rows (the flag was set by level 2 just before, in the same transaction)
        late = Q(**{f"{due}__lte": now - SEVERE_AFTER})
        if source.severe_at_once_q is not None:
            late |= source.severe_at_once_q & Q(**{f"{due}__lte": now})
        qs = qs.filter(late, **{flag: True})
    return qs


def _advance_levels(source: DeadlineSource, level: int, now: datetime) -> int:
    """ONE UPDATE: every row that crossed `level` records it (also rows whose escalation a
    concurrent sweep wrote), so later sweeps no longer read them for this level."""
    if not source.level_field:
        return 0
    return _crossed(source, level, now).update(**{source.level_field: int(level)})


def _candidates(source: DeadlineSource, level: int, now: datetime) -> models.QuerySet:
    """Rows of `source` that crossed `level` at `now` and have no escalation of that level yet."""
    qs = _crossed(source, level, now)
    due = source.due_field
    cycle = F(source.cycle_field) if source.cycle_field else Value(0)
    has_it = Escalation.objects.filter(subject_type=source.subject_type, subject_id=OuterRef("pk"),
                                       kind=source.kind, level=level,
                                       cycle=OuterRef(source.cycle_field) if source.cycle_field else 0)
    reason = Value(str(REASONS[level]))
    if level == EscalationLevel.SEVERE and source.severe_at_once_q is not None:
        reason = Case(When(source.severe_at_once_q & Q(**{f"{due}__gt": now - SEVERE_AFTER}),
                           then=Value(str(REASON_SEVERE_AT_ONCE))), default=Value(str(REASONS[level])))
    complaint = F(source.complaint_field) if source.complaint_field else Cast(Value(None), models.BigIntegerField())
    return (qs.filter(~Exists(has_it))
            .annotate(esc_subject=F("pk"), esc_complaint=complaint, esc_station=F(source.station_field),
                      esc_due=F(due), esc_reason=reason, esc_cycle=cycle)
            # same order in every sweep: concurrent sweeps meet on the same first row and wait
            .order_by("pk")
            .values("esc_subject", "esc_complaint", "esc_station", "esc_due", "esc_reason", "esc_cycle"))


def _insert_escalations(source: DeadlineSource, level: int, now: datetime) -> list[NewEscalation]:
    """One INSERT ... SELECT ... ON CONFLICT DO NOTHING RETURNING: the escalations this call wrote."""
    select_sql, select_params = _candidates(source, level, now).query.sql_with_params()
    meta = Escalation._meta
    qn = connection.ops.quote_name
    cols = ["created_at", "updated_at", "subject_type", "kind", "level",
            "subject_id", "complaint", "station", "due_at", "reason", "cycle"]
    columns = ", ".join(qn(meta.get_field(c).column) for c in cols)
    conflict = ", ".join(qn(meta.get_field(c).column) for c in ("subject_type", "subject_id", "kind", "cycle", "level"))
    stamp = connection.ops.adapt_datetimefield_value(now)
    # `WHERE 1 = 1` keeps SQLite from reading ON CONFLICT as part of the SELECT's join syntax.
    sql = (f"INSERT INTO {qn(meta.db_table)} ({columns}) "
           f"SELECT %s, %s, %s, %s, %s, c.esc_subject, c.esc_complaint, c.esc_station, c.esc_due, c.esc_reason, "
           f"c.esc_cycle "
           f"FROM ({select_sql}) AS c WHERE 1 = 1 "
           f"ON CONFLICT ({conflict}) DO NOTHING RETURNING {qn('id')}, {qn('subject_id')}, {qn('due_at')}")
    params = [stamp, stamp, source.subject_type, source.kind, int(level), *select_params]
    with connection.cursor() as cur:
        cur.execute(sql, params)
        rows = cur.fetchall()
    return [NewEscalation(id=r[0], subject_id=r[1], level=int(level), kind=source.kind, due_at=_as_datetime(r[2]))
            for r in rows]


def _as_datetime(value) -> datetime | None:
    """RETURNING bypasses the ORM's converters: SQLite hands back naive UTC values."""
    if value is None:
        return None
    parsed = value if isinstance(value, datetime) else parse_datetime(str(value))
    return timezone.make_aware(parsed, UTC) if parsed and timezone.is_naive(parsed) else parsed


def _set_breach_flags(source: DeadlineSource, now: datetime) -> int:
    """ONE guarded UPDATE: every open, unflagged deadline that passed is marked breached."""
    return (source.model._default_manager
            .filter(source.open_q, **{source.breached_field: False, f"{source.due_field}__lte": now})
            .update(**{source.breached_field: True}))


def _sweep_once(now: datetime, result: SweepResult) -> None:
    from .escalations import notify_escalations

    new_by_source: dict[str, list[NewEscalation]] = {}
    with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
        for source in sources():
            new: list[NewEscalation] = []
            for level in LEVELS:
                rows = _insert_escalations(source, level, now)
                result.counts[f"{source.key}.L{int(level)}"] = len(rows)
                new.extend(rows)
                _advance_levels(source, level, now)
                if level == EscalationLevel.BREACHED:
                    result.breached[source.key] = _set_breach_flags(source, now)
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


def record_complaint_events(new: list[NewEscalation], now: datetime) -> None:
    ComplaintEvent.objects.bulk_create([
        ComplaintEvent(complaint_id=e.subject_id, at=now, kind="escalated",
                       note=f"{DeadlineKind(e.kind).label} · {EscalationLevel(e.level).label}",
                       data={"escalation": e.id, "deadline": e.kind, "level": e.level,
                             "due_at": e.due_at.isoformat() if e.due_at else None})
        for e in new
    ])


_MAJOR_OR_FORWARDED = Q(severity=ComplaintSeverity.MAJOR) | Q(channel=ComplaintChannel.FORWARDED)
_COMMON = {"subject_type": SubjectType.COMPLAINT, "model": Complaint, "describe": describe_complaints,
           "record": record_complaint_events, "severe_at_once_q": _MAJOR_OR_FORWARDED, "complaint_field": "pk",
           "cycle_field": "reopen_count"}

# Paused complaints are not listed: their clock is stopped (resume moves the deadlines later).
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
