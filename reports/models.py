"""Stored report snapshots (日统计、周通报、月督导) and the staff-assessment penalty table."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from customers.models import TimeStamped


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
