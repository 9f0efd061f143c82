"""Reads for grading, scoped by the acting user (customers.selectors decides who sees whom)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from customers.models import ConsumptionRecord, Customer
from customers.selectors import customer_list
from servicecenter.roles import ACCOUNT_MANAGER, ADMIN, MANAGER, has_role

from . import rules
from .choices import GradeRunStatus
from .models import GradeChange, GradeRun, Visit

# Open work in the higher apps, read through the reverse relations only (grading never imports them).
OPEN_COMPLAINT_STATUSES = ["received", "acknowledged", "paused", "resolved"]
OPEN_WORK_ORDER_STATUSES = ["created", "dispatched", "accepted", "en_route", "on_site"]


def can_read_runs(user) -> bool:
    return has_role(user, MANAGER, ADMIN, ACCOUNT_MANAGER)


def can_start_runs(user) -> bool:
    return has_role(user, MANAGER, ADMIN)


def can_record_visit(user, customer: Customer) -> bool:
    """The customer's account manager, or a manager/admin."""
    return customer.account_manager_id == user.pk or has_role(user, MANAGER, ADMIN)


def grade_run_list(*, user) -> QuerySet[GradeRun]:
    if not can_read_runs(user):
        return GradeRun.objects.none()
    return GradeRun.objects.select_related("policy", "requested_by")


def visible_mismatches(run: GradeRun, *, user) -> list[dict]:
    """The run's tier mismatches of the customers the user may see (managers/admins: all): the
    list is stored for every station, so it is filtered here, through the one scope rule."""
    rows = run.mismatches or []
    if has_role(user, MANAGER, ADMIN) or not rows:
        return rows
    ids = {row.get("customer") for row in rows}
    seen = set(customer_list(user=user).filter(pk__in=ids).values_list("pk", flat=True))
    return [row for row in rows if row.get("customer") in seen]


def grade_change_list(*, user) -> QuerySet[GradeChange]:
    """Changes of the customers the user may see."""
    qs = GradeChange.objects.select_related("run", "customer")
    if has_role(user, MANAGER, ADMIN):
        return qs
    return qs.filter(customer_id__in=customer_list(user=user).values("pk"))


def last_done_run() -> GradeRun | None:
    return (GradeRun.objects.filter(dry_run=False, status=GradeRunStatus.DONE)
            .order_by("-period", "-id").first())


def _open_count(relation: str, statuses: list[str]):
    """A correlated COUNT of a reverse relation's open rows, or 0 while the app is not installed."""
    try:
        rel = Customer._meta.get_field(relation)
    except FieldDoesNotExist:
        return Value(0, output_field=IntegerField())
    model = rel.related_model
    fk = rel.field.name
    sub = (model.objects.filter(**{fk: OuterRef("pk"), "status__in": statuses}).order_by()
           .values(fk).annotate(n=Count("pk")).values("n"))
    return Coalesce(Subquery(sub, output_field=IntegerField()), 0)


def consumption_series(customer_ids, *, end: date, months: int = 12) -> dict[int, list[tuple[date, object]]]:
    """{customer id: [(month, amount or None) × months]} ending with `end`, in one query."""
    start, end = rules.trailing_window(end, months)
    periods = [rules.add_months(start, i) for i in range(months)]
    found: dict[int, dict[date, object]] = defaultdict(dict)
    for cid, period, amount in (ConsumptionRecord.objects.filter(customer_id__in=customer_ids, period__gte=start,
                                                                 period__lte=end)
                                .values_list("customer_id", "period", "amount_yuan")):
        found[cid][period] = amount
    return {cid: [(p, found.get(cid, {}).get(p)) for p in periods] for cid in customer_ids}


@dataclass
class MyCustomerRow:
    customer: Customer
    change: GradeChange | None
    last_visit: date | None
    next_due: rules.VisitDue
    due_state: str
    open_complaints: int
    open_work_orders: int
    series: list = field(default_factory=list)

    @property
    def grade_down(self) -> bool:
        return self.change is not None and self.change.direction == "down"

    @property
    def needs_attention(self) -> bool:
        return (self.due_state == "overdue" or self.open_complaints > 0 or self.open_work_orders > 0
                or self.grade_down)


def my_customers(*, user, grade: str | None = None, attention: bool = False,
                 today: date | None = None) -> list[MyCustomerRow]:
    """An account manager's customers, A then B then C, with what the page shows of each.

    Queries: customers with last visits per kind and open counts as subqueries (1), the last run
    (1), its changes for these customers (1), 12 months of consumption (1): four, whatever the
    number of customers.
    """
    today = today or timezone.localdate()
    qs = Customer.objects.filter(account_manager=user).select_related("station")
    if grade:
        qs = qs.filter(grade=grade)
    last = {kind: Subquery(Visit.objects.filter(customer=OuterRef("pk"), kind=kind).order_by("-date")
                           .values("date")[:1]) for kind in rules.VISIT_KINDS}
    qs = qs.annotate(
        **{f"last_{kind}": expr for kind, expr in last.items()},
        open_complaints=_open_count("complaints", OPEN_COMPLAINT_STATUSES),
        open_work_orders=_open_count("work_orders", OPEN_WORK_ORDER_STATUSES),
    ).order_by("grade", "name", "account_no")
    customers = list(qs)
    ids = [c.pk for c in customers]
    run = last_done_run()
    changes = {}
    if run is not None and ids:
        changes = {ch.customer_id: ch for ch in GradeChange.objects.filter(run=run, customer_id__in=ids)}
    series = consumption_series(ids, end=rules.previous_month(today)) if ids else {}
    rows = []
    for c in customers:
        last_by_kind = {kind: getattr(c, f"last_{kind}") for kind in rules.VISIT_KINDS}
        due = rules.next_visit(grade=c.grade, last_by_kind=last_by_kind, since=timezone.localdate(c.created_at))
        row = MyCustomerRow(
            customer=c, change=changes.get(c.pk), last_visit=max((d for d in last_by_kind.values() if d), default=None),
            next_due=due, due_state=due.state(today), open_complaints=c.open_complaints,
            open_work_orders=c.open_work_orders, series=series.get(c.pk, []))
        if attention and not row.needs_attention:
            continue
        rows.append(row)
    return rows


def grade_history(*, customer: Customer, limit: int = 24) -> list[GradeChange]:
    """The customer's grade changes in real runs (applied or held back), newest first."""
    return list(GradeChange.objects.filter(customer=customer, run__dry_run=False)
                .exclude(run__status=GradeRunStatus.SUPERSEDED)
                .select_related("run").order_by("-run__period", "-run_id")[:limit])


def visit_list(*, customer: Customer) -> QuerySet[Visit]:
    return Visit.objects.filter(customer=customer).select_related("account_manager")
