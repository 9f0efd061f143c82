"""Stored report snapshots (日统计、周通报、月督导) and the staff-assessment penalty table."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import TimeStamped
from customers.models import SupplyStation


class ReportKind(models.TextChoices):
    DAILY = "daily", _("Daily statistics (日统计)")
    WEEKLY = "weekly", _("Weekly bulletin (周通报)")
    MONTHLY = "monthly", _("Monthly supervision report (月督导)")


class ReportSnapshot(TimeStamped):
    """The figures of one period, computed from stored data only (a rebuild gives the same)."""

    kind = models.CharField(_("kind"), max_length=10, choices=ReportKind.choices)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end (inclusive)"))
    built_at = models.DateTimeField(_("built at"))
    data = models.JSONField(_("figures"), default=dict)

    class Meta:
        ordering = ["-period_start", "kind"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [
            models.UniqueConstraint(fields=["kind", "period_start"], name="reports_snapshot_unique_period"),
            models.CheckConstraint(condition=Q(kind__in=ReportKind.values), name="reports_snapshot_kind_valid"),
        ]
        indexes = [
            # /reports/ list: newest periods first
            models.Index(fields=["-period_start", "kind"], name="reports_snapshot_list"),
        ]

    def __str__(self):
        return f"{self.kind} {self.period_start}–{self.period_end}"


class PenaltyRule(TimeStamped):
    """Assessment amount per effective complaint (DOMAIN.md, staff assessment), editable in admin.

    `category_code` names a category item or class; blank = every effective complaint. The most
    specific active rule applies to each effective complaint: item, then class, then blank.
    """

    label = models.CharField(_("rule"), max_length=200)
    category_code = models.CharField(_("category code (item or class; blank = any)"), max_length=50,
                                     blank=True, default="")
    amount_yuan = models.DecimalField(_("amount (yuan)"), max_digits=8, decimal_places=2, default=Decimal("0"))
    public_notice = models.BooleanField(_("public notice (通报)"), default=False)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["category_code", "label"]
        verbose_name = _("penalty rule")
        verbose_name_plural = _("penalty rules")
        constraints = [
            models.UniqueConstraint(fields=["category_code"], condition=Q(active=True),
                                    name="reports_penalty_one_active_per_code"),
        ]

    def __str__(self):
        return f"{self.category_code or '*'}: {self.amount_yuan}"


# The figures a ComplaintDayStat row holds: the keys of reports.figures.complaint_aggregates.
STAT_COUNTERS = [
    "complaints",
    "ack_on_time", "ack_late", "ack_open", "ack_open_breached",
    "resolve_on_time", "resolve_late", "resolve_open", "resolve_open_breached",
    "callback_on_time", "callback_late", "callback_open", "callback_open_breached",
    "assign_on_time", "assign_late", "assign_open", "assign_open_breached",
    "review_on_time", "review_late", "review_open", "review_open_breached",
    "breached", "terminated", "verified_count", "effective", "repeat", "extended",
    "satisfied", "neutral", "dissatisfied", "typical_count",
]


class ComplaintDayStat(models.Model):
    """Pre-aggregated SLA figures of the orders received on one local day, per (kind of order,
    station, category item, grade, channel), as of `StatState.refreshed_at` (see reports/stats.py).
    `category` is null for the orders of a kind that is not classified (SPEC §11: complaints are).

    The summary of a month sums about 30 × a few hundred of these rows instead of scanning tens
    of thousands of complaints.
    """

    day = models.DateField()
    kind = models.CharField(max_length=20, default="complaint")  # complaints.choices.OrderKind
    station = models.ForeignKey(SupplyStation, on_delete=models.CASCADE, related_name="+")
    category = models.ForeignKey("complaints.ComplaintCategory", on_delete=models.CASCADE, related_name="+",
                                 null=True)
    grade = models.CharField(max_length=1)
    channel = models.CharField(max_length=20)
    complaints = models.PositiveIntegerField(default=0)  # the orders received (of the row's kind)
    ack_on_time = models.PositiveIntegerField(default=0)
    ack_late = models.PositiveIntegerField(default=0)
    ack_open = models.PositiveIntegerField(default=0)
    ack_open_breached = models.PositiveIntegerField(default=0)
    resolve_on_time = models.PositiveIntegerField(default=0)
    resolve_late = models.PositiveIntegerField(default=0)
    resolve_open = models.PositiveIntegerField(default=0)
    resolve_open_breached = models.PositiveIntegerField(default=0)
    callback_on_time = models.PositiveIntegerField(default=0)
    callback_late = models.PositiveIntegerField(default=0)
    callback_open = models.PositiveIntegerField(default=0)
    callback_open_breached = models.PositiveIntegerField(default=0)
    assign_on_time = models.PositiveIntegerField(default=0)
    assign_late = models.PositiveIntegerField(default=0)
    assign_open = models.PositiveIntegerField(default=0)
    assign_open_breached = models.PositiveIntegerField(default=0)
    review_on_time = models.PositiveIntegerField(default=0)
    review_late = models.PositiveIntegerField(default=0)
    review_open = models.PositiveIntegerField(default=0)
    review_open_breached = models.PositiveIntegerField(default=0)
    breached = models.PositiveIntegerField(default=0)
    # 服务终止 (SPEC §11): counted apart, and left out of every deadline figure and of `breached`
    terminated = models.PositiveIntegerField(default=0)
    verified_count = models.PositiveIntegerField(default=0)
    effective = models.PositiveIntegerField(default=0)
    repeat = models.PositiveIntegerField(default=0)
    extended = models.PositiveIntegerField(default=0)
    satisfied = models.PositiveIntegerField(default=0)
    neutral = models.PositiveIntegerField(default=0)
    dissatisfied = models.PositiveIntegerField(default=0)
    typical_count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            # (a null category, the kinds other than complaints, is not held unique by it: the
            # refresh deletes and rewrites a day's rows under its lock)
            models.UniqueConstraint(fields=["day", "kind", "station", "category", "grade", "channel"],
                                    name="reports_daystat_unique_group"),
        ]
        indexes = [
            # sla_summary: the period's rows (optionally one station)
            models.Index(fields=["day", "station"], name="reports_daystat_day"),
        ]

    def __str__(self):
        return f"{self.day} {self.kind} {self.station_id} {self.category_id} {self.grade} {self.channel}"


class OpenStat(models.Model):
    """Open / at risk / breached orders per (kind, station, category, grade, channel) as of
    `StatState.refreshed_at` (any received date): the "now" tiles without scanning every open one."""

    kind = models.CharField(max_length=20, default="complaint")
    station = models.ForeignKey(SupplyStation, on_delete=models.CASCADE, related_name="+")
    category = models.ForeignKey("complaints.ComplaintCategory", on_delete=models.CASCADE, related_name="+",
                                 null=True)
    grade = models.CharField(max_length=1)
    channel = models.CharField(max_length=20)
    open = models.PositiveIntegerField(default=0)
    at_risk = models.PositiveIntegerField(default=0)
    breached_now = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.kind} {self.station_id} {self.category_id} {self.grade} {self.channel}: {self.open}"


class StatState(models.Model):
    """When the pre-aggregated rows were last refreshed, and which days then had open complaints
    (their figures still move, so the next refresh rebuilds them)."""

    key = models.CharField(max_length=20, unique=True, default="complaints")
    refreshed_at = models.DateTimeField()
    open_days = models.JSONField(default=list)

    def __str__(self):
        return f"{self.key} @ {self.refreshed_at}"


class ExportRecord(models.Model):
    """Who exported what, and when (SPEC §13: exports carry personal data). Written by every
    download of a report as XLSX or CSV; read in admin."""

    created_at = models.DateTimeField(_("exported at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    username = models.CharField(_("username"), max_length=150)  # kept when the user is deleted
    what = models.CharField(_("what"), max_length=200)
    report = models.ForeignKey(ReportSnapshot, verbose_name=_("report"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="exports")
    format = models.CharField(_("format"), max_length=10)
    address = models.GenericIPAddressField(_("client address"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("export record")
        verbose_name_plural = _("export records")

    def __str__(self):
        return f"{self.username} {self.what} {self.format}"
