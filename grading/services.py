"""Writes for grading: the monthly run, policies and visits (SPEC §6).

The run in four steps, each set-based:
1. rank: one query sums every customer's trailing 12 months per station and ranks the positive
   sums with RANK() OVER (PARTITION BY station ORDER BY total DESC) (ties share the better rank);
2. decide: customers are read in keyset chunks of `CHUNK` rows and passed through the pure rules
   (rules.py) with the previous runs' held-back drops (hysteresis) and manual locks;
3. write: per chunk, one bulk insert of GradeChange rows and at most three UPDATEs of
   Customer.grade (one per new grade);
4. notify: one digest per account manager per run, one summary per manager when account
   manager tiers do not fit, through the outbox (core.outbox.notify).
Memory stays flat: only the ranks (two ints and a decimal per ranked customer), one chunk and the
digests are held.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q, Sum, Window
from django.db.models.functions import PercentRank
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from core import recipients
from core.i18n import site_language
from core.outbox import notify_many
from customers.choices import GradeSource
from customers.models import ConsumptionRecord, Customer, StaffProfile
from servicecenter.exceptions import InvalidTransition, ValidationFailed

from . import rules
from .choices import ACTIVE_RUN_STATUSES, GradeChangeHeldReason, GradeRunStatus, VisitKind
from .models import GradeChange, GradeRun, GradingPolicy, Visit

log = logging.getLogger(__name__)

CHUNK = 5000
CENT = Decimal("0.01")
MISMATCH_LIMIT = 1000
DIGEST_LINES = 50
Progress = Callable[[int, int], None]


# --- policy -------------------------------------------------------------------------------


def active_policy() -> tuple[GradingPolicy | None, rules.PolicyParams]:
    """The active policy and its parameters (the built-in defaults when none is active)."""
    policy = GradingPolicy.objects.filter(is_active=True).first()
    return policy, (policy.params() if policy else rules.PolicyParams())


@transaction.atomic
def policy_save(*, policy: GradingPolicy) -> GradingPolicy:
    """Save a policy: a changed policy gets the next version (runs keep the snapshot they used);
    an active one deactivates the others (one active policy)."""
    if policy.top_b < policy.top_a:
        raise ValidationFailed("top_b", _("The rank for B cannot be smaller than the rank for A."))
    if policy.pk:
        before = GradingPolicy.objects.select_for_update().get(pk=policy.pk)
        if before.params() != policy.params() or before.name != policy.name:
            policy.version = before.version + 1
    if policy.is_active:
        # one save per deactivated policy (there are a handful), so the configuration history
        # records each deactivation with its user (a queryset update() records nothing)
        for other in GradingPolicy.objects.select_for_update().filter(is_active=True).exclude(pk=policy.pk):
            other.is_active = False
            other.save(update_fields=["is_active", "updated_at"])
    policy.full_clean()
    policy.save()
    return policy


# --- the run ------------------------------------------------------------------------------


def _check_period(period: date, today: date) -> date:
    period = period.replace(day=1)
    if period >= today.replace(day=1):
        raise ValidationFailed("period", _("Only a month that has ended can be graded."))
    return period


@transaction.atomic
def grade_run_start(*, period: date, dry_run: bool = False, force: bool = False, by=None,
                    today: date | None = None) -> tuple[GradeRun, bool]:
    """Create the run for `period` (pending). Returns (run, created).

    Idempotent: a non-dry run for a period that already has one returns that run unchanged
    (created=False) unless `force`, which supersedes a finished run. The unique constraint makes
    this hold when two workers or a worker and a manager start at once.
    """
    period = _check_period(period, today or timezone.localdate())
    if not dry_run:
        existing = (GradeRun.objects.select_for_update()
                    .filter(period=period, dry_run=False, status__in=ACTIVE_RUN_STATUSES).first())
        if existing is not None:
            if not force:
                return existing, False
            if existing.status == GradeRunStatus.RUNNING and not _is_stale(existing):
                raise InvalidTransition(_("A run for this period is in progress."), status=existing.status,
                                        allowed=[])
            # done, or never started (pending: its message may be lost), or its worker died
            existing.status = GradeRunStatus.SUPERSEDED
            existing.save(update_fields=["status", "updated_at"])
    policy, params = active_policy()
    snapshot = {**params.as_dict(), "policy_id": policy.pk if policy else None,
                "name": policy.name if policy else "built-in default", "version": policy.version if policy else 0}
    try:
        with transaction.atomic():
            run = GradeRun.objects.create(period=period, dry_run=dry_run, forced=force, policy=policy,
                                          policy_snapshot=snapshot, requested_by=by)
    except IntegrityError:
        return GradeRun.objects.get(period=period, dry_run=False, status__in=ACTIVE_RUN_STATUSES), False
    return run, True


def _stale_before(now):
    """A run still `running` that started before this has no live worker: the task's hard
    time limit would have ended it."""
    return now - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60)


def _is_stale(run: GradeRun) -> bool:
    return run.started_at is None or run.started_at < _stale_before(timezone.now())


def stuck_runs(*, now=None):
    """Runs nobody is working on: `pending` with no enqueue (or re-enqueue) for
    GRADE_RUN_REQUEUE_AFTER (its message was lost: the broker was down, or its worker died
    before acknowledging), and `running` past the task's time limit (its worker died)."""
    now = now or timezone.now()
    return GradeRun.objects.filter(
        Q(status=GradeRunStatus.PENDING, updated_at__lt=now - settings.GRADE_RUN_REQUEUE_AFTER)
        | Q(status=GradeRunStatus.RUNNING, started_at__lt=_stale_before(now)))


