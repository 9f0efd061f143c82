"""Outage incidents (停电事件, SPEC §12): one outage, its scope (lines and transformer areas, and so
the customers behind them), its estimated restore time with every change, its timeline, the orders
linked to it, the SMS its customers are sent, and the frequent-outage warnings.

The notice deadline (`notice_*` columns) is declared in outages/lifecycle.py and kept as rows of
clock.Deadline by the services (clock.engine.sync); the SLA sweep reads only those rows.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.choices import NotificationStatus
from core.models import TimeStamped
from customers.models import Customer, Line, SupplyStation, TransformerArea
from servicecenter.append_only import append_only

from .choices import FrequentThreshold, LinkSubject, OutageKind, OutageStatus, SmsKind
from .lifecycle import OUTAGE


class Outage(TimeStamped):
    """An outage: kind, scope, cause, status, times, the repair work order, customer-hours."""

    number = models.CharField(_("number"), max_length=20, unique=True)
    kind = models.CharField(pgettext_lazy("outage", "kind"), max_length=10, choices=OutageKind.choices)
    status = models.CharField(_("status"), max_length=12, choices=OutageStatus.choices,
                              default=OutageStatus.ANNOUNCED)
    station = models.ForeignKey(SupplyStation, verbose_name=_("station"), on_delete=models.PROTECT,
                                related_name="outages", db_index=False)  # led by outages_o_station_status
    cause = models.CharField(_("cause"), max_length=200)
    # the scope as customers read it ("10kV东风01线等3处"): the SMS, intake and the public page show it
    # without reading the scope's tables
    scope_name = models.CharField(_("scope"), max_length=200, blank=True, default="")
    lines = models.ManyToManyField(Line, through="OutageLine", related_name="outages", blank=True)
    areas = models.ManyToManyField(TransformerArea, through="OutageArea", related_name="outages", blank=True)
    planned_start = models.DateTimeField(_("planned start"), null=True, blank=True)
    started_at = models.DateTimeField(_("power off at"), null=True, blank=True)
    estimated_restore_at = models.DateTimeField(_("estimated restore"), null=True, blank=True)
    restored_at = models.DateTimeField(_("restored at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    # when the customers were first told (the announcement SMS written)
    announced_at = models.DateTimeField(_("announced at"), null=True, blank=True)
    work_order = models.ForeignKey("workorders.WorkOrder", verbose_name=_("repair work order"), null=True,
                                   blank=True, on_delete=models.PROTECT, related_name="outages")
    customers_affected = models.PositiveIntegerField(_("customers affected"), default=0)
    # 时户数: customers x hours without power, set at restore
    customer_hours = models.DecimalField(_("customer-hours"), max_digits=14, decimal_places=2, null=True,
                                         blank=True)
    result = models.TextField(_("result"), blank=True, default="")
    cancel_reason = models.CharField(_("cancel reason"), max_length=500, blank=True, default="")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="created_outages")
    version = models.PositiveIntegerField(default=1)
    # the notice deadline (outages/lifecycle.py): planned_start - 168 h (planned), - 24 h
    # (temporary with important users in scope); met when the notice went out in time
    notice_due_at = models.DateTimeField(_("notice deadline"), null=True, blank=True)
    notice_warn_at = models.DateTimeField(_("notice warning from"), null=True, blank=True)
    notice_breached = models.BooleanField(_("notice breached"), default=False)
    notice_met_at = models.DateTimeField(_("notice given in time at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("outage")
        verbose_name_plural = _("outages")
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=OutageKind.values), name="outages_outage_kind_valid"),
            models.CheckConstraint(condition=Q(status__in=OutageStatus.values), name="outages_outage_status_valid"),
        ]
        indexes = [
            # the list's ordering
            models.Index(fields=["-created_at", "-id"], name="outages_o_created"),
            # the station's outages by status (list filter, the board, the station scope)
            models.Index(fields=["station", "status"], name="outages_o_station_status"),
            # the public page: coming / in progress / restored in the last two days
            models.Index(fields=["status", "restored_at"], name="outages_o_status_restored"),
            # the notice deadline while it runs (the declaration's condition: test_declarations)
            models.Index(fields=["notice_due_at"], name="outages_o_notice_running",
                         condition=OUTAGE.running_q("notice")),
        ]

    def __str__(self):
        return f"{self.number} {self.get_kind_display()} {self.cause}"

    @property
    def begins_at(self):
        """When the power goes (or went) off: the actual start, else the planned one."""
        return self.started_at or self.planned_start


class OutageLine(models.Model):
    """A line (the whole feeder) in an outage's scope."""

    outage = models.ForeignKey(Outage, on_delete=models.CASCADE, related_name="scope_lines")
    line = models.ForeignKey(Line, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["outage", "line"], name="outages_outageline_unique")]
        # the frequent-outage count of a line
        indexes = [models.Index(fields=["line", "outage"], name="outages_ol_line")]

    def __str__(self):
        return f"{self.outage_id}:{self.line_id}"


