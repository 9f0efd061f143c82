"""The deadline rows kept in step with their objects: `sync` (one upsert per change), `backfill`
(set-based, for existing data), `record_moves` (the history lines) and the reads the API uses
(`deadlines_annotation`, `deadlines_of`).

An object's deadline columns (`ack_due_at`, `resolve_warn_at`, `arrive_breached`, …) stay what
SPEC §2 says; the rows here are derived from them by the object's declared lifecycle
(`clock.lifecycle`) and carry what the sweep needs besides: whether the clock runs (the status
runs that kind and it is unmet), the level reached, the station, severe-at-once. The sweep
(`clock.sweep`) reads the rows only.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from django.db import connection, models
from django.db.models import Aggregate, Case, F, JSONField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Cast, JSONObject
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from .lifecycle import Lifecycle, lifecycle
from .models import Deadline, DeadlineMove

ROW_FIELDS = ("kind", "cycle", "due_at", "warn_at", "level", "breached", "met_at", "provisional")
UPSERT_FIELDS = ["subject_type", "subject_id", "kind", "cycle", "station_id", "policy", "target", "started_at",
                 "due_at", "warn_at", "provisional", "running", "severe_at_once", "level", "breached", "met_at",
                 "created_at", "updated_at"]
# what a change of the object may move; level is the sweep's, kept as it is
UPDATE_ON_CONFLICT = ["station_id", "policy", "target", "started_at", "due_at", "warn_at", "provisional", "running",
                      "severe_at_once", "breached", "met_at", "updated_at"]


def _aware(value) -> datetime | None:
    """Raw rows (RETURNING, JSON) bypass the ORM's converters: SQLite hands back naive UTC text."""
    if value is None or value == "":
        return None
    parsed = value if isinstance(value, datetime) else parse_datetime(str(value))
    return timezone.make_aware(parsed, UTC) if parsed is not None and timezone.is_naive(parsed) else parsed


def desired_rows(lc: Lifecycle, obj, *, now: datetime) -> list[dict]:
    """The current deadline rows of `obj` as its columns and its lifecycle (its kind's variant,
    `Lifecycle.of`) say (no query)."""
    lc = lc.of(obj)
    runs = set(lc.running_for(obj))
    rows = []
    for d in lc.deadlines:
        due = getattr(obj, d.due)
        if due is None:
            continue
        start = getattr(obj, d.start, None)
        met = getattr(obj, d.met, None)
        running = d.kind in runs
        met_at = None if running or met is None or (start is not None and met < start) else met
        policy, target = lc.policy_of(obj, d.kind)
        rows.append({
            "subject_type": lc.subject_type, "subject_id": obj.pk, "kind": d.kind, "cycle": lc.cycle_of(obj, d.kind),
            "station_id": getattr(obj, lc.station_field), "policy": policy or "", "target": target,
            "started_at": start, "due_at": due, "warn_at": getattr(obj, d.warn),
            "provisional": bool(lc.provisional_of(obj, d.kind)),
            "running": running, "severe_at_once": bool(lc.severe_at_once(obj)), "level": 0,
            "breached": bool(getattr(obj, d.flag)), "met_at": met_at, "created_at": now, "updated_at": now,
        })
    return rows


def sync(obj, *, subject_type: str, now: datetime | None = None, new_cycle: bool = False,
         moves: Iterable[dict] = ()) -> list[dict]:
    """Write the object's current deadline rows (ONE upsert, RETURNING what the API shows) and
    keep them on the object for its answer (`deadlines_of`). `new_cycle`: the object was
    reopened, so the rows of earlier cycles stop (one more UPDATE). `moves`: history lines
    (`record_moves`)."""
    lc = lifecycle(subject_type)
    now = now or timezone.now()
    rows = desired_rows(lc, obj, now=now)
    if new_cycle:
        current = {(r["kind"], r["cycle"]) for r in rows}
        stale = Deadline.objects.filter(subject_type=lc.subject_type, subject_id=obj.pk, running=True)
        for kind, cycle in current:
            stale = stale.exclude(kind=kind, cycle=cycle)
        # stopped by the new cycle; met if the object's fulfilment time falls in their run
        met = [When(kind=d.kind, started_at__lte=getattr(obj, d.met), met_at__isnull=True,
                    then=Value(getattr(obj, d.met))) for d in lc.deadlines if getattr(obj, d.met, None)]
        stale.update(running=False, updated_at=now,
                     met_at=Case(*met, default=F("met_at"), output_field=models.DateTimeField()) if met else F("met_at"))
    out = _upsert(rows) if rows else []
    if moves:
        record_moves(lc, obj, moves, now=now)
    obj._clock_rows = _ordered(lc, out)
    return obj._clock_rows