def requeue_stuck_runs(*, now=None, enqueue=None) -> list[int]:
    """Send the stuck runs to a worker again (the periodic catch-up, every minute). Each one's
    `updated_at` marks the re-enqueue, so a run waiting in a long queue is sent again at most once
    per GRADE_RUN_REQUEUE_AFTER; executing a run twice is a no-op (the claim is guarded)."""
    from servicecenter.enqueue import enqueue as publish

    from .tasks import reevaluate_grades

    now = now or timezone.now()
    ids = list(stuck_runs(now=now).order_by("id").values_list("id", flat=True)[:100])
    requeued = []
    for run_id in ids:
        if (enqueue or publish)(reevaluate_grades, kwargs={"run_id": run_id}, queue="grading"):
            GradeRun.objects.filter(pk=run_id).update(updated_at=now)
            requeued.append(run_id)
    if ids:
        log.warning("grade runs re-queued: %s (of %s stuck)", requeued, ids)
    return requeued


def _claim(run: GradeRun) -> bool:
    """pending → running (or a running run whose worker died: acks_late redelivers the task)."""
    now = timezone.now()
    stale = _stale_before(now)
    claimed = GradeRun.objects.filter(
        Q(status=GradeRunStatus.PENDING) | Q(status=GradeRunStatus.RUNNING, started_at__lt=stale), pk=run.pk,
    ).update(status=GradeRunStatus.RUNNING, started_at=now, updated_at=now)
    return claimed == 1


def grade_run_execute(*, run: GradeRun, progress: Progress | None = None, today: date | None = None) -> GradeRun:
    """Compute and (unless a dry run) apply the run. A run that is not pending is left alone."""
    if not _claim(run):
        run.refresh_from_db()
        return run
    run.refresh_from_db()
    try:
        with transaction.atomic():
            _execute(run, progress=progress, today=today or timezone.localdate())
    except Exception as exc:
        log.exception("grade run %s failed", run.pk)
        GradeRun.objects.filter(pk=run.pk).update(status=GradeRunStatus.FAILED, error=repr(exc)[:2000],
                                                  finished_at=timezone.now(), updated_at=timezone.now())
        raise
    run.refresh_from_db()
    return run


def reevaluate_grades(*, period: date, dry_run: bool = False, force: bool = False, by=None,
                      progress: Progress | None = None, today: date | None = None) -> tuple[GradeRun, bool]:
    """Start and execute a run for `period`. Returns (run, executed); a second run for the same
    period is a no-op (executed=False) unless forced."""
    run, created = grade_run_start(period=period, dry_run=dry_run, force=force, by=by, today=today)
    if not created and run.status != GradeRunStatus.PENDING:
        return run, False
    return grade_run_execute(run=run, progress=progress, today=today), True


