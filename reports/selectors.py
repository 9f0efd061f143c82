"""Reads for the SLA summary, the dashboard and the handler's work list, scoped by user.

`sla_summary(user=..., filters=...)` is the function behind `/api/v1/sla/summary/` and the
dashboard (and what the benchmark times). It runs a fixed handful of aggregate queries,
whatever the number of complaints:
  1. the period's figures per (kind of order, station, category item, grade, channel) of every
     kind (SPEC §11): a SUM over the pre-aggregated daily rows (reports/stats.py), or, with
     `live=true` or when those are not fresh, one pass over the orders with every figure a
     conditional Count; the figures of the kind asked for (`kind`, default complaint), their
     breakdowns and the `by_kind` block are sums of these rows in Python;
  2. open, at risk and breached now per (kind, station) (OpenStat rows, or the open orders);
  3. repair work orders of the period grouped by area: arrive/restore counts, average times;
  4. open work orders past a deadline (one count);
  5. the orders received today per kind (the dashboard's tiles);
plus small lookups (stations, categories) and, when asked for, the daily trend (one query):
SUMMARY_QUERY_BUDGET in all, whatever the kind and the number of orders.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, F, Q
from django.db.models.functions import TruncDate
from django.http import Http404
from django.utils import timezone

from complaints.choices import ComplaintChannel, OrderKind
from complaints.kinds import KINDS
from complaints.models import Complaint, ComplaintCategory, Escalation, ExtensionRequest
from complaints.selectors import next_deadline
from customers.choices import Grade
from customers.models import SupplyStation
from customers.selectors import user_station_id
from servicecenter.exceptions import ValidationFailed
from servicecenter.inputs import parse_date_param
from servicecenter.roles import COUNTER, HANDLER, has_role, sees_all_stations

from . import figures as fig

TZ = ZoneInfo(settings.TIME_ZONE)
DEFAULT_DAYS = 30
MAX_TREND_DAYS = 92
# queries of one summary at most (tests/reports): the scope (user's groups, station), the stats
# state, the period's groups, open now, received today, categories, stations, repair orders per
# area, overdue work orders, the trend
SUMMARY_QUERY_BUDGET = 11


@dataclass
class SummaryFilters:
    """Parsed and validated filters: dates are local (Asia/Shanghai) and inclusive."""

    date_from: date
    date_to: date
    station: SupplyStation | None = None
    category: ComplaintCategory | None = None
    grade: str = ""
    channel: str = ""
    trend_days: int = 0
    live: bool = False
    kind: str = OrderKind.COMPLAINT  # the kind the headline figures and breakdowns are of

    @property
    def start(self) -> datetime:
        return datetime.combine(self.date_from, time.min, tzinfo=TZ)

    @property
    def end(self) -> datetime:
        """Exclusive end: the start of the day after `date_to`."""
        return datetime.combine(self.date_to + timedelta(days=1), time.min, tzinfo=TZ)

    def as_dict(self) -> dict:
        return {"station": self.station.code if self.station else None,
                "from": self.date_from.isoformat(), "to": self.date_to.isoformat(),
                "category": self.category.code if self.category else None,
                "grade": self.grade or None, "channel": self.channel or None, "kind": self.kind}


def can_read_summary(user) -> bool:
    return sees_all_stations(user) or has_role(user, HANDLER, COUNTER)


def _parse_date(value: str, field: str) -> date:
    return parse_date_param(value, field)


def parse_filters(*, user, params) -> SummaryFilters:
    """Validate query parameters and apply the user's scope.

    Station staff (handlers, counter staff) always get their own station: asking for another
    station answers 404, as for any object out of scope. Unknown codes answer 400.
    """
    today = timezone.localdate()
    date_to = _parse_date(params["to"], "to") if params.get("to") else today
    date_from = (_parse_date(params["from"], "from") if params.get("from")
                 else date_to - timedelta(days=DEFAULT_DAYS - 1))
    if date_from > date_to:
        raise ValidationFailed("from", "The start date is after the end date.")
    f = SummaryFilters(date_from=date_from, date_to=date_to)

    code = (params.get("station") or "").strip()
    if user is not None and not sees_all_stations(user):  # None: an unscoped caller (a command)
        own = user_station_id(user)
        if own is None or not can_read_summary(user):
            raise Http404
        station = SupplyStation.objects.get(pk=own)
        if code and code != station.code:
            raise Http404
        f.station = station
    elif code:
        f.station = SupplyStation.objects.filter(code=code).first()
        if f.station is None:
            raise ValidationFailed("station", f"Unknown station {code}.")

    cat = (params.get("category") or "").strip()
    if cat:
        f.category = ComplaintCategory.objects.filter(code=cat).first()
        if f.category is None:
            raise ValidationFailed("category", f"Unknown category {cat}.")
    grade = (params.get("grade") or "").strip()
    if grade and grade not in Grade.values:
        raise ValidationFailed("grade", f"Choose one of {', '.join(Grade.values)}.")
    channel = (params.get("channel") or "").strip()
    if channel and channel not in ComplaintChannel.values:
        raise ValidationFailed("channel", f"Choose one of {', '.join(ComplaintChannel.values)}.")
    f.grade, f.channel = grade, channel
    trend = (params.get("trend") or "").strip()
    if trend:
        if not trend.isdigit() or not 1 <= int(trend) <= MAX_TREND_DAYS:
            raise ValidationFailed("trend", f"Enter a number of days from 1 to {MAX_TREND_DAYS}.")
        f.trend_days = int(trend)
    f.live = (params.get("live") or "").strip().lower() in ("1", "true")
    kind = (params.get("kind") or "").strip()
    if kind and kind not in OrderKind.values:
        raise ValidationFailed("kind", f"Choose one of {', '.join(OrderKind.values)}.")
    f.kind = kind or OrderKind.COMPLAINT
    return f


def _complaints(f: SummaryFilters, *, period: bool = True, kind: str | None = None):
    """The orders the filters select: of `kind` (None: every kind)."""
    qs = Complaint.all_kinds.all() if kind is None else Complaint.all_kinds.filter(kind=kind)
    if period:
        qs = qs.filter(received_at__gte=f.start, received_at__lt=f.end)
    if f.station:
        qs = qs.filter(station=f.station)
    if f.category:
        if f.category.parent_id is None:
            qs = qs.filter(Q(category=f.category) | Q(category__parent=f.category))
        else:
            qs = qs.filter(category=f.category)
    if f.grade:
        qs = qs.filter(grade_at_intake=f.grade)
    if f.channel:
        qs = qs.filter(channel=f.channel)
    return qs


def _work_orders(f: SummaryFilters, start: datetime, end: datetime):
    from workorders.models import WorkOrder

    qs = WorkOrder.objects.filter(kind="repair", created_at__gte=start, created_at__lt=end)
    if f.station:
        qs = qs.filter(station=f.station)
    return qs


GROUP_KEYS = ("kind", "station_id", "category_id", "grade_at_intake", "channel")


def _sum_rows(rows: list[dict], keys) -> dict:
    """[{key(row): {counter: sum}} for each key]: several groupings of the same group rows."""
    counters = [k for k in (rows[0] if rows else {}) if k not in GROUP_KEYS]
    vals = [[row[k] or 0 for k in counters] for row in rows]  # counts: ints
    out = []
    for key in keys:
        groups: dict = {}
        for row, v in zip(rows, vals, strict=True):
            groups.setdefault(key(row), []).append(v)
        # column sums in C (sum over zip): the summary sums ~1,000 group rows of ~30 counters
        # five ways for each request
        out.append({k: dict(zip(counters, map(sum, zip(*vs, strict=True)), strict=True))
                    for k, vs in groups.items()})
    return out


def _add(target: dict, row: dict, keys) -> None:
    for k in keys:
        target[k] = target.get(k, 0) + (row.get(k) or 0)


def _figures(row: dict, kind: str = OrderKind.COMPLAINT) -> dict:
    """The public shape of one group's figures (totals or one breakdown entry) of orders of one
    kind: the deadlines it has."""
    out = {
        "complaints": row.get("complaints", 0),
        "breached": row.get("breached", 0),
        "effective": row.get("effective", 0),
        "verified": row.get("verified_count", 0),
        "effective_rate": fig.rate(row.get("effective", 0), row.get("complaints", 0)),
        "repeat": row.get("repeat", 0),
        "extended": row.get("extended", 0),
        "typical": row.get("typical_count", 0),
        "terminated": row.get("terminated", 0),
        "deadlines": {d: fig.deadline_block(row, d) for d in fig.kind_deadlines(kind)},
    }
    answered = sum(row.get(k, 0) for k in ("satisfied", "neutral", "dissatisfied"))
    out["satisfaction"] = {k: row.get(k, 0) for k in ("satisfied", "neutral", "dissatisfied")}
    out["satisfaction"]["rate"] = fig.rate(row.get("satisfied", 0), answered)
    return out


def _category_classes() -> dict[int, ComplaintCategory]:
    """category id -> its class (a class maps to itself)."""
    cats = list(ComplaintCategory.objects.only("id", "code", "name", "name_en", "parent_id", "sort_order"))
    by_id = {c.id: c for c in cats}
    return {c.id: by_id.get(c.parent_id, c) for c in cats}


def complaint_groups(qs, *, now: datetime, live: bool) -> list[dict]:
    """Query 1: the figures per (kind, station, category item, grade, channel)."""
    aggs = fig.complaint_aggregates(now=now, live=live)
    return list(qs.order_by().values(*GROUP_KEYS).annotate(**aggs))


def rollup(rows: list[dict], key) -> dict:
    """Sum group rows by key(row) -> {key: summed row}."""
    return _sum_rows(rows, [key])[0]


def arrival_figures(qs, *, now: datetime, live: bool) -> tuple[list[dict], dict]:
    """Query 3: repair orders per area against the targets; plus the arrive/restore totals."""
    rows = {r["area_type"]: r for r in qs.order_by().values("area_type").annotate(
        **fig.work_order_aggregates(now=now, live=live))}
    per_area, totals = [], {}
    for area in ("urban", "rural", "remote"):
        r = rows.get(area, {})
        _add(totals, r, [k for k in r if k.startswith(("arrive_", "restore_"))])
        avg = r.get("avg_arrive")
        avg_restore = r.get("avg_restore")
        avg_min = round(_minutes(avg), 1) if avg is not None else None
        per_area.append({
            "area_type": area,
            "target_minutes": fig.ARRIVAL_TARGET_MINUTES[area],
            "ceiling_minutes": fig.ARRIVAL_CEILING_MINUTES[area],
            "restore_target_minutes": fig.RESTORE_TARGET_MINUTES[area],
            "orders": r.get("orders", 0),
            "arrived": r.get("arrived", 0),
            "avg_arrive_minutes": avg_min,
            "within_target": None if avg_min is None else avg_min <= fig.ARRIVAL_TARGET_MINUTES[area],
            "ceiling_breaches": (r.get("arrive_late", 0) or 0) + (r.get("arrive_open_breached", 0) or 0),
            "restored": r.get("restored", 0),
            "avg_restore_minutes": round(_minutes(avg_restore), 1) if avg_restore is not None else None,
            "restore_breaches": (r.get("restore_late", 0) or 0) + (r.get("restore_open_breached", 0) or 0),
        })
    return per_area, totals


def _minutes(value) -> float:
    """An average duration as minutes (PostgreSQL gives a timedelta, SQLite microseconds)."""
    if isinstance(value, timedelta):
        return value.total_seconds() / 60
    return float(value) / 60_000_000


def sla_summary(*, user=None, filters: SummaryFilters | dict | None = None, now: datetime | None = None) -> dict:
    """The SLA summary of SPEC §7 for the given filters (a dict of query parameters, or parsed).

    `user=None` means an unscoped caller (a command or the benchmark): it sees all stations.
    The steps are the module docstring's queries: the period's figures and the open complaints
    now (1, 2), the repair orders of the period (3), the open orders past a deadline (4), then
    the headline figures and the breakdowns summed from the rows of step 1.
    """
    from workorders.selectors import overdue_condition

    from . import stats

    now = now or timezone.now()
    f = filters if isinstance(filters, SummaryFilters) else parse_filters(user=user, params=filters or {})
    state = None if f.live else stats.fresh_state(now)
    all_rows, open_all = _period_rows(f, state, now=now)
    today = _received_today(f, state, now=now)
    rows = [r for r in all_rows if r["kind"] == f.kind]
    open_rows = {r["station_id"]: r for r in open_all if r["kind"] == f.kind}
    arrival, wo_totals = arrival_figures(_work_orders(f, f.start, f.end), now=now, live=True)
    classes = _category_classes()
    totals, by_station, by_class, by_grade, by_channel = _sum_rows(rows, [
        lambda r: 0, lambda r: r["station_id"],
        lambda r: classes[r["category_id"]].id if r["category_id"] is not None else None,
        lambda r: r["grade_at_intake"], lambda r: r["channel"]])
    by_class.pop(None, None)  # orders of a kind that is not classified
    summary = _headline(f, state, _figures(totals.get(0, {}), f.kind), open_rows, arrival, now=now,
                        work_orders_overdue=_work_orders_overdue(f, overdue_condition(now)))
    for kind in fig.WORK_ORDER_DEADLINES:
        summary["deadlines"][kind] = fig.deadline_block(wo_totals, kind)
    summary["by_station"] = _by_station(f, by_station, open_rows)
    summary.update(_breakdowns(classes, by_class, by_grade, by_channel, f.kind))
    summary["by_kind"], summary["other_kinds"] = by_kind(all_rows, open_all, today)
    if f.trend_days:
        summary["trend"] = trend(f, now=now, days=f.trend_days, from_stats=state is not None)
    return summary


def _period_rows(f: SummaryFilters, state, *, now: datetime) -> tuple[list[dict], dict[int, dict]]:
    """Queries 1 and 2: the period's figures per (station, category item, grade, channel), and
    open / at risk / breached now per station: from the pre-aggregated rows (reports/stats.py)
    as of their last refresh when `state` says they are fresh, else from the complaints."""
    from . import stats

    if state is not None:
        return stats.period_groups(f), stats.open_by_kind_station(f)
    rows = complaint_groups(_complaints(f), now=now, live=True)
    open_rows = list(_complaints(f, period=False).filter(status__in=fig.OPEN)
                     .order_by().values("kind", "station_id").annotate(**fig.open_state_aggregates_by_kind(now)))
    return rows, open_rows


def _received_today(f: SummaryFilters, state, *, now: datetime) -> dict[str, int]:
    """Query 5: the orders received today (local), per kind, whatever the period."""
    from . import stats

    day = timezone.localtime(now, TZ).date()
    if state is not None:
        return stats.received_on(f, day)
    tf = SummaryFilters(date_from=day, date_to=day, station=f.station, category=f.category, grade=f.grade,
                        channel=f.channel)
    return {r["kind"]: r["n"] for r in _complaints(tf).order_by().values("kind").annotate(n=Count("id"))}


BY_KIND_NOW = ("open", "at_risk", "breached_now")


def by_kind(rows: list[dict], open_rows: list[dict], today: dict[str, int]) -> tuple[list[dict], dict]:
    """Every kind's figures (SPEC §11: complaints first and apart, then the other kinds in their
    declared order): received in the period and today, terminated (counted apart: left out of
    the deadline figures), open / at risk / breached now, received in the period with a missed
    deadline, and each deadline the kind has with its on-time rate. Plus the other kinds
    together (never summed with complaints)."""
    per_kind = rollup(rows, lambda r: r["kind"])
    now_per_kind: dict[str, dict] = {}
    for r in open_rows:
        _add(now_per_kind.setdefault(r["kind"], {}), r, BY_KIND_NOW)
    out = []
    for code in KINDS:
        row, now_row = per_kind.get(code, {}), now_per_kind.get(code, {})
        out.append({
            "kind": code, "label": str(OrderKind(code).label),
            "received": row.get("complaints", 0), "received_today": today.get(code, 0),
            "terminated": row.get("terminated", 0),
            **{k: now_row.get(k, 0) for k in BY_KIND_NOW},
            "breached": row.get("breached", 0),
            "deadlines": {d: fig.deadline_block(row, d) for d in fig.kind_deadlines(code)},
        })
    others = {k: sum(e[k] for e in out[1:]) for k in
              ("received", "received_today", "terminated", *BY_KIND_NOW, "breached")}
    return out, others


def _work_orders_overdue(f: SummaryFilters, overdue: Q) -> int:
    """Query 4: open work orders past a deadline, with the same condition as the work-order
    list's `overdue` filter the tile links to."""
    from workorders.models import WorkOrder

    qs = WorkOrder.objects.filter(overdue)
    if f.station:
        qs = qs.filter(station=f.station)
    return qs.count()