def _values(rows: list[dict]) -> tuple[str, list]:
    """`INSERT INTO clock_deadline (…) VALUES (…), …` of plain row dicts, and its parameters."""
    meta = Deadline._meta
    qn = connection.ops.quote_name
    fields = [meta.get_field(name) for name in UPSERT_FIELDS]
    cols = ", ".join(qn(f.column) for f in fields)
    one = "(" + ", ".join(["%s"] * len(fields)) + ")"
    # plain values go to the driver as they are (aware datetimes, str, int, bool); only the JSON
    # target needs the field's adaptation (a per-field get_db_prep_save costs intake CPU)
    target = meta.get_field("target")
    prep = connection.vendor != "postgresql"
    params = []
    for row in rows:
        params += [(f.get_db_prep_save(row[f.name], connection) if prep or f is target else row[f.name])
                   for f in fields]
    return f"INSERT INTO {qn(meta.db_table)} ({cols}) VALUES {', '.join([one] * len(rows))}", params


def _upsert(rows: list[dict]) -> list[dict]:
    meta = Deadline._meta
    qn = connection.ops.quote_name
    insert, params = _values(rows)
    sets = ", ".join(f"{qn(meta.get_field(n).column)} = EXCLUDED.{qn(meta.get_field(n).column)}"
                     for n in UPDATE_ON_CONFLICT)
    sql = (f"{insert} ON CONFLICT (subject_type, subject_id, kind, cycle) DO UPDATE SET {sets} "
           f"RETURNING {', '.join(qn(n) for n in ROW_FIELDS)}")
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return [_row(dict(zip(ROW_FIELDS, r, strict=True))) for r in cur.fetchall()]


def _row(raw: dict) -> dict:
    return {"kind": raw["kind"], "cycle": int(raw["cycle"]), "due_at": _aware(raw["due_at"]),
            "warn_at": _aware(raw["warn_at"]), "level": int(raw["level"]), "breached": bool(raw["breached"]),
            "met_at": _aware(raw["met_at"]), "provisional": bool(raw["provisional"])}


def _ordered(lc: Lifecycle, rows: list[dict]) -> list[dict]:
    """One row per kind, its latest cycle, in declared order."""
    latest: dict[str, dict] = {}
    for r in rows:
        if r["kind"] not in latest or r["cycle"] > latest[r["kind"]]["cycle"]:
            latest[r["kind"]] = r
    order = {k: i for i, k in enumerate(lc.kinds)}
    return sorted(latest.values(), key=lambda r: order.get(r["kind"], 99))


def record_moves(lc: Lifecycle, obj, moves: Iterable[dict], *, now: datetime) -> None:
    """Append history lines: each {kind, what, old_due_at, new_due_at, old_warn_at?, new_warn_at?,
    by?, note?, data?} of the object's current cycle of that kind (one INSERT)."""
    DeadlineMove.objects.bulk_create([DeadlineMove(
        subject_type=lc.subject_type, subject_id=obj.pk, kind=m["kind"], cycle=lc.cycle_of(obj, m["kind"]),
        at=m.get("at", now), what=m["what"], old_due_at=m.get("old_due_at"), new_due_at=m.get("new_due_at"),
        old_warn_at=m.get("old_warn_at"), new_warn_at=m.get("new_warn_at"),
        by_id=getattr(m.get("by"), "pk", m.get("by")), note=m.get("note", ""), data=m.get("data") or {})
        for m in moves])


# --- reads for the API -------------------------------------------------------------------------

class JSONArrayAgg(Aggregate):
    """The rows of a group as one JSON array (SQLite json_group_array, PostgreSQL jsonb_agg)."""

    function = "JSON_GROUP_ARRAY"
    output_field = JSONField()

    def as_postgresql(self, compiler, conn, **extra):
        return super().as_sql(compiler, conn, function="JSONB_AGG", **extra)


def deadlines_annotation(subject_type: str) -> Subquery:
    """`clock_rows`: the object's deadline rows as one JSON array, inside the object's own query
    (no query of its own: the complaint list stays at count + page)."""
    rows = (Deadline.objects.filter(subject_type=subject_type, subject_id=OuterRef("pk"))
            .order_by().values("subject_id")
            .annotate(rows=JSONArrayAgg(JSONObject(**{name: F(name) for name in ROW_FIELDS})))
            .values("rows"))
    return Subquery(rows, output_field=JSONField())