def station_ranks(*, period: date) -> dict[int, tuple[int, object]]:
    """{customer id: (rank in its station, 12-month amount)} over the positive trailing-12-month
    sums up to `period`, computed in the database (RANK(): ties share the better rank).

    Summed per customer first (one hash aggregate over the window's rows), then joined to the
    customers for their station and ranked: standard SQL, the same on PostgreSQL and SQLite ≥ 3.25.
    """
    start, end = rules.trailing_window(period)
    consumption, customer = ConsumptionRecord._meta.db_table, Customer._meta.db_table
    sql = f"""
        SELECT s.customer_id, RANK() OVER (PARTITION BY c.station_id ORDER BY s.total DESC), s.total
        FROM (SELECT customer_id, SUM(amount_yuan) AS total FROM {consumption}
              WHERE period >= %s AND period <= %s
              GROUP BY customer_id HAVING SUM(amount_yuan) > 0) s
        JOIN {customer} c ON c.id = s.customer_id"""
    with connection.cursor() as cur:
        if connection.vendor == "postgresql" and connection.in_atomic_block:
            # room for the hash aggregate of 200,000 customers in memory (this transaction only)
            cur.execute("SET LOCAL work_mem = '64MB'")
        cur.execute(sql, [start, end])
        rows = cur.fetchall()
    return {cid: (rank, _money(total)) for cid, rank, total in rows}


def _money(value) -> Decimal:
    """PostgreSQL sums numeric to Decimal; SQLite sums to a float."""
    return value if isinstance(value, Decimal) else Decimal(str(value)).quantize(CENT)


def station_percentiles(*, period: date, months: int) -> dict[int, float]:
    """{customer id: 0–100} position in its station by the amount of the last `months` months
    (100 = the largest; customers with no positive amount are absent, i.e. score 0)."""
    start, end = rules.trailing_window(period, months)
    qs = (ConsumptionRecord.objects.filter(period__gte=start, period__lte=end)
          .values("customer_id", "customer__station_id").order_by()
          .annotate(total=Sum("amount_yuan")).filter(total__gt=0)
          .annotate(pct=Window(PercentRank(), partition_by=[F("customer__station_id")], order_by=F("total").asc())))
    return {cid: round(float(pct) * 100, 1) if pct is not None else 100.0
            for cid, pct in qs.values_list("customer_id", "pct")}


def _earlier_drops(run: GradeRun, runs_needed: int) -> dict[int, list[str | None]]:
    """For hysteresis: per customer, the grade each of the previous `runs_needed` runs computed
    when it held a drop back (None for a run that did not), newest first."""
    if runs_needed <= 0:
        return {}
    previous = list(GradeRun.objects.filter(dry_run=False, status=GradeRunStatus.DONE, period__lt=run.period)
                    .order_by("-period", "-id").values_list("pk", flat=True)[:runs_needed])
    out: dict[int, list[str | None]] = {}
    for i, run_id in enumerate(previous):
        for cid, grade in (GradeChange.objects.filter(run_id=run_id, held_reason=GradeChangeHeldReason.HYSTERESIS)
                           .values_list("customer_id", "computed_grade")):
            out.setdefault(cid, [None] * len(previous))[i] = grade
    return out


@dataclass
class _Inputs:
    """Step 1's answer: what the rules need besides each customer's row."""

    params: rules.PolicyParams
    ranks: dict  # ranking: {customer id: (rank in station, 12-month amount)}
    history: dict  # scorecard: {customer id: percentile over 12 months}
    forecast: dict  # scorecard: {customer id: percentile over 3 months}
    earlier: dict  # hysteresis: the held-back drops of the previous runs
    staff: dict  # {user id: (username, manager tier)}


@dataclass
class _Tally:
    """What the run accumulates over its chunks: counts, the mismatch list, the digests, and the
    rules' answers per distinct combination (a few dozen), computed once each."""

    counts: dict = field(default_factory=lambda: defaultdict(int))
    mismatches: list = field(default_factory=list)
    digests: dict = field(default_factory=lambda: defaultdict(list))
    digest_counts: dict = field(default_factory=lambda: defaultdict(int))
    grade_of: dict = field(default_factory=dict)
    fits: dict = field(default_factory=dict)
    done: int = 0