def _headline(f: SummaryFilters, state, totals: dict, open_rows: dict[int, dict], arrival: list[dict], *,
              now: datetime, work_orders_overdue: int) -> dict:
    """What the summary says first: where its figures come from, the open complaints now, the
    period's totals, the repair arrivals, and the deadline, satisfaction, effective and repeat
    blocks of the totals."""
    return {
        "generated_at": timezone.localtime(now).isoformat(),
        "source": "daily rows" if state is not None else "complaints",
        "as_of": timezone.localtime(state.refreshed_at if state is not None else now).isoformat(),
        "filters": f.as_dict(),
        "now": {
            "open": sum(r["open"] for r in open_rows.values()),
            "at_risk": sum(r["at_risk"] for r in open_rows.values()),
            "breached": sum(r["breached_now"] for r in open_rows.values()),
            "work_orders_overdue": work_orders_overdue,
        },
        "totals": totals,
        "arrival": arrival,
        "deadlines": dict(totals["deadlines"]),
        "satisfaction": totals["satisfaction"],
        "effective": {"effective": totals["effective"], "all": totals["complaints"], "rate": totals["effective_rate"]},
        "repeat": {"repeat": totals["repeat"], "all": totals["complaints"],
                   "rate": fig.rate(totals["repeat"], totals["complaints"])},
    }