def deadlines_of(obj, subject_type: str) -> list[dict]:
    """The object's current deadline rows: as the last `sync` wrote them, else as read with the
    object (`deadlines_annotation`), else one query."""
    lc = lifecycle(subject_type)
    cached = getattr(obj, "_clock_rows", None)
    if cached is not None:
        return cached
    if hasattr(obj, "clock_rows"):
        raw = obj.clock_rows or []
    else:
        raw = list(Deadline.objects.filter(subject_type=subject_type, subject_id=obj.pk).values(*ROW_FIELDS))
    obj._clock_rows = _ordered(lc, [_row(r) for r in raw])
    return obj._clock_rows


# --- existing data -------------------------------------------------------------------------------

ALIASES = ("dl_type", "dl_kind", "dl_cycle", "dl_station", "dl_policy", "dl_target", "dl_start", "dl_due", "dl_warn",
           "dl_prov", "dl_running", "dl_severe", "dl_level", "dl_breached", "dl_met")


def backfill(lc: Lifecycle, queryset: models.QuerySet | None = None, *, now: datetime | None = None,
             level_fields: dict[str, str] | None = None, update: bool = False) -> int:
    """Create the deadline rows of existing objects, set-based: one `INSERT … SELECT … ON CONFLICT
    DO NOTHING` per deadline kind (the data migration, the benchmark's loader, tests that write
    objects in bulk). `level_fields`: {kind: column} to take the level reached from (the columns
    the sweep wrote before the deadline table existed). `update`: rows that exist take the
    object's current values (as `sync` does, the level stays), and rows of earlier cycles stop:
    a set-based `sync` of objects rewritten in bulk. Returns the rows written."""
    from django.apps import apps

    model = apps.get_model(lc.model_label)
    # every row of the table (a model whose default manager shows one kind has an unfiltered base manager)
    qs = queryset if queryset is not None else model._base_manager.all()
    now = now or timezone.now()
    meta = Deadline._meta
    qn = connection.ops.quote_name
    written = 0
    columns = {f.attname for f in qs.model._meta.concrete_fields}
    for d in lc.deadlines:
        if d.due not in columns or (d.until_met and d.met not in columns):
            continue  # a historical model (a migration) from before this deadline kind existed
        running = (lc.running_q(d.kind) if lc.running_in(d.kind) else Q(pk__in=[])) | lc.standing_q(d.kind)
        met = Case(When(running, then=Value(None)),
                   When(Q(**{f"{d.met}__isnull": False}) & (Q(**{f"{d.start}__isnull": True})
                                                            | Q(**{f"{d.met}__gte": F(d.start)})), then=F(d.met)),
                   default=Value(None), output_field=models.DateTimeField())
        cycle = F(lc.cycle_field) if (lc.cycle_field and d.cycles) else Value(0)
        level = F(level_fields[d.kind]) if level_fields and d.kind in level_fields else Value(0)
        severe = (Case(When(lc.severe_at_once_q, then=Value(True)), default=Value(False),
                       output_field=models.BooleanField())
                  if lc.severe_at_once_q is not None else Value(False, output_field=models.BooleanField()))
        policy_expr, target_expr = _policy_exprs(lc, d.kind)
        select = (qs.filter(**{f"{d.due}__isnull": False}).order_by()
                  .annotate(dl_type=Value(lc.subject_type), dl_kind=Value(d.kind), dl_cycle=cycle,
                            dl_station=F(lc.station_field), dl_policy=policy_expr, dl_target=target_expr,
                            dl_start=F(d.start), dl_due=F(d.due), dl_warn=F(d.warn),
                            dl_prov=Value(False, output_field=models.BooleanField()),
                            dl_running=Case(When(running, then=Value(True)), default=Value(False),
                                            output_field=models.BooleanField()),
                            dl_severe=severe, dl_level=level, dl_breached=F(d.flag), dl_met=met)
                  .values("pk", *ALIASES))
        select_sql, params = select.query.sql_with_params()
        cols = ["subject_id", "subject_type", "kind", "cycle", "station_id", "policy", "target", "started_at",
                "due_at", "warn_at", "provisional", "running", "severe_at_once", "level", "breached", "met_at"]
        stamp = connection.ops.adapt_datetimefield_value(now)
        picked = ", ".join(f"s.{qn(a)}" for a in ("pk", *ALIASES))
        sql = (f"INSERT INTO {qn(meta.db_table)} ({', '.join(qn(meta.get_field(c).column) for c in cols)}, "
               f"created_at, updated_at) SELECT {picked}, %s, %s FROM ({select_sql}) AS s WHERE 1 = 1 "
               f"ON CONFLICT (subject_type, subject_id, kind, cycle) DO NOTHING")
        if update:
            sets = ", ".join(f"{qn(meta.get_field(n).column)} = EXCLUDED.{qn(meta.get_field(n).column)}"
                             for n in UPDATE_ON_CONFLICT)
            sql = sql.replace("DO NOTHING", f"DO UPDATE SET {sets}")
        with connection.cursor() as cur:
            cur.execute(sql, [stamp, stamp, *params])  # the stamps come first in the SQL text
            written += max(cur.rowcount, 0)
        if update and d.cycles and lc.cycle_field:
            # earlier cycles of the objects stop running
            Deadline.objects.filter(subject_type=lc.subject_type, kind=d.kind, running=True,
                                    subject_id__in=qs.filter(**{f"{lc.cycle_field}__gt": 0}).values("pk"),
                                    cycle__lt=Subquery(model._base_manager.filter(pk=OuterRef("subject_id"))
                                                       .values(lc.cycle_field)[:1])).update(running=False)
    _backfill_provisional(lc, model, qs)
    return written