@dataclass
class _Decided:
    """Step 2's answer for one chunk."""

    changes: list = field(default_factory=list)  # GradeChange rows
    updates: dict = field(default_factory=lambda: defaultdict(list))  # {new grade: [customer ids]}
    to_digest: list = field(default_factory=list)  # (account manager, customer, old, new)
    to_flag: list = field(default_factory=list)  # (customer, grade, account manager, tier)


_CHUNK_FIELDS = ("id", "grade", "grade_source", "grade_locked_until", "dual_power_supply", "dual_circuit",
                 "important_level", "has_pv", "has_ev_charging", "account_manager_id")


def _execute(run: GradeRun, *, progress: Progress | None, today: date) -> None:
    """The run's four steps (module docstring): rank, then per chunk of customers decide and
    write, then notify; the run row records the counts and timings."""
    t0 = time.monotonic()
    inputs = _rank(run)
    timings: dict[str, float] = {"rank": round(time.monotonic() - t0, 3)}
    total = Customer.objects.count()
    tally = _Tally()
    now = timezone.now()
    t1 = time.monotonic()
    last_id = 0
    while True:
        # keyset chunks: each a complete, short query (no cursor held open across writes)
        chunk = list(Customer.objects.filter(id__gt=last_id).order_by("id").values_list(*_CHUNK_FIELDS)[:CHUNK])
        if not chunk:
            break
        last_id = chunk[-1][0]
        _write(run, _decide(run, chunk, inputs, tally, today=today), inputs, tally, now=now)
        tally.done += len(chunk)
        if progress:
            progress(tally.done, total)
    timings["apply"] = round(time.monotonic() - t1, 3)

    t2 = time.monotonic()
    if not run.dry_run:
        _notify(run, tally.digests, tally.digest_counts, tally.counts["mismatch"])
    timings["notify"] = round(time.monotonic() - t2, 3)
    timings["total"] = round(time.monotonic() - t0, 3)
    counts = tally.counts
    GradeRun.objects.filter(pk=run.pk).update(
        status=GradeRunStatus.DONE, total=tally.done, up=counts["up"], down=counts["down"],
        unchanged=counts["unchanged"], held_by_lock=counts["held_by_lock"],
        held_by_hysteresis=counts["held_by_hysteresis"], mismatch_count=counts["mismatch"],
        mismatches=tally.mismatches, timings=timings, finished_at=timezone.now(), updated_at=timezone.now(),
        error="")


def _rank(run: GradeRun) -> _Inputs:
    """Step 1: the station ranks (ranking policy) or percentiles (scorecard), the previous runs'
    held-back drops, and the staff's tiers."""
    params = rules.PolicyParams.from_dict(run.policy_snapshot)
    if params.kind == rules.SCORECARD:
        ranks: dict = {}
        history = station_percentiles(period=run.period, months=12)
        forecast = station_percentiles(period=run.period, months=3)
    else:
        ranks = station_ranks(period=run.period)
        history = forecast = {}
    staff = {uid: (username, tier) for uid, username, tier in
             StaffProfile.objects.values_list("user_id", "user__username", "manager_tier")}
    return _Inputs(params=params, ranks=ranks, history=history, forecast=forecast,
                   earlier=_earlier_drops(run, params.hysteresis_runs - 1), staff=staff)