def _by_station(f: SummaryFilters, by_station: dict, open_rows: dict[int, dict]) -> list[dict]:
    """The period's figures per station with its open complaints now, in station order: every
    station (the filtered one only, with a station filter), zeros included."""
    stations = {s.id: s for s in SupplyStation.objects.only("id", "code", "name")}
    out = []
    for sid in sorted([f.station.id] if f.station else stations, key=lambda i: stations[i].code):
        o = open_rows.get(sid, {})
        entry = {"station": stations[sid].code, "name": stations[sid].name,
                 **_figures(by_station.get(sid, {}), f.kind)}
        entry["open"], entry["at_risk"], entry["breached_now"] = (o.get("open", 0), o.get("at_risk", 0),
                                                                  o.get("breached_now", 0))
        out.append(entry)
    return out


def _breakdowns(classes: dict, by_class: dict, by_grade: dict, by_channel: dict,
                kind: str = OrderKind.COMPLAINT) -> dict:
    """The period's figures per category class, per grade and per channel."""
    return {
        "by_category_class": sorted(
            ({"category": classes[cid].code, "name": classes[cid].name, "name_en": classes[cid].name_en,
              **_figures(row, kind)} for cid, row in by_class.items()),
            key=lambda e: (-e["complaints"], e["category"])),
        "by_grade": [{"grade": g, "label": str(Grade(g).label), **_figures(by_grade[g], kind)}
                     for g in Grade.values if g in by_grade],
        "by_channel": [{"channel": c, "label": str(ComplaintChannel(c).label), **_figures(by_channel[c], kind)}
                       for c in ComplaintChannel.values if c in by_channel],
    }


