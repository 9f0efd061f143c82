"""Pre-aggregated daily rows behind the SLA summary (how it stays fast at 1,000,000 complaints).

`refresh_stats()` (Celery `reports.refresh_stats`, every minute; `manage.py refresh_report_stats`)
recomputes, as of one moment T:
  * ComplaintDayStat: the summary figures of each local day of receipt per (kind of order,
    station, category, grade, channel): every kind of SPEC §11, complaints one kind among them. Only days whose figures can still move are rebuilt: days that have open
    complaints now or had them at the previous refresh, and days with complaints received since
    then. A day whose complaints are all closed does not change any more (closed figures do not
    depend on the clock); a nightly full rebuild (`full=True`) catches the rare edits of closed ones.
  * OpenStat: open / at risk / breached now per (kind, station, category, grade, channel), each
    kind by its own lifecycle.
Both are written set-based (INSERT ... SELECT ... GROUP BY): no row travels through Python.
The summary reads these rows when they are fresh (refreshed within STATS_MAX_AGE) and computes
from the complaints otherwise; the answer says which (`source`, `as_of`). A summary request that
finds them stale refreshes them itself if no one else is doing it (like filling a cache).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db import DatabaseError, connection, transaction
from django.db.models import Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from complaints.models import Complaint

from . import figures as fig
from .models import STAT_COUNTERS, ComplaintDayStat, OpenStat, StatState

STATS_MAX_AGE = timedelta(minutes=5)
KEY = "complaints"
GROUP = ["kind", "station_id", "category_id", "grade_at_intake", "channel"]
COLUMNS = ["kind", "station_id", "category_id", "grade", "channel"]
ORDERS = Complaint.all_kinds  # every kind of order (Complaint.objects: complaints only)


def _tz():
    from .selectors import TZ

    return TZ


def _insert_day_rows(qs, now: datetime) -> int:
    """INSERT ... SELECT the grouped figures of `qs` into ComplaintDayStat: the database does the
    whole job, no row travels through Python."""
    aggs = fig.complaint_aggregates(now=now, live=True)
    # ordered by day, so that a month's rows sit together in the table (a range read, not a
    # page per row)
    grouped = (qs.annotate(day=TruncDate("received_at", tzinfo=_tz())).order_by()
               .values("day", *GROUP).annotate(**{k: aggs[k] for k in STAT_COUNTERS}).order_by("day"))
    sql, params = grouped.query.sql_with_params()
    table = ComplaintDayStat._meta.db_table
    columns = ["day", *COLUMNS, *STAT_COUNTERS]
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({', '.join(columns)}) {sql}", params)
        return cursor.rowcount


def _insert_open_rows(now: datetime) -> int:
    """INSERT ... SELECT open / at risk / breached now of the open orders, per group and kind."""
    counts = ["open", "at_risk", "breached_now"]
    aggs = fig.open_state_aggregates_by_kind(now)
    grouped = (ORDERS.filter(status__in=fig.OPEN).order_by().values(*GROUP)
               .annotate(**{k: aggs[k] for k in counts}))
    sql, params = grouped.query.sql_with_params()
    columns = [*COLUMNS, *counts]
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {OpenStat._meta.db_table} ({', '.join(columns)}) {sql}", params)
        return cursor.rowcount


def _local_range(first: date, last: date) -> tuple[datetime, datetime]:
    tz = _tz()
    return (datetime.combine(first, datetime.min.time(), tzinfo=tz),
            datetime.combine(last + timedelta(days=1), datetime.min.time(), tzinfo=tz))


@transaction.atomic
def refresh_stats(*, full: bool = False, now: datetime | None = None, wait: bool = True) -> dict | None:
    """Rebuild what may have changed since the last refresh. Returns what it did, or None when
    `wait=False` and another refresh holds the lock (a request then uses what is there)."""
    now = now or timezone.now()
    StatState.objects.get_or_create(key=KEY, defaults={"refreshed_at": now - timedelta(days=3650),
                                                       "open_days": []})
    nowait = not wait and connection.features.has_select_for_update_nowait
    try:
        with transaction.atomic():  # a savepoint: a refused lock leaves the transaction usable
            state = StatState.objects.select_for_update(nowait=nowait).get(key=KEY)
    except DatabaseError:  # the lock is taken: someone is refreshing right now
        if not nowait:
            raise
        return None
    first_build = not ComplaintDayStat.objects.exists() and not state.open_days
    open_days = {d for d in ORDERS.filter(status__in=fig.OPEN)
                 .annotate(day=TruncDate("received_at", tzinfo=_tz())).order_by()
                 .values_list("day", flat=True).distinct()}
    if full or first_build:
        ComplaintDayStat.objects.all().delete()
        rows = _insert_day_rows(ORDERS.all(), now)
        days = None
    else:
        since = state.refreshed_at - timedelta(minutes=5)  # margin for clocks and long transactions
        recent = {d for d in ORDERS.filter(received_at__gte=since)
                  .annotate(day=TruncDate("received_at", tzinfo=_tz())).order_by()
                  .values_list("day", flat=True).distinct()}
        days = open_days | {date.fromisoformat(d) for d in state.open_days} | recent
        rows = 0
        if days:
            ComplaintDayStat.objects.filter(day__in=days).delete()
            # one range query per run of consecutive days (usually one: the recent weeks)
            for first, last in _runs(sorted(days)):
                start, end = _local_range(first, last)
                rows += _insert_day_rows(ORDERS.filter(received_at__gte=start, received_at__lt=end), now)

    OpenStat.objects.all().delete()
    _insert_open_rows(now)
    state.refreshed_at = now
    state.open_days = sorted(d.isoformat() for d in open_days)
    state.save(update_fields=["refreshed_at", "open_days"])
    return {"days": "all" if days is None else len(days), "rows": rows, "open_days": len(open_days)}


def _runs(days: list[date]) -> list[tuple[date, date]]:
    """[d1, d2, d3, d7] -> [(d1, d3), (d7, d7)]"""
    out: list[tuple[date, date]] = []
    for d in days:
        if out and d == out[-1][1] + timedelta(days=1):
            out[-1] = (out[-1][0], d)
        else:
            out.append((d, d))
    return out


def fresh_state(now: datetime) -> StatState | None:
    """The stats state if the rows are fresh enough to answer from; refreshes them when stale
    (unless someone else is), so the first request after a quiet spell pays once."""
    state = StatState.objects.filter(key=KEY).first()
    if state is not None and state.refreshed_at >= now - STATS_MAX_AGE:
        return state
    if refresh_stats(now=now, wait=False) is None:
        return state if state is not None and state.refreshed_at >= now - 2 * STATS_MAX_AGE else None
    return StatState.objects.get(key=KEY)


def _narrow(qs, f, *, station="station", category="category", grade="grade", channel="channel"):
    if f.station:
        qs = qs.filter(**{station: f.station})
    if f.category:
        if f.category.parent_id is None:
            qs = qs.filter(Q(**{category: f.category}) | Q(**{f"{category}__parent": f.category}))
        else:
            qs = qs.filter(**{category: f.category})
    if f.grade:
        qs = qs.filter(**{grade: f.grade})
    if f.channel:
        qs = qs.filter(**{channel: f.channel})
    return qs


class CounterSum(Sum):
    """SUM of a counter column (an integer column: PostgreSQL answers a bigint, SQLite an integer,
    an int in Python either way), without Sum's per-value int() converter: the summary reads
    ~1,000 group rows of 31 counters a month at full scale, and the converters were a third of
    its Python time."""

    @property
    def convert_value(self):
        return self._convert_value_noop


PERIOD_KEYS = ("kind", "station_id", "category_id", "grade_at_intake", "channel")  # selectors.GROUP_KEYS


def period_groups(f) -> list[dict]:
    """The period's figures per (kind, station, category, grade, channel) of every kind, from the
    daily rows: the same shape as selectors.complaint_groups."""
    qs = _narrow(ComplaintDayStat.objects.filter(day__gte=f.date_from, day__lte=f.date_to), f)
    rows = qs.order_by().values("kind", "station_id", "category_id", "grade", "channel").annotate(
        **{f"s_{k}": CounterSum(k) for k in STAT_COUNTERS}).values_list(
        "kind", "station_id", "category_id", "grade", "channel", *(f"s_{k}" for k in STAT_COUNTERS))
    keys = (*PERIOD_KEYS, *STAT_COUNTERS)
    return [dict(zip(keys, (*r[:5], *(v or 0 for v in r[5:])), strict=True)) for r in rows]


def open_by_kind_station(f) -> list[dict]:
    """Open / at risk / breached now per (kind, station)."""
    qs = _narrow(OpenStat.objects.all(), f)
    return list(qs.order_by().values("kind", "station_id").annotate(
        open=Sum("open"), at_risk=Sum("at_risk"), breached_now=Sum("breached_now")))


def received_on(f, day: date) -> dict[str, int]:
    """Orders received on one local day, per kind."""
    qs = _narrow(ComplaintDayStat.objects.filter(day=day), f)
    return {r["kind"]: r["n"] or 0 for r in qs.order_by().values("kind").annotate(n=Sum("complaints"))}


def trend_by_day(f, first: date, last: date) -> dict:
    keys = ["complaints"] + [f"{k}_{n}" for k in ("ack", "resolve") for n in ("on_time", "late", "open_breached")]
    qs = _narrow(ComplaintDayStat.objects.filter(day__gte=first, day__lte=last, kind=f.kind), f)
    return {r["day"]: {k: r[f"s_{k}"] or 0 for k in keys}
            for r in qs.order_by().values("day").annotate(**{f"s_{k}": Sum(k) for k in keys})}