def _decide(run: GradeRun, chunk: list[tuple], inputs: _Inputs, tally: _Tally, *, today: date) -> _Decided:
    """Step 2 for one chunk: each customer through the pure rules (with locks and hysteresis)."""
    params, staff, earlier = inputs.params, inputs.staff, inputs.earlier
    scorecard = params.kind == rules.SCORECARD
    counts, grade_of, fits = tally.counts, tally.grade_of, tally.fits
    no_rank = (None, None)
    out = _Decided()
    for (cid, grade, source, locked_until, dps, dc, level, pv, ev, am_id) in chunk:
        amount = None
        if scorecard:
            flags = rules.Flags(dps, dc, level, pv, ev)
            computed, reasons = rules.scorecard_grade(history=inputs.history.get(cid, 0.0),
                                                      forecast=inputs.forecast.get(cid, 0.0), flags=flags,
                                                      params=params)
        else:
            rank, amount = inputs.ranks.get(cid, no_rank)
            bucket = 0 if rank is None or rank > params.top_b else (1 if rank <= params.top_a else 2)
            key = (bucket, dps, dc, level, pv, ev)
            computed = grade_of.get(key)
            if computed is None:
                computed = grade_of[key] = rules.ranking_grade(
                    rank=rank, flags=rules.Flags(dps, dc, level, pv, ev), params=params)[0]
        if computed == grade:
            counts["unchanged"] += 1
            final = grade
        else:
            if not scorecard:
                computed, reasons = rules.ranking_grade(rank=rank, flags=rules.Flags(dps, dc, level, pv, ev),
                                                        params=params)
            locked = source == GradeSource.MANUAL and locked_until is not None and locked_until > today
            decision = rules.decide(current=grade, computed=computed, locked=locked, earlier=earlier.get(cid),
                                    hysteresis_runs=params.hysteresis_runs)
            final = decision.new_grade
            if decision.held_reason == GradeChangeHeldReason.LOCK:
                counts["held_by_lock"] += 1
            elif decision.held_reason == GradeChangeHeldReason.HYSTERESIS:
                counts["held_by_hysteresis"] += 1
            elif rules.grade_level(final) > rules.grade_level(grade):
                counts["up"] += 1
            else:
                counts["down"] += 1
            direction = "up" if rules.grade_level(computed) > rules.grade_level(grade) else "down"
            out.changes.append(GradeChange(run=run, customer_id=cid, old_grade=grade, new_grade=final,
                                           computed_grade=computed, direction=direction, reasons=reasons,
                                           amount_12m=amount, applied=decision.changed and not run.dry_run,
                                           held_reason=decision.held_reason))
            if decision.changed:
                out.updates[final].append(cid)
                if am_id is not None:
                    out.to_digest.append((am_id, cid, grade, final))
        fit_key = (final, am_id)
        fit = fits.get(fit_key)
        if fit is None:
            fit = fits[fit_key] = rules.tier_fits(final, staff.get(am_id, (None, ""))[1] if am_id else None)
        if not fit:
            counts["mismatch"] += 1
            if len(tally.mismatches) + len(out.to_flag) < MISMATCH_LIMIT:
                out.to_flag.append((cid, final, am_id, staff.get(am_id, (None, ""))[1] if am_id else None))
    return out


def _write(run: GradeRun, decided: _Decided, inputs: _Inputs, tally: _Tally, *, now) -> None:
    """Step 3 for one chunk: one bulk insert of GradeChange rows, at most three UPDATEs of
    Customer.grade (one per new grade), and the digest and mismatch lines (names read in one
    query, only for the customers a message or the mismatch list shows)."""
    named = {c for _am, c, _g, _f in decided.to_digest} | {c for c, *_rest in decided.to_flag}
    names = dict(((pk, (no, nm)) for pk, no, nm in Customer.objects.filter(pk__in=named)
                  .values_list("pk", "account_no", "name"))) if named else {}
    for am_id, cid, grade, final in decided.to_digest:
        tally.digest_counts[am_id] += 1
        if len(tally.digests[am_id]) < DIGEST_LINES:
            account_no, name = names[cid]
            tally.digests[am_id].append(f"{account_no} {name}: {grade} → {final}")
    for cid, final, am_id, tier in decided.to_flag:
        account_no, name = names[cid]
        tally.mismatches.append({
            "customer": cid, "account_no": account_no, "name": name, "grade": final,
            "account_manager": inputs.staff.get(am_id, (None, ""))[0] if am_id else None,
            "tier": tier or "", "required_tier": rules.REQUIRED_TIER[final]})
    GradeChange.objects.bulk_create(decided.changes, batch_size=1000)
    if not run.dry_run:
        for grade, ids in decided.updates.items():
            Customer.objects.filter(id__in=ids).update(grade=grade, grade_source=GradeSource.AUTO,
                                                       grade_locked_until=None, updated_at=now)