def trend(f: SummaryFilters, *, now: datetime, days: int, from_stats: bool = False) -> list[dict]:
    """Intake and on-time rates per day of receipt for the `days` days ending at `f.date_to`
    (one GROUP BY query over the local date, on the daily rows or on the complaints)."""
    end_day = f.date_to
    start_day = end_day - timedelta(days=days - 1)
    if from_stats:
        from .stats import trend_by_day

        rows = trend_by_day(f, start_day, end_day)
        return _trend_list(rows, start_day, days)
    tf = SummaryFilters(date_from=start_day, date_to=end_day, station=f.station, category=f.category,
                        grade=f.grade, channel=f.channel, kind=f.kind)
    aggs = {"complaints": Count("id")}
    closed = Q(status="closed")
    counted = ~fig.terminated_condition(now=now, live=True)
    for kind in ("ack", "resolve"):
        due, done, flag = fig.COMPLAINT_DEADLINES[kind]
        conds = fig.deadline_conditions(due, done, flag, now=now, live=True, closed=closed)
        for name in ("on_time", "late", "open_breached"):
            aggs[f"{kind}_{name}"] = Count("id", filter=conds[name] & counted)
    rows = {r["day"]: r for r in _complaints(tf, kind=f.kind).annotate(day=TruncDate("received_at", tzinfo=TZ))
            .order_by().values("day").annotate(**aggs)}
    return _trend_list(rows, start_day, days)