def _backfill_provisional(lc: Lifecycle, model, qs) -> None:
    """`provisional` of the rows just written, in Python for the few rows due after the work
    calendar's last official day (the SQL above cannot count working days)."""
    after = lc.provisional_after()
    if after is None:
        return
    rows = list(Deadline.objects.filter(subject_type=lc.subject_type, due_at__gt=after,
                                        subject_id__in=qs.values("pk")).values_list("pk", "subject_id", "kind",
                                                                                   "provisional"))
    if not rows:
        return
    objs = model._base_manager.in_bulk({r[1] for r in rows})
    flip = {True: [], False: []}
    for pk, subject_id, kind, provisional in rows:
        obj = objs.get(subject_id)
        now_provisional = bool(obj is not None and lc.provisional_of(obj, kind))
        if now_provisional != provisional:
            flip[now_provisional].append(pk)
    for value, pks in flip.items():
        if pks:
            Deadline.objects.filter(pk__in=pks).update(provisional=value)


def _policy_exprs(lc: Lifecycle, kind: str):
    """SQL for the policy name and target of a kind (what `lc.policy_of` gives in Python)."""
    sql = getattr(lc, "policy_sql", None)
    if sql is not None:
        return sql(kind)
    return Value(""), Cast(Value(None), JSONField())


# --- a new object --------------------------------------------------------------------------------

def _insert_sql(model, objs) -> tuple[str, list]:
    from django.db.models.sql import InsertQuery

    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    query = InsertQuery(model)
    query.insert_values(fields, objs)
    [(sql, params)] = query.get_compiler(connection=connection).as_sql()
    return sql, list(params)


def write_new(obj, *, subject_type: str, also: Iterable[models.Model] = (), now: datetime | None = None) -> list[dict]:
    """The deadline rows of an object just inserted, written with `also` (its first timeline rows:
    instances of other models, inserted in the order given) in ONE statement on PostgreSQL (a
    `WITH … INSERT` chain), one INSERT per model elsewhere. Keeps the rows on the object for its
    answer, as `sync` does."""
    lc = lifecycle(subject_type)
    now = now or timezone.now()
    rows = desired_rows(lc, obj, now=now)
    batches: list[tuple[type[models.Model], list]] = []
    for instance in also:
        if batches and batches[-1][0] is type(instance):
            batches[-1][1].append(instance)
        else:
            batches.append((type(instance), [instance]))
    if connection.vendor == "postgresql" and batches and rows:
        parts = [_insert_sql(model, objs) for model, objs in batches] + [_values(rows)]
        sql = "WITH " + ", ".join(f"w{i} AS ({s})" for i, (s, _p) in enumerate(parts[:-1])) + " " + parts[-1][0]
        with connection.cursor() as cur:
            cur.execute(sql, [p for _s, params in parts for p in params])
    else:
        for model, objs in batches:
            model._default_manager.bulk_create(objs)
        if rows:
            sql, params = _values(rows)
            with connection.cursor() as cur:
                cur.execute(sql, params)
    obj._clock_rows = _ordered(lc, [{k: r[k] for k in ROW_FIELDS} for r in rows])
    return obj._clock_rows


class LevelReached:
    """`complaint.resolve_level`: the level (0..3) the current cycle of one deadline of the object
    has reached, read from its deadline row (one query; for pages and tests, not for lists)."""

    def __init__(self, kind: str):
        self.kind = kind

    def __set_name__(self, owner, name):
        self.name = name

    def __get__(self, obj, owner=None):
        if obj is None:
            return self
        subject_type = "work_order" if owner._meta.model_name == "workorder" else owner._meta.model_name
        lc = lifecycle(subject_type)
        row = (Deadline.objects.filter(subject_type=subject_type, subject_id=obj.pk, kind=self.kind,
                                       cycle=lc.cycle_of(obj, self.kind)).values_list("level", flat=True).first())
        return row or 0