def _notify(run: GradeRun, digests: dict[int, list[str]], digest_counts: dict[int, int], mismatch_count: int):
    """One digest per account manager per run (never one message per customer), and one summary
    per manager when tiers do not fit, all in one outbox insert. Dedupe keys name the run: a
    retried run notifies once."""
    messages = []
    with site_language():
        month = f"{run.period:%Y-%m}"
        for am_id, lines in digests.items():
            more = digest_counts[am_id] - len(lines)
            body = "\n".join(lines) + (("\n" + _("… and %(n)d more") % {"n": more}) if more > 0 else "")
            messages.append({"recipient_id": am_id, "kind": "grading.grades_changed",
                             "dedupe_key": f"grade-run:{run.pk}", "body": body, "link": "/my-customers/",
                             "subject": _("Grades of %(n)d of your customers changed (%(month)s)")
                             % {"n": digest_counts[am_id], "month": month}})
        if mismatch_count:
            subject = (_("Grade run %(month)s: %(n)d customers need an account manager of another tier")
                       % {"n": mismatch_count, "month": month})
            messages += [{"recipient_id": pk, "kind": "grading.tier_mismatch", "dedupe_key": f"grade-run:{run.pk}",
                          "subject": subject, "link": f"/admin/grading/graderun/{run.pk}/change/"}
                         for pk in recipients.managers()]
    notify_many(messages)


# --- visits -------------------------------------------------------------------------------


@transaction.atomic
def visit_record(*, customer: Customer, by, kind: str, day: date, notes: str = "",
                 today: date | None = None) -> Visit:
    """Record a visit made by `by` (the customer's account manager, or a manager)."""
    today = today or timezone.localdate()
    if kind not in VisitKind.values:
        raise ValidationFailed("kind", _("Unknown kind of visit."))
    if day > today:
        raise ValidationFailed("date", _("A visit cannot be recorded in the future."))
    if day < today - timedelta(days=366):
        raise ValidationFailed("date", _("A visit more than a year ago cannot be recorded."))
    return Visit.objects.create(customer=customer, account_manager=by, kind=kind, date=day, notes=notes.strip())


def last_visits(customer_ids) -> dict[int, dict[str, date]]:
    """{customer id: {kind: last date}} in one query."""
    from django.db.models import Max

    out: dict[int, dict[str, date]] = defaultdict(dict)
    for cid, kind, last in (Visit.objects.filter(customer_id__in=customer_ids).values("customer_id", "kind")
                            .order_by().annotate(last=Max("date")).values_list("customer_id", "kind", "last")):
        out[cid][kind] = last
    return out


def remind_visits(*, today: date | None = None) -> int:
    """Tell each account manager, in one message a day, which visits are overdue or due within
    7 days. Idempotent per day (the dedupe key holds the date). Returns messages written."""
    today = today or timezone.localdate()
    found: dict[int, list[tuple[date, str]]] = defaultdict(list)
    totals: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    last_id = 0
    labels = dict(VisitKind.choices)
    with site_language():
        while True:
            chunk = list(Customer.objects.filter(id__gt=last_id, account_manager__isnull=False).order_by("id")
                         .values_list("id", "account_no", "name", "grade", "created_at", "account_manager_id")[:CHUNK])
            if not chunk:
                break
            last_id = chunk[-1][0]
            visits = last_visits([row[0] for row in chunk])
            for cid, account_no, name, grade, created_at, am_id in chunk:
                since = timezone.localdate(created_at)
                for due in rules.visits_due(grade=grade, last_by_kind=visits.get(cid, {}), since=since):
                    state = due.state(today)
                    if state == "ok":
                        continue
                    totals[am_id][0 if state == "overdue" else 1] += 1
                    flag = _("overdue") if state == "overdue" else pgettext("visit state", "due")
                    found[am_id].append((due.due, f"{due.due:%Y-%m-%d} {flag}: {account_no} {name} · {labels[due.kind]}"))
        messages = []
        for am_id, items in found.items():
            items.sort()
            overdue, soon = totals[am_id]
            lines = [text for _d, text in items[:DIGEST_LINES]]
            if len(items) > DIGEST_LINES:
                lines.append(_("… and %(n)d more") % {"n": len(items) - DIGEST_LINES})
            messages.append({"recipient_id": am_id, "kind": "grading.visits_due",
                             "dedupe_key": f"visits:{today:%Y-%m-%d}", "body": "\n".join(lines),
                             "link": "/my-customers/?attention=1",
                             "subject": _("Visits: %(overdue)d overdue, %(soon)d due within 7 days")
                             % {"overdue": overdue, "soon": soon}})
    with transaction.atomic():
        return notify_many(messages)  # one insert for every account manager