def _trend_list(rows: dict, start_day: date, days: int) -> list[dict]:
    out = []
    for i in range(days):
        day = start_day + timedelta(days=i)
        r = rows.get(day, {})
        out.append({"date": day.isoformat(), "complaints": r.get("complaints", 0),
                    "ack_rate": fig.deadline_block(r, "ack")["rate"],
                    "resolve_rate": fig.deadline_block(r, "resolve")["rate"]})
    return out


# --- dashboard lists -------------------------------------------------------------------------

def escalation_inbox(*, limit: int = 15) -> list[tuple[Escalation, str, str]]:
    """The inbox's first rows: unacknowledged late deadlines at their highest level, severe
    first (the partial index complaints_esc_inbox), each with its object's number and link."""
    from complaints.escalations import subject_refs, top_level_condition

    items = list(Escalation.objects.filter(acknowledged_at__isnull=True).filter(top_level_condition())
                 .select_related("complaint", "station").order_by("-level", "-created_at")[:limit])
    refs = subject_refs(items)
    return [(e, *refs.get((e.subject_type, e.subject_id), ("", ""))) for e in items]


def pending_extensions(*, limit: int = 20) -> list[ExtensionRequest]:
    return list(ExtensionRequest.objects.filter(status="pending")
                .select_related("complaint", "complaint__station", "requested_by").order_by("created_at")[:limit])


