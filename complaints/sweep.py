"""The SLA sweep (`enforce_sla`): raise escalations for every running deadline that crossed a level.

SPEC §4, §10, decided from stored state and `now` only, never from a timer:

- level 1 `warning`  : the row's `warn_at` passed (the deadline still runs and is not breached);
- level 2 `breached` : its `due_at` passed unmet -> the row's and the object's breach flags are set;
- level 3 `severe`   : still unmet 24 h after the deadline, or at once for "severe at once" rows
                       (major / forwarded complaints: declared by the lifecycle).

The sweep reads the deadline table only (`clock.Deadline`: one row per deadline of any object,
kept in step by the services through `clock.engine.sync`; `running` says the object's status runs
it, as its lifecycle declares). The work follows the crossings, not the open items: three arms,
each walking one small partial index of running rows below a level:

- breach  (not flagged, deadline passed): ONE `INSERT ... SELECT ... ON CONFLICT DO NOTHING
  RETURNING` writes the escalations of every level between the recorded one and the one reached
  (a catch-up writes 1, 2 and 3 at once), ONE statement sets the objects' flag columns
  (`ack_breached`, …; an UPDATE per kind of object), then ONE UPDATE records the rows' level and flag;
- warning (not flagged, level 0, warning time passed) and severe (flagged, level < 3, late): the
  same INSERT, then ONE UPDATE each recording the level.

On PostgreSQL each INSERT also writes the timeline event of every new escalation in the same
statement (a data-modifying WITH over the RETURNING rows): the sweep only ever INSERTs into the
escalation and event tables. Notifications: one outbox INSERT for all recipients
(escalations.notify_escalations). About 15 queries whatever the number of open items.

The unique constraint `complaints_escalation_unique_level` over (object, kind, cycle, level)
makes a second sweep, a late one or a concurrent one write nothing; RETURNING hands back only the
rows this sweep inserted, so only those produce timeline events and notifications (a concurrent
duplicate notifies nobody). All of it runs in one transaction, so a sweep after hours of downtime
writes the same rows as minute-by-minute sweeps would have.

Deadline sources are registered here (`register`): complaints register theirs below (one per
declared deadline kind), work orders from `workorders/sweep.py` (imported by
`WorkordersConfig.ready`), so this module never imports a higher app.

Call it from code (benchmarks, shell): `from complaints.sweep import enforce_sla;
result = enforce_sla(now=None)` -> `SweepResult(counts, duration, queries)`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

from django.db import OperationalError, connection, models, transaction
from django.db.models import Case, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Concat, Greatest
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from clock.lifecycle import lifecycle, lifecycles
from clock.models import Deadline
from core.i18n import site_language
from core.timeline import event, write_events

from .choices import EscalationLevel, SubjectType
from .display import escalation_summary
from .lifecycle import COMPLAINT
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
REASON_SEVERE_AT_ONCE = _("Breach of a major or forwarded complaint: severe at once.")  # also special, 12398, 12345


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


class NewEscalation(NamedTuple):
    """One escalation a sweep has just written (a named tuple: an end-of-day sweep makes 20,000)."""

    id: int
    subject_id: int
    level: int
    kind: str
    due_at: datetime | None = None
    subject_type: str = ""


@dataclass(frozen=True)
class DeadlineSource:
    """One kind of deadline of one kind of object, as the sweep sees it.

    The sweep reads the deadline rows (`clock.Deadline`) only; the object's lifecycle
    (`clock.lifecycle`) says in which statuses the deadline runs (kept in the rows' `running` by
    `clock.engine.sync`) and which column of the object holds its breach flag. Registered per
    kind: `describe(ids)` returns {subject id: SubjectInfo} for the notifications; `events_model`
    / `events_fk` name the object's timeline table, into which the sweep writes one row per new
    escalation (set-based on PostgreSQL); `record(new, now)` does the same from Python elsewhere.
    """

    subject_type: str
    kind: str
    describe: Callable[[Iterable[int]], dict[int, SubjectInfo]]
    record: Callable[[list[NewEscalation], datetime], None]
    events_model: type[models.Model] | None = None
    events_fk: str = ""
    # () -> queryset of the objects annotated r_label, r_link, r_owner, r_head, r_am (the account
    # manager, only for grade A/B customers), r_urgent: `describe` in SQL, for the set-based
    # notifications (escalations.notify_escalations_set_based)
    recipients: Callable[[], models.QuerySet] | None = None
    # the escalation's `complaint` is the subject itself (complaint sources)
    complaint_subject: bool = False

    @property
    def key(self) -> str:
        return f"{self.subject_type}.{self.kind}"

    @property
    def lifecycle(self):
        return lifecycle(self.subject_type)

    @property
    def model(self) -> type[models.Model]:
        from django.apps import apps

        return apps.get_model(self.lifecycle.model_label)

    @property
    def breached_field(self) -> str:
        return self.lifecycle.deadline(self.kind).flag


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

def _scope() -> Q:
    """The deadline rows of the registered sources: normally every declared kind, then no
    condition at all (a condition on type and kind would invite the planner to walk the unique
    index over every row of those kinds instead of the arm's small partial index)."""
    by_type: dict[str, list[str]] = {}
    for src in sources():
        by_type.setdefault(src.subject_type, []).append(src.kind)
    if {(t, k) for t, kinds in by_type.items() for k in kinds} == {
            (lc.subject_type, k) for lc in lifecycles() for k in lc.kinds}:
        return Q()
    q = Q(pk__in=[])
    for subject_type, kinds in sorted(by_type.items()):
        q |= Q(subject_type=subject_type, kind__in=sorted(kinds))
    return q


def _late(now: datetime) -> Q:
    """Level 3 is due: 24 h past the deadline, or the deadline itself for severe-at-once rows.
    Written as two ranges over (severe_at_once, due_at), the columns of the severe arm's partial
    index `clock_dl_late`: the arm reads only the rows that are late, not every breach of the last
    24 hours (they grow with the number of open objects)."""
    return Q(severe_at_once=False, due_at__lte=now - SEVERE_AFTER) | Q(severe_at_once=True, due_at__lte=now)


def arms(now: datetime) -> dict[str, Q]:
    """{breach, warning, severe}: the running deadline rows that reached a level they have not
    recorded. Each arm walks one partial index of clock.Deadline (clock/models.py):
    - breach: not flagged and the deadline passed             -> clock_dl_breach (due_at);
    - warning: not flagged, level 0, the warning time passed  -> clock_dl_warn (warn_at);
    - severe: flagged, level < 3 and late                     -> clock_dl_late (severe_at_once, due_at).
    The breach arm runs first and may take a row through levels 1, 2 and 3 at once; once its
    UPDATE has flagged the row at level >= 2, no other arm matches it."""
    return {
        "breach": Q(running=True, breached=False, due_at__lte=now),
        "warning": Q(running=True, breached=False, level__lt=1, warn_at__lte=now),
        "severe": Q(running=True, breached=True, level__lt=3) & _late(now),
    }


def _reached(now: datetime) -> Case:
    """The level (0..3) a deadline row has reached at `now`, as an SQL expression."""
    return Case(When(_late(now), then=Value(3)),
                When(due_at__lte=now, then=Value(2)),
                When(warn_at__lte=now, then=Value(1)),
                default=Value(0), output_field=models.PositiveSmallIntegerField())


_LEVEL_ROWS = "(SELECT 1 AS n UNION ALL SELECT 2 UNION ALL SELECT 3)"


def _rows(arm: Q):
    return Deadline.objects.filter(_scope()).filter(arm)


def _iso_sql(column: str) -> str:
    """`datetime.isoformat()` of a UTC timestamptz, in SQL (what the Python path writes)."""
    return (f"to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS') || CASE WHEN "
            f"mod(extract(microseconds FROM {column})::bigint, 1000000) <> 0 THEN to_char({column} AT TIME ZONE 'UTC', "
            f"'.US') ELSE '' END || '+00:00'")


def _events_sql(now_param: list, with_site_language: bool = True) -> tuple[list[str], list]:
    """One `INSERT INTO <timeline> … SELECT … FROM new` per subject type with a timeline table:
    an "escalated" event per new escalation, its note ("Acknowledge · Breached", in the site's
    language) and data as `escalation_event` writes them."""
    qn = connection.ops.quote_name
    notes = {}
    for src in sources():
        for level in LEVELS:
            notes[(src.kind, int(level))] = escalation_summary({"deadline": src.kind, "level": int(level)})
    parts, params = [], []
    seen = set()
    for src in sources():
        if src.events_model is None or src.subject_type in seen:
            continue
        seen.add(src.subject_type)
        meta = src.events_model._meta
        cols, exprs = [], []
        for f in meta.concrete_fields:
            if f.primary_key:
                continue
            cols.append(qn(f.column))
            if f.attname == src.events_fk:
                exprs.append("n.subject_id")
            elif f.name in ("at", "created_at", "updated_at"):
                exprs.append("%s")
                params.append(now_param[0])
            elif f.name == "kind":
                exprs.append("%s")
                params.append("escalated")
            elif f.name == "note":
                whens = []
                for (kind, level), note in notes.items():
                    whens.append("WHEN n.kind = %s AND n.level = %s THEN %s")
                    params.extend([kind, level, note])
                exprs.append(f"CASE {' '.join(whens)} ELSE '' END")
            elif f.name == "data":
                exprs.append(f"jsonb_build_object('escalation', n.id, 'deadline', n.kind, 'level', n.level, "
                             f"'due_at', {_iso_sql('n.due_at')})")
            else:
                exprs.append("%s")
                params.append(f.get_db_prep_save(f.get_default(), connection))
        params.append(src.subject_type)
        parts.append(f"INSERT INTO {qn(meta.db_table)} ({', '.join(cols)}) SELECT {', '.join(exprs)} "
                     f"FROM new n WHERE n.subject_type = %s ORDER BY n.id")
    return parts, params


def _insert_escalations(arm: Q, now: datetime) -> list[NewEscalation]:
    """ONE `INSERT ... SELECT ... ON CONFLICT DO NOTHING RETURNING` for one arm: for every running
    deadline row that reached a new level, the escalations of each level above the one it had
    recorded up to the one it reached (a catch-up after downtime writes 1, 2 and 3 at once, as
    minute-by-minute sweeps would have). On PostgreSQL the same statement writes the timeline
    event of each new escalation (data-modifying WITH). Returns the escalations this call wrote
    (a concurrent sweep's are not: the unique constraint turns them away)."""
    quick = Case(When(Q(severe_at_once=True, due_at__gt=now - SEVERE_AFTER), then=Value(1)),
                 default=Value(0), output_field=models.IntegerField())
    select = (_rows(arm).annotate(esc_to=_reached(now), esc_quick=quick).order_by()
              .values("subject_type", "subject_id", "kind", "cycle", "station_id", "due_at", "level", "esc_to",
                      "esc_quick"))
    select_sql, select_params = select.query.sql_with_params()
    meta = Escalation._meta
    qn = connection.ops.quote_name
    cols = ["created_at", "updated_at", "subject_type", "kind", "level", "subject_id", "complaint", "station",
            "due_at", "reason", "cycle"]
    columns = ", ".join(qn(meta.get_field(c).column) for c in cols)
    conflict = ", ".join(qn(meta.get_field(c).column) for c in ("subject_type", "subject_id", "kind", "cycle", "level"))
    stamp = connection.ops.adapt_datetimefield_value(now)
    complaint_types = sorted({s.subject_type for s in sources() if s.complaint_subject}) or [""]
    marks = ", ".join(["%s"] * len(complaint_types))
    # `WHERE 1 = 1` keeps SQLite from reading ON CONFLICT as part of the join. The same order in
    # every sweep: concurrent sweeps meet on the same first row and the second one waits.
    insert = (f"INSERT INTO {qn(meta.db_table)} ({columns}) "
              f"SELECT %s, %s, c.subject_type, c.kind, lv.n, c.subject_id, "
              f"CASE WHEN c.subject_type IN ({marks}) THEN c.subject_id END, c.station_id, c.due_at, "
              f"CASE WHEN lv.n = 3 AND c.esc_quick = 1 THEN %s WHEN lv.n = 3 THEN %s WHEN lv.n = 2 THEN %s "
              f"ELSE %s END, c.cycle "
              f"FROM ({select_sql}) AS c INNER JOIN {_LEVEL_ROWS} AS lv ON lv.n > c.level AND lv.n <= c.esc_to "
              f"WHERE 1 = 1 ORDER BY c.subject_type, c.subject_id, c.kind, lv.n "
              f"ON CONFLICT ({conflict}) DO NOTHING RETURNING {qn('id')}, {qn('subject_type')}, {qn('subject_id')}, "
              f"{qn('kind')}, {qn('level')}, {qn('due_at')}")
    # the CASE's parameters come before the SELECT's in the SQL text
    params = [stamp, stamp, *complaint_types, str(REASON_SEVERE_AT_ONCE), str(REASONS[3]), str(REASONS[2]),
              str(REASONS[1]), *select_params]
    set_based = connection.vendor == "postgresql"
    if set_based:
        events, event_params = _events_sql([stamp])
        if events:
            ctes = ", ".join(f"ev{i} AS ({sql})" for i, sql in enumerate(events))
            insert = f"WITH new AS ({insert}), {ctes} SELECT id, subject_type, subject_id, kind, level, due_at FROM new"
            params += event_params
    with connection.cursor() as cur:
        cur.execute(insert, params)
        rows = cur.fetchall()
    new = [NewEscalation(id=r[0], subject_id=r[2], level=int(r[4]), kind=r[3], due_at=_as_datetime(r[5]),
                         subject_type=r[1]) for r in rows]
    if not set_based and new:
        for src in sources():
            mine = [e for e in new if e.subject_type == src.subject_type and e.kind == src.kind]
            if mine:
                src.record(mine, now)
    return new


def _flag_subjects(arm: Q) -> dict[str, int]:
    """The breach arm: the objects' breach flag columns (`ack_breached`, …: SPEC §2's fields,
    kept in step with the rows) are set before the rows record their level (the same lock order
    as the services: the object, then its deadline rows). Objects whose flags are already set are
    left alone; returns the flags set now, per kind.

    On PostgreSQL ONE UPDATE per kind of object sets every flag column at once: the arm's rows of
    that type grouped per object (`bool_or` per deadline kind) are joined to the objects by
    primary key. (The counts come from RETURNING, which sees the new row only: an object with two
    kinds breaching at once, one of them flagged already, counts for both; no rule reads them.)"""
    out = {src.key: 0 for src in sources()}
    by_type: dict[str, list[DeadlineSource]] = {}
    for src in sources():
        by_type.setdefault(src.subject_type, []).append(src)
    if connection.vendor != "postgresql":
        for src in sources():
            ids = _rows(arm).filter(subject_type=src.subject_type, kind=src.kind).order_by().values("subject_id")
            # the base manager: every row (complaints' default manager shows the complaint kind only)
            out[src.key] = (src.model._base_manager.filter(pk__in=ids, **{src.breached_field: False})
                            .update(**{src.breached_field: True}))
        return out
    qn = connection.ops.quote_name
    arm_sql, params = _rows(arm).order_by().values("subject_type", "subject_id", "kind").query.sql_with_params()
    # the arm's rows are read ONCE (`a`), each type's objects found by primary key from an array of
    # its ids (`= ANY(ARRAY(…))`: misled by the whole table's statistics, the planner would
    # otherwise hash-join a full scan of the objects' primary key index)
    ctes, selects, labels = [f"a AS MATERIALIZED ({arm_sql})"], [], []
    params = list(params)
    for t, (subject_type, srcs) in enumerate(by_type.items()):
        meta = srcs[0].model._meta
        cols = [qn(meta.get_field(src.breached_field).column) for src in srcs]
        wanted = ", ".join(f"bool_or(a.kind = %s) AS k{i}" for i in range(len(srcs)))
        params += [src.kind for src in srcs] + [subject_type]
        ctes.append(f"b{t} AS MATERIALIZED (SELECT a.subject_id, {wanted} FROM a WHERE a.subject_type = %s "
                    f"GROUP BY a.subject_id)")
        sets = ", ".join(f"{col} = o.{col} OR b.k{i}" for i, col in enumerate(cols))
        # a flag that is already set is not written again (a new row version, and on a full page
        # an entry in every index of the wide row, for the same value)
        needed = " OR ".join(f"(b.k{i} AND NOT o.{col})" for i, col in enumerate(cols))
        pk = qn(meta.pk.column)
        ctes.append(f"u{t} AS (UPDATE {qn(meta.db_table)} AS o SET {sets} FROM b{t} AS b "
                    f"WHERE o.{pk} = ANY(ARRAY(SELECT subject_id FROM b{t})) AND o.{pk} = b.subject_id "
                    f"AND ({needed}) RETURNING {', '.join(f'b.k{i}' for i in range(len(srcs)))})")
        # counted in SQL: one row per kind of object, not one per object
        counts = ", ".join(f"count(*) FILTER (WHERE k{i})" for i in range(len(srcs)))
        selects.append(f"SELECT {t} AS t, ARRAY[{counts}] AS hits FROM u{t}")
        labels.append(srcs)
    with connection.cursor() as cur:
        cur.execute(f"WITH {', '.join(ctes)} {' UNION ALL '.join(selects)}", params)
        for t, hits in cur.fetchall():
            for src, hit in zip(labels[t], hits, strict=True):
                out[src.key] += int(hit)
    return out


def _record_level(arm: Q, now: datetime, *, flag: bool = False) -> int:
    """ONE guarded UPDATE: every row of the arm records the level it reached (also rows whose
    escalations a concurrent sweep wrote), so later sweeps no longer read it; `flag` also sets
    the breach flag (the breach arm). Returns the number of rows written."""
    values = {"level": Greatest(F("level"), _reached(now)), "updated_at": now}
    if flag:
        values["breached"] = True
    return _rows(arm).update(**values)


def _as_datetime(value) -> datetime | None:
    """RETURNING bypasses the ORM's converters: SQLite hands back naive UTC values."""
    if value is None:
        return None
    parsed = value if isinstance(value, datetime) else parse_datetime(str(value))
    return timezone.make_aware(parsed, UTC) if parsed and timezone.is_naive(parsed) else parsed


def _plan_on_partial_indexes() -> None:
    """PostgreSQL, for this transaction: walk the arms' partial indexes, never the table.

    The planner estimates `running AND NOT breached AND due_at <= now` from the statistics of the
    whole table, where most rows are stopped deadlines of closed objects, long past: with a million
    open objects it expects most running rows to be past due and reads all four million rows
    (2.6 s for a sweep with nothing to do), where the partial index holds the few that crossed. The
    arms, their UPDATEs and the escalation INSERT read only what the indexes give; the tables the
    notifications read are small and keyed.

    The end-of-day instant (20,000 deadlines at once) sorts and hashes tens of thousands of rows:
    with the default 4 MB of `work_mem` each sort spilled to disk, and JIT compilation cost ~0.1 s
    per large statement (more than it saves on statements that touch rows by index), so both are
    set for the sweep's transaction only. So is parallel query: misled by the same statistics, the
    planner gave the breach arm's `SELECT DISTINCT` two parallel workers at a million open objects,
    whose start-up cost more than the few index pages they read (a sweep with nothing new grew
    with the open count)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SET LOCAL enable_seqscan = off")
            cur.execute("SET LOCAL jit = off")
            cur.execute("SET LOCAL work_mem = '64MB'")
            cur.execute("SET LOCAL max_parallel_workers_per_gather = 0")


def _sweep_once(now: datetime, result: SweepResult) -> None:
    from .escalations import notify_escalations, notify_escalations_set_based

    with site_language(), transaction.atomic():
        _plan_on_partial_indexes()
        a = arms(now)
        # breach first: its rows leave the other arms once flagged; each row is written once
        new = _insert_escalations(a["breach"], now)
        result.breached = _flag_subjects(a["breach"])
        _record_level(a["breach"], now, flag=True)
        new += _insert_escalations(a["warning"], now)
        new += _insert_escalations(a["severe"], now)
        _record_level(a["warning"], now)
        _record_level(a["severe"], now)
        by_source: dict[str, list[NewEscalation]] = {src.key: [] for src in sources()}
        for e in new:
            by_source[f"{e.subject_type}.{e.kind}"].append(e)
        for key, rows in by_source.items():
            for level in LEVELS:
                result.counts[f"{key}.L{int(level)}"] = sum(1 for e in rows if e.level == level)
        if new:
            by_type = {src.subject_type: src for src in sources()}
            if connection.vendor == "postgresql" and all(s.recipients for s in by_type.values()):
                result.notifications = notify_escalations_set_based(by_type, new, now=now)
            else:
                result.notifications = notify_escalations(
                    {key: (_REGISTRY[key], rows) for key, rows in by_source.items() if rows}, now=now)


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
    # every kind of order (a repair call's callback is swept like a complaint's)
    rows = (Complaint.all_kinds.filter(pk__in=list(ids))
            .values_list("pk", "number", "station_id", "handler_id", "station__head_id", "grade_at_intake",
                         "customer__account_manager_id", "kind"))
    return {
        pk: SubjectInfo(label=number, link=f"/{'complaints' if kind == 'complaint' else 'tickets'}/{number}/",
                        station_id=station_id, owner_id=handler_id,
                        station_head_id=head_id, account_manager_id=am_id if grade in ("A", "B") else None)
        for pk, number, station_id, handler_id, head_id, grade, am_id, kind in rows
    }


def complaint_recipients():
    """`describe_complaints` in SQL (set-based notifications)."""
    from customers.models import Customer

    return Complaint.all_kinds.annotate(
        r_label=F("number"),
        r_link=Concat(Case(When(kind="complaint", then=Value("/complaints/")), default=Value("/tickets/")),
                      F("number"), Value("/"), output_field=models.CharField()),
        r_owner=F("handler_id"), r_head=F("station__head_id"),
        # the customer is read only for grade A/B (a CASE evaluates its branch only when it holds):
        # a join would read the customer of every escalated complaint
        r_am=Case(When(grade_at_intake__in=["A", "B"],
                       then=Subquery(Customer.objects.filter(pk=OuterRef("customer_id")).values("account_manager_id"))),
                  default=None, output_field=models.BigIntegerField()),
        r_urgent=Value(False, output_field=models.BooleanField())).order_by()


def escalation_event(e: NewEscalation) -> dict:
    """The note and data of the timeline event of a new escalation (complaints and work orders);
    pages show the note again from the data, in the reader's language (complaints/display.py).
    The set-based path (`_events_sql`) writes the same in SQL."""
    data = {"escalation": e.id, "deadline": e.kind, "level": e.level,
            "due_at": e.due_at.isoformat() if e.due_at else None}
    return {"kind": "escalated", "note": escalation_summary(data), "data": data}


def record_complaint_events(new: list[NewEscalation], now: datetime) -> None:
    write_events(ComplaintEvent, [event(ComplaintEvent, complaint_id=e.subject_id, at=now, **escalation_event(e))
                                  for e in new])


# Which deadlines run in which status is the lifecycle's (complaints/lifecycle.py): the rows of a
# paused complaint do not run (resume moves the deadlines later and runs them again).
for _kind in COMPLAINT.kinds:
    register(DeadlineSource(subject_type=SubjectType.COMPLAINT, kind=_kind, describe=describe_complaints,
                            record=record_complaint_events, events_model=ComplaintEvent, events_fk="complaint_id",
                            complaint_subject=True, recipients=complaint_recipients))