class OutageArea(models.Model):
    """A transformer area in an outage's scope."""

    outage = models.ForeignKey(Outage, on_delete=models.CASCADE, related_name="scope_areas")
    area = models.ForeignKey(TransformerArea, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["outage", "area"], name="outages_outagearea_unique")]
        # the frequent-outage count of an area
        indexes = [models.Index(fields=["area", "outage"], name="outages_oa_area")]

    def __str__(self):
        return f"{self.outage_id}:{self.area_id}"


class OutageCustomer(models.Model):
    """The resolved scope: one row per customer of the outage's lines and areas (a customer on a
    line and one of its areas once), written set-based at creation (services._resolve_scope)."""

    # no index of its own on the outage (outages_outagecustomer_unique leads with it) and no
    # database-level FK checks (db_constraint=False): the rows are written set-based from the
    # customer table itself, in the outage's own transaction (services._resolve_scope), and the
    # per-row FK triggers of a 20,000-customer scope cost more at COMMIT than the rows (BENCHMARKS.md,
    # session 8); deletes go through the ORM, which cascades
    outage = models.ForeignKey(Outage, on_delete=models.CASCADE, related_name="scope_customers", db_index=False,
                               db_constraint=False)
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="+", db_index=False,
                                 db_constraint=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["outage", "customer"], name="outages_outagecustomer_unique")]
        # intake's lookup: the outages covering one customer (selectors.active_outage_for)
        indexes = [models.Index(fields=["customer", "outage"], name="outages_oc_customer")]

    def __str__(self):
        return f"{self.outage_id}:{self.customer_id}"


class EstimateChange(models.Model):
    """One change of the estimated restore time, with its reason. Append-only."""

    outage = models.ForeignKey(Outage, on_delete=models.CASCADE, related_name="estimate_changes")
    old = models.DateTimeField(_("previous estimate"), null=True, blank=True)
    new = models.DateTimeField(_("new estimate"))
    reason = models.CharField(_("reason"), max_length=500)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                           related_name="+")
    at = models.DateTimeField(_("at"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["outage", "at"], name="outages_estimate_outage")]
        triggers = append_only()

    def __str__(self):
        return f"{self.outage_id} {self.old} -> {self.new}"


