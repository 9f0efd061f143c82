"""Grading: the policy, the monthly runs, what each run changed, and account-manager visits."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.models import TimeStamped
from customers.choices import Grade
from customers.models import Customer

from . import rules
from .choices import (
    ACTIVE_RUN_STATUSES,
    GradeChangeDirection,
    GradeChangeHeldReason,
    GradeRunStatus,
    GradingPolicyKind,
    VisitKind,
)


class GradingPolicy(TimeStamped):
    """The rules a run applies (SPEC §6). One is active; each save bumps `version`, and every run
    stores a snapshot of the parameters it used, so an edited policy never rewrites history."""

    name = models.CharField(_("name"), max_length=100, default="default")
    kind = models.CharField(_("kind"), max_length=10, choices=GradingPolicyKind.choices,
                            default=GradingPolicyKind.RANKING)
    is_active = models.BooleanField(_("active"), default=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    top_a = models.PositiveIntegerField(_("rank for A (diamond)"), default=10, validators=[MinValueValidator(1)])
    top_b = models.PositiveIntegerField(_("rank for B (gold)"), default=50, validators=[MinValueValidator(1)])
    attribute_rules = models.BooleanField(
        _("attribute rules"), default=True,
        help_text=_("Dual power supply and important levels special/first give A; dual circuit, level second, "
                    "PV or EV charging give B."))
    hysteresis_runs = models.PositiveSmallIntegerField(
        _("runs before a downgrade"), default=2, validators=[MinValueValidator(1)],
        help_text=_("A customer moves down only after this many consecutive runs say so (1 = at once)."))
    history_weight = models.DecimalField(_("history weight"), max_digits=4, decimal_places=2, default=Decimal("0.50"))
    forecast_weight = models.DecimalField(_("forecast weight"), max_digits=4, decimal_places=2, default=Decimal("0.50"))
    bonus_factor = models.DecimalField(_("bonus factor"), max_digits=4, decimal_places=2, default=Decimal("1.05"))
    band_a = models.DecimalField(_("score for A"), max_digits=5, decimal_places=1, default=Decimal("85.0"))
    band_b = models.DecimalField(_("score for B"), max_digits=5, decimal_places=1, default=Decimal("60.0"))
    notes = models.TextField(pgettext_lazy("remarks", "notes"), blank=True, default="")

    class Meta:
        ordering = ["-is_active", "name"]
        verbose_name = _("grading policy")
        verbose_name_plural = _("grading policies")
        constraints = [
            models.UniqueConstraint(fields=["is_active"], condition=Q(is_active=True),
                                    name="grading_gradingpolicy_one_active"),
            models.CheckConstraint(condition=Q(kind__in=GradingPolicyKind.values),
                                   name="grading_gradingpolicy_kind_valid"),
        ]

    def __str__(self):
        return f"{self.name} v{self.version} ({self.get_kind_display()})"

    def params(self) -> rules.PolicyParams:
        return rules.PolicyParams(
            kind=self.kind, top_a=self.top_a, top_b=self.top_b, attribute_rules=self.attribute_rules,
            hysteresis_runs=self.hysteresis_runs, history_weight=float(self.history_weight),
            forecast_weight=float(self.forecast_weight), bonus_factor=float(self.bonus_factor),
            band_a=float(self.band_a), band_b=float(self.band_b))


class GradeRun(TimeStamped):
    """One re-evaluation of every customer for a month (`period` = its first day).

    Idempotent per period: one non-dry run owns a period (unique while pending/running/done);
    a forced run marks the earlier one `superseded`. Dry runs are free and write only themselves
    and their would-be changes.
    """

    period = models.DateField(_("period (first day of month)"))
    status = models.CharField(_("status"), max_length=12, choices=GradeRunStatus.choices,
                              default=GradeRunStatus.PENDING)
    dry_run = models.BooleanField(_("dry run"), default=False)
    forced = models.BooleanField(_("forced"), default=False)
    policy = models.ForeignKey(GradingPolicy, verbose_name=_("policy"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="runs")
    policy_snapshot = models.JSONField(_("policy used"), default=dict)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("requested by"), null=True,
                                     blank=True, on_delete=models.SET_NULL, related_name="+")
    total = models.PositiveIntegerField(pgettext_lazy("count", "customers"), default=0)
    up = models.PositiveIntegerField(_("up"), default=0)
    down = models.PositiveIntegerField(_("down"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    held_by_lock = models.PositiveIntegerField(_("held by lock"), default=0)
    held_by_hysteresis = models.PositiveIntegerField(_("held by hysteresis"), default=0)
    mismatch_count = models.PositiveIntegerField(_("tier mismatches"), default=0)
    mismatches = models.JSONField(
        _("tier mismatches"), default=list, blank=True,
        help_text=_("Customers whose account manager's tier does not fit the grade (A needs a chief, "
                    "B a senior account manager); the first 1000."))
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    timings = models.JSONField(_("timings (seconds)"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True, default="")

    class Meta:
        ordering = ["-period", "-id"]
        verbose_name = _("grade run")
        verbose_name_plural = _("grade runs")
        constraints = [
            models.UniqueConstraint(fields=["period"], condition=Q(dry_run=False, status__in=ACTIVE_RUN_STATUSES),
                                    name="grading_graderun_one_per_period"),
            models.CheckConstraint(condition=Q(period__day=1), name="grading_graderun_period_first_day"),
            models.CheckConstraint(condition=Q(status__in=GradeRunStatus.values),
                                   name="grading_graderun_status_valid"),
        ]
        indexes = [
            # hysteresis: the latest done non-dry runs before a period; my-customers: last run
            models.Index(fields=["status", "dry_run", "-period"], name="grading_graderun_latest"),
        ]

    def __str__(self):
        return f"{self.period:%Y-%m}{' (dry run)' if self.dry_run else ''} {self.status}"

    @property
    def duration_seconds(self) -> float | None:
        if self.started_at and self.finished_at:
            return round((self.finished_at - self.started_at).total_seconds(), 3)
        return None


class GradeChange(models.Model):
    """A customer whose computed grade differs from its grade in a run: applied, or held back
    (lock, hysteresis), or would-be (dry run). `reasons` are machine-readable: `rank:7`,
    `dual_power_supply`, `important_level:first`, `score:84`, `no_consumption`."""

    run = models.ForeignKey(GradeRun, on_delete=models.CASCADE, related_name="changes")
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="grade_changes")
    old_grade = models.CharField(_("old grade"), max_length=1, choices=Grade.choices)
    new_grade = models.CharField(_("new grade"), max_length=1, choices=Grade.choices)
    computed_grade = models.CharField(_("computed grade"), max_length=1, choices=Grade.choices)
    direction = models.CharField(_("direction"), max_length=4, choices=GradeChangeDirection.choices)
    reasons = models.JSONField(_("reasons"), default=list)
    amount_12m = models.DecimalField(_("12-month amount (yuan)"), max_digits=16, decimal_places=2, null=True)
    applied = models.BooleanField(_("applied"), default=False)
    held_reason = models.CharField(_("held back because"), max_length=10, blank=True, default="",
                                   choices=GradeChangeHeldReason.choices)

    class Meta:
        ordering = ["run_id", "customer_id"]
        verbose_name = _("grade change")
        verbose_name_plural = _("grade changes")
        constraints = [
            models.UniqueConstraint(fields=["run", "customer"], name="grading_gradechange_unique_customer"),
        ]
        indexes = [
            # customer card: grade history, newest first
            models.Index(fields=["customer", "-run"], name="grading_gradechange_customer"),
            # hysteresis: the drops the previous run held back
            models.Index(fields=["run", "held_reason"], name="grading_gradechange_held"),
        ]

    def __str__(self):
        return f"{self.customer_id}: {self.old_grade}→{self.computed_grade}"


class Visit(TimeStamped):
    """An account manager's visit to a customer (走访, 安全检查, 用电分析, 供电质量报告)."""

    customer = models.ForeignKey(Customer, verbose_name=_("customer"), on_delete=models.CASCADE,
                                 related_name="visits")
    account_manager = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("account manager"),
                                        on_delete=models.PROTECT, related_name="visits")
    kind = models.CharField(_("kind"), max_length=20, choices=VisitKind.choices, default=VisitKind.ROUTINE)
    date = models.DateField(_("date"))
    notes = models.TextField(pgettext_lazy("remarks", "notes"), blank=True, default="")

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=VisitKind.values), name="grading_visit_kind_valid"),
        ]
        indexes = [
            # visit log and next-due: a customer's last visit of each kind
            models.Index(fields=["customer", "kind", "-date"], name="grading_visit_customer_kind"),
        ]

    def __str__(self):
        return f"{self.customer_id} {self.kind} {self.date}"