def repeat_warnings(*, now: datetime | None = None) -> list[dict]:
    """Complainants (by customer, else by phone) with REPEAT_WARNING_AT+ complaints within the
    repeat window (complaints.selectors: settings.REPEAT_WINDOW): the 重复投诉预警 of SPEC §3. Intake links a repeat to the earlier complaint
    (`repeat_of`), so only complainants with a linked repeat in the window are counted: the
    index on repeat_of finds them, then the customer / phone indexes count their complaints."""
    from complaints.selectors import REPEAT_WARNING_AT as threshold
    from complaints.selectors import repeat_window

    now = now or timezone.now()
    recent = Complaint.objects.filter(received_at__gte=now - repeat_window()).order_by()
    linked = recent.filter(repeat_of__isnull=False)
    out = []
    for r in (recent.filter(customer_id__in=linked.filter(customer__isnull=False).values("customer_id"))
              .values("customer_id", "customer__account_no", "customer__name")
              .annotate(n=Count("id")).filter(n__gte=threshold).order_by("-n")[:20]):
        out.append({"who": f'{r["customer__name"]} ({r["customer__account_no"]})', "count": r["n"],
                    "account_no": r["customer__account_no"]})
    phones = linked.filter(customer__isnull=True).exclude(complainant_phone="").values("complainant_phone")
    for r in (recent.filter(customer__isnull=True, complainant_phone__in=phones)
              .values("complainant_phone").annotate(n=Count("id")).filter(n__gte=threshold).order_by("-n")[:20]):
        out.append({"who": r["complainant_phone"], "count": r["n"], "account_no": ""})
    return sorted(out, key=lambda e: -e["count"])


def escalation_inbox_count(*, cap: int = 1000) -> int:
    """Unacknowledged late deadlines (one per deadline, at its top level), counted up to `cap`
    (the page shows "1000+")."""
    from complaints.escalations import top_level_condition

    return Escalation.objects.filter(acknowledged_at__isnull=True).filter(top_level_condition()).order_by()[
        :cap].count()


def my_work(*, user, now: datetime | None = None):
    """The handler's open orders of every kind (SPEC §11), the nearest running deadline first,
    with that deadline."""
    now = now or timezone.now()
    next_due, kind = next_deadline()
    return (Complaint.all_kinds.filter(handler=user, status__in=fig.OPEN)
            .select_related("category", "customer", "station")
            .annotate(next_due=next_due, next_kind=kind)
            .order_by(F("next_due").asc(nulls_last=True), "received_at"))
