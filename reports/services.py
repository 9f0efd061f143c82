"""Building report snapshots: daily statistics, weekly bulletin, monthly supervision report.

Every figure is computed as of the end of the period from times stored on the complaints (never
from the sweep's flags, which may be set later), so rebuilding a past period gives the same
figures. One `values().annotate()` query per table; no loop over complaints in Python.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, Min, Q
from django.utils import timezone

from complaints.choices import ComplaintChannel
from complaints.kinds import KINDS
from complaints.models import Complaint, ComplaintCategory
from customers.models import SupplyStation

from . import figures as fig
from .models import PenaltyRule, ReportKind, ReportSnapshot
from .selectors import TZ, _category_classes, complaint_groups, rollup

BREACH_ROWS = 1000
TOP_REPEAT = 10


def report_period(kind: str, day: date) -> tuple[date, date]:
    """(first day, last day) of the period of `kind` that contains `day`."""
    if kind == ReportKind.DAILY:
        return day, day
    if kind == ReportKind.WEEKLY:
        start = day - timedelta(days=day.weekday())
        return start, start + timedelta(days=6)
    if kind == ReportKind.MONTHLY:
        start = day.replace(day=1)
        nxt = (start + timedelta(days=32)).replace(day=1)
        return start, nxt - timedelta(days=1)
    raise ValueError(f"unknown report kind {kind!r}")


def default_report_day() -> date:
    """Yesterday: at 00:15 the day just ended, on Monday last week, on the 1st last month."""
    return timezone.localdate() - timedelta(days=1)


def _local(dt: datetime | None) -> str:
    return timezone.localtime(dt, TZ).strftime("%Y-%m-%d %H:%M") if dt else ""


def _pct(value) -> float | None:
    return None if value is None else round(value * 100, 1)


@transaction.atomic
def report_build(*, kind: str, day: date | None = None, now: datetime | None = None) -> ReportSnapshot:
    """Compute and store (insert or replace) the report of `kind` for the period containing `day`."""
    now = now or timezone.now()
    day = day or default_report_day()
    start_day, end_day = report_period(kind, day)
    start = datetime.combine(start_day, time.min, tzinfo=TZ)
    end = datetime.combine(end_day + timedelta(days=1), time.min, tzinfo=TZ)
    cutoff = min(end, now)
    data = report_data(start=start, end=end, cutoff=cutoff)
    data["period"] = {"kind": kind, "start": start_day.isoformat(), "end": end_day.isoformat(),
                      "as_of": timezone.localtime(cutoff, TZ).isoformat()}
    snapshot, _created = ReportSnapshot.objects.update_or_create(
        kind=kind, period_start=start_day,
        defaults={"period_end": end_day, "built_at": now, "data": data})
    return snapshot


# A period's report that beat did not get built (the broker was down at 00:15, Monday 08:00 or the
# 1st 06:00) is built by the catch-up this long after the period ended.
MISSING_REPORT_GRACE = timedelta(hours=1)


def report_build_missing(*, now: datetime | None = None) -> list[ReportSnapshot]:
    """Build the report of the last ended period of each kind when it is missing (the catch-up,
    `reports.build_missing_reports`). Idempotent: a built period is left alone, and a later
    scheduled build replaces the snapshot with the same figures."""
    now = now or timezone.now()
    built = []
    for kind in ReportKind.values:
        current_start, _end = report_period(kind, timezone.localtime(now, TZ).date())
        start, end = report_period(kind, current_start - timedelta(days=1))
        ended = datetime.combine(end + timedelta(days=1), time.min, tzinfo=TZ)
        if now >= ended + MISSING_REPORT_GRACE and not ReportSnapshot.objects.filter(
                kind=kind, period_start=start).exists():
            built.append(report_build(kind=kind, day=end, now=now))
    return built


def report_data(*, start: datetime, end: datetime, cutoff: datetime) -> dict:
    period = Complaint.objects.filter(received_at__gte=start, received_at__lt=end)
    rows = complaint_groups(period, now=cutoff, live=False)
    classes = _category_classes()
    categories = {c.id: c for c in ComplaintCategory.objects.all()}
    stations = {s.id: s for s in SupplyStation.objects.all()}

    totals: dict = {}
    for r in rows:
        for k, v in r.items():
            if k not in ("kind", "station_id", "category_id", "grade_at_intake", "channel"):
                totals[k] = totals.get(k, 0) + (v or 0)
    summary = {
        "complaints": totals.get("complaints", 0),
        "effective": totals.get("effective", 0),
        "effective_rate": _pct(fig.rate(totals.get("effective", 0), totals.get("complaints", 0))),
        "repeat": totals.get("repeat", 0),
        "breached": totals.get("breached", 0),
        "typical": totals.get("typical_count", 0),
    }
    for kind in fig.COMPLAINT_DEADLINES:
        block = fig.deadline_block(totals, kind)
        for name in ("on_time", "late", "open"):
            summary[f"{kind}_{name}"] = block[name]
        summary[f"{kind}_rate"] = _pct(block["rate"])
    answered = sum(totals.get(k, 0) for k in ("satisfied", "neutral", "dissatisfied"))
    summary["satisfaction_rate"] = _pct(fig.rate(totals.get("satisfied", 0), answered))

    by_channel = rollup(rows, lambda r: r["channel"])
    intake_by_channel = [{"channel": c, "label": str(ComplaintChannel(c).label),
                          "complaints": by_channel[c].get("complaints", 0)}
                         for c in ComplaintChannel.values if c in by_channel]
    by_item = rollup(rows, lambda r: r["category_id"])
    intake_by_category = sorted(
        ({"class_code": classes[cid].code, "class_name": classes[cid].name, "code": categories[cid].code,
          "name": categories[cid].name, "complaints": row.get("complaints", 0),
          "effective": row.get("effective", 0)} for cid, row in by_item.items()),
        key=lambda e: (e["class_code"], -e["complaints"], e["code"]))

    by_station = rollup(rows, lambda r: r["station_id"])
    station_rows = []
    for sid in sorted(stations, key=lambda i: stations[i].code):  # every station, zeros included
        r = by_station.get(sid, {})
        station_rows.append({
            "station": stations[sid].code, "name": stations[sid].name, "complaints": r.get("complaints", 0),
            "effective": r.get("effective", 0), "breached": r.get("breached", 0),
            **{f"{k}_rate": _pct(fig.deadline_block(r, k)["rate"]) for k in fig.COMPLAINT_DEADLINES},
        })

    return {
        "summary": summary,
        "intake_by_channel": intake_by_channel,
        "intake_by_category": intake_by_category,
        "stations": station_rows,
        "breaches": breaches(period, cutoff=cutoff),
        "repeat_complainants": repeat_complainants(period),
        "staff": staff_assessment(period, cutoff=cutoff, classes=classes, categories=categories),
        "typical_cases": typical_cases(period),
        "kinds": kind_figures(start=start, end=end, cutoff=cutoff),
    }


KIND_COUNTS = ("received", "open", "breached", "terminated")


def kind_figures(*, start: datetime, end: datetime, cutoff: datetime) -> list[dict]:
    """Every kind of order received in the period (SPEC §11: every figure per kind, complaints
    apart), as of the cutoff: one GROUP BY kind query. Complaints first, then the other kinds in
    their declared order, then the other kinds together (never summed with complaints).
    Terminated orders (服务终止) are counted apart and in no deadline figure; `open`: not closed
    by the cutoff; each deadline the kind has, with its on-time rate."""
    aggs = fig.complaint_aggregates(now=cutoff, live=False)
    aggs["open_at_end"] = Count("id", filter=Q(closed_at__isnull=True) | Q(closed_at__gt=cutoff))
    rows = {r["kind"]: r for r in Complaint.all_kinds.filter(received_at__gte=start, received_at__lt=end)
            .order_by().values("kind").annotate(**aggs)}
    out = []
    for code in KINDS:
        r = rows.get(code, {})
        entry = {"order_kind": code, "deadlines": fig.kind_deadlines(code), "received": r.get("complaints", 0),
                 "open": r.get("open_at_end", 0), "breached": r.get("breached", 0),
                 "terminated": r.get("terminated", 0)}
        for d in fig.kind_deadlines(code):
            block = fig.deadline_block(r, d)
            entry.update({f"{d}_on_time": block["on_time"], f"{d}_late": block["late"], f"{d}_rate": _pct(block["rate"])})
        out.append(entry)
    out.append({"order_kind": "others", "deadlines": [],
                **{k: sum(e[k] for e in out[1:]) for k in KIND_COUNTS}})
    return out


def breaches(period, *, cutoff: datetime) -> list[dict]:
    """Complaints of the period with a deadline missed by the cutoff, with the responsible handler."""
    closed = Q(status="closed", closed_at__lte=cutoff)
    conds = {kind: fig.deadline_conditions(due, done, flag, now=cutoff, live=False, closed=closed)
             for kind, (due, done, flag) in fig.COMPLAINT_DEADLINES.items()}
    any_q = Q(pk__in=[])
    for c in conds.values():
        any_q |= c["late"] | c["open_breached"]
    qs = (period.filter(any_q).select_related("station", "handler", "category").order_by("received_at", "id")
          [:BREACH_ROWS])
    out = []
    for c in qs:
        for kind, (due, done, _flag) in fig.COMPLAINT_DEADLINES.items():
            due_at, done_at = getattr(c, due), getattr(c, done)
            if done_at is not None and done_at > cutoff:
                done_at = None
            missed = due_at is not None and (
                (done_at is not None and done_at > due_at) or (done_at is None and due_at < cutoff))
            if missed:
                out.append({"number": c.number, "station": c.station.code,
                            "handler": c.handler.get_username() if c.handler else "",
                            "handler_name": c.handler.get_full_name() if c.handler else "",
                            "kind": kind, "due_at": _local(due_at), "done_at": _local(done_at),
                            "category": c.category.code})
    return out


def repeat_complainants(period) -> list[dict]:
    """The complainants with the most complaints in the period (customer, else phone), 2 or more."""
    out = [{"who": f'{r["customer__name"]}', "account_no": r["customer__account_no"], "phone": "",
            "complaints": r["n"]}
           for r in period.filter(customer__isnull=False).order_by()
           .values("customer__account_no", "customer__name").annotate(n=Count("id")).filter(n__gte=2)
           .order_by("-n", "customer__account_no")[:TOP_REPEAT]]
    out += [{"who": r["complainant_name"] or "", "account_no": "", "phone": r["complainant_phone"],
             "complaints": r["n"]}
            for r in period.filter(customer__isnull=True).exclude(complainant_phone="").order_by()
            .values("complainant_phone").annotate(n=Count("id"), complainant_name=Min("complainant_name"))
            .filter(n__gte=2).order_by("-n", "complainant_phone")[:TOP_REPEAT]]
    return sorted(out, key=lambda e: (-e["complaints"], e["account_no"], e["phone"]))[:TOP_REPEAT]


def penalty_table() -> dict[str, PenaltyRule]:
    return {r.category_code: r for r in PenaltyRule.objects.filter(active=True)}


def staff_assessment(period, *, cutoff: datetime, classes: dict, categories: dict) -> list[dict]:
    """Effective complaints per responsible handler with the assessment amount (DOMAIN.md).

    Each effective complaint costs the amount of the most specific active PenaltyRule: its
    category item's, else its class's, else the default (blank code) rule.
    """
    rules = penalty_table()
    effective = period.filter(resolved_at__isnull=False, resolved_at__lte=cutoff, verified=True,
                              utility_responsible=True)
    per_user: dict = {}
    for r in (effective.order_by().values("handler_id", "station_id", "category_id").annotate(n=Count("id"))):
        cat = categories[r["category_id"]]
        rule = rules.get(cat.code) or rules.get(classes[cat.id].code) or rules.get("")
        amount = (rule.amount_yuan if rule else Decimal("0")) * r["n"]
        entry = per_user.setdefault(r["handler_id"], {"effective": 0, "amount": Decimal("0"), "notice": False,
                                                      "station_ids": set()})
        entry["effective"] += r["n"]
        entry["amount"] += amount
        entry["notice"] = entry["notice"] or bool(rule and rule.public_notice)
        entry["station_ids"].add(r["station_id"])
    ids = [i for i in per_user if i is not None]
    users = {u.id: u for u in get_user_model().objects.filter(id__in=ids)}
    stations = {s.id: s.code for s in SupplyStation.objects.filter(id__in={
        sid for e in per_user.values() for sid in e["station_ids"]})}
    out = []
    for uid, e in per_user.items():
        u = users.get(uid)
        out.append({"handler": u.get_username() if u else "", "name": (u.get_full_name() if u else "") or "",
                    "station": ", ".join(sorted(stations[s] for s in e["station_ids"])),
                    "effective": e["effective"], "amount_yuan": str(e["amount"].quantize(Decimal("0.01"))),
                    "public_notice": e["notice"]})
    return sorted(out, key=lambda e: (-Decimal(e["amount_yuan"]), -e["effective"], e["handler"]))


def typical_cases(period) -> list[dict]:
    return [{"number": c.number, "station": c.station.code, "category": c.category.name,
             "category_code": c.category.code,
             "received_at": _local(c.received_at), "description": c.description[:300],
             "resolution": c.resolution[:300]}
            for c in period.filter(typical=True).select_related("station", "category").order_by("received_at", "id")]