class OutageEvent(models.Model):
    """Append-only timeline of an outage (core.timeline writes it). Never updated or deleted."""

    outage = models.ForeignKey(Outage, on_delete=models.CASCADE, related_name="events", db_index=False)
    at = models.DateTimeField(_("at"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    kind = models.CharField(_("what"), max_length=50)
    note = models.TextField(_("note"), blank=True, default="")
    data = models.JSONField(_("data"), default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["outage", "at", "id"], name="outages_event_timeline")]
        triggers = append_only()  # UPDATE and DELETE refused by the database (PostgreSQL)

    def __str__(self):
        return f"{self.outage_id} {self.at} {self.kind}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("OutageEvent is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("OutageEvent is append-only")


class OutageLink(TimeStamped):
    """An order linked to an outage: a complaint-table order of any kind (complaint, repair call,
    enquiry …) or a work order, by id (no foreign key into the apps below). One outage per order.

    `different_fault`: a repair call inside the outage's scope that the handler said is another
    fault (it gets its own crew). `proposed_reply`: the reply proposed at restore (complaints);
    `closed_at`: when restore closed the order (repair calls, enquiries, work orders)."""

    outage = models.ForeignKey(Outage, on_delete=models.CASCADE, related_name="links")
    subject_type = models.CharField(_("order type"), max_length=20, choices=LinkSubject.choices)
    subject_id = models.BigIntegerField(_("order id"))
    linked_at = models.DateTimeField(_("linked at"))
    linked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    different_fault = models.BooleanField(_("a different fault"), default=False)
    proposed_reply = models.TextField(_("proposed reply"), blank=True, default="")
    closed_at = models.DateTimeField(_("closed with the outage at"), null=True, blank=True)

    class Meta:
        ordering = ["linked_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["subject_type", "subject_id"], name="outages_link_one_outage"),
            models.CheckConstraint(condition=Q(subject_type__in=LinkSubject.values), name="outages_link_subject_valid"),
        ]
        # an outage's calls, in order (the board's "calls linked", restore)
        indexes = [models.Index(fields=["outage", "linked_at"], name="outages_link_outage")]

    def __str__(self):
        return f"{self.outage_id} <- {self.subject_type}:{self.subject_id}"


class CustomerSms(TimeStamped):
    """The customers' SMS outbox (customers as recipients, SPEC §12): one row per customer and
    message of an outage, written set-based (services._write_sms), delivered by core.delivery
    (registered in core.registry.outboxes: the same claim, lease, retry and quiet-hours code as
    the staff notifications). The unique key makes "one SMS per customer and message" a database
    guarantee, whoever writes it and however often."""

    # no database-level FK checks (db_constraint=False): the rows are written set-based from the
    # outage's resolved scope (services._write_sms), 20,000 at a time on a big line, and their per-row
    # FK triggers cost more at COMMIT than the rows (BENCHMARKS.md, session 8); the ORM cascades
    outage = models.ForeignKey(Outage, on_delete=models.CASCADE, related_name="sms", db_index=False,
                               db_constraint=False)
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="+", db_index=False,
                                 db_constraint=False)
    phone = models.CharField(_("phone"), max_length=20)
    kind = models.CharField(pgettext_lazy("sms", "kind"), max_length=10, choices=SmsKind.choices)
    # which message: "announce", "estimate:2", "restore", "cancel"
    message_key = models.CharField(max_length=30)
    text = models.CharField(_("text"), max_length=300)
    urgent = models.BooleanField(_("urgent (ignores quiet hours)"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=NotificationStatus.choices,
                              default=NotificationStatus.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True, default="")
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("customer SMS")
        verbose_name_plural = _("customer SMS")
        constraints = [
            models.UniqueConstraint(fields=["outage", "customer", "message_key"], name="outages_sms_once"),
        ]
        indexes = [
            # core.delivery's claim: pending rows due for an attempt
            models.Index(fields=["next_attempt_at"], name="outages_sms_pending", condition=Q(status="pending")),
            # core.delivery's claim: rows whose lease may have expired (worker killed)
            models.Index(fields=["claimed_at"], name="outages_sms_sending", condition=Q(status="sending")),
        ]

    def __str__(self):
        return f"{self.outage_id} {self.message_key} -> {self.phone}"


class FrequentOutageWarning(TimeStamped):
    """A line or transformer area that crossed a frequent-outage threshold (频繁停电): once per
    line or area, threshold and period (the unique constraints), its station head and the
    managers told once. `period`: the calendar month (YYYY-MM) of the outage that crossed it (for
    the 12-month threshold: the month in which the trailing 12 months reached 5)."""

    station = models.ForeignKey(SupplyStation, on_delete=models.PROTECT, related_name="+", db_index=False)
    line = models.ForeignKey(Line, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    area = models.ForeignKey(TransformerArea, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    threshold = models.CharField(_("threshold"), max_length=10, choices=FrequentThreshold.choices)
    period = models.CharField(_("period"), max_length=7)
    count = models.PositiveIntegerField(_("outages counted"))
    outage = models.ForeignKey(Outage, on_delete=models.CASCADE, related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(line__isnull=False, area__isnull=True)
                                   | Q(line__isnull=True, area__isnull=False), name="outages_frequent_line_or_area"),
            models.UniqueConstraint(fields=["line", "threshold", "period"], condition=Q(line__isnull=False),
                                    name="outages_frequent_line_once"),
            models.UniqueConstraint(fields=["area", "threshold", "period"], condition=Q(area__isnull=False),
                                    name="outages_frequent_area_once"),
        ]
        # the dashboard: a station's latest warnings
        indexes = [models.Index(fields=["station", "-created_at"], name="outages_frequent_station")]

    def __str__(self):
        return f"{self.line_id or self.area_id} {self.threshold} {self.period}"
