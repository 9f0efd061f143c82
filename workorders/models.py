"""Crews, field work orders (工单), their append-only events, photos and idempotency keys.

Deadlines are stored, indexed columns written only by the services (see services.py); the
deadline sweep (`workorders/sweep.py`, run by `enforce_sla`) reads them through the partial
indexes below.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from clock.engine import LevelReached
from core.models import TimeStamped
from customers.choices import AreaType
from customers.models import Customer, SupplyStation
from servicecenter.append_only import append_only

from .choices import WorkOrderKind, WorkOrderPriority, WorkOrderStatus
from .lifecycle import WORK_ORDER


class Crew(TimeStamped):
    """A field crew (抢修班组) of a supply station: its members see the crew's work orders."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    station = models.ForeignKey(SupplyStation, verbose_name=_("station"), on_delete=models.PROTECT,
                                related_name="crews")
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("members"), blank=True,
                                     related_name="crews")
    leader = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("leader"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="led_crews")
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("crew")
        verbose_name_plural = _("crews")
        indexes = [
            # dispatch form: the active crews of a station
            models.Index(fields=["station", "name"], name="workorders_crew_station"),
        ]

    def __str__(self):
        return self.name


def photo_upload_to(instance, filename):
    # The name the client sent is not trusted: the service picks the extension from the content.
    return f"workorders/{instance.work_order.number}/{filename}"


class WorkOrder(TimeStamped):
    """A field work order (工单): repair, survey, meter check or safety inspection.

    `version` is bumped by every write (guarded UPDATE ... WHERE version = N), so two tablets
    never overwrite each other.
    """

    number = models.CharField(_("number"), max_length=20)  # unique: Meta.constraints (no LIKE index)
    kind = models.CharField(_("kind"), max_length=20, choices=WorkOrderKind.choices, default=WorkOrderKind.REPAIR)
    complaint = models.ForeignKey("complaints.Complaint", verbose_name=_("complaint"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="work_orders")
    customer = models.ForeignKey(Customer, verbose_name=_("customer"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="work_orders",
                                 db_index=False)  # led by workorders_wo_customer
    contact_name = models.CharField(_("contact name"), max_length=100, blank=True, default="")
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True, default="")
    address = models.CharField(_("address"), max_length=300, blank=True, default="")
    description = models.TextField(_("description"), max_length=5000, blank=True, default="")
    area_type = models.CharField(_("area type"), max_length=10, choices=AreaType.choices, default=AreaType.URBAN)
    priority = models.PositiveSmallIntegerField(_("priority"), choices=WorkOrderPriority.choices,
                                                default=WorkOrderPriority.NORMAL)
    station = models.ForeignKey(SupplyStation, verbose_name=_("station"), on_delete=models.PROTECT,
                                related_name="work_orders", db_index=False)  # led by workorders_wo_station_status
    crew = models.ForeignKey(Crew, verbose_name=_("crew"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="work_orders", db_index=False)  # led by workorders_wo_crew_status
    status = models.CharField(_("status"), max_length=20, choices=WorkOrderStatus.choices,
                              default=WorkOrderStatus.CREATED)

    # Deadlines (SPEC §4). Repairs: arrival target (warning) and ceiling (breach) from creation,
    # restore deadline set on arrival. Other kinds: one due date set at creation.
    arrive_target_at = models.DateTimeField(_("arrival target"), null=True, blank=True)
    arrive_due_at = models.DateTimeField(_("arrival deadline"), null=True, blank=True)
    restore_due_at = models.DateTimeField(_("restore deadline"), null=True, blank=True)
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    # When level 1 (warning) is due: the arrival target, or 0.75 of the ceiling where target and
    # ceiling are equal (grade A / important users); 0.75 of the restore time after arrival.
    arrive_warn_at = models.DateTimeField(_("arrival warning from"), null=True, blank=True)
    restore_warn_at = models.DateTimeField(_("restore warning from"), null=True, blank=True)
    arrive_breached = models.BooleanField(_("arrival breached"), default=False)
    restore_breached = models.BooleanField(_("restore breached"), default=False)
    grade_at_creation = models.CharField(_("customer grade at creation"), max_length=1, blank=True, default="")

    # Server times of each step, and the client's own clock beside them when it sent one.
    dispatched_at = models.DateTimeField(_("dispatched at"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    departed_at = models.DateTimeField(_("departed at"), null=True, blank=True)
    arrived_at = models.DateTimeField(_("arrived at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    client_dispatched_at = models.DateTimeField(null=True, blank=True)
    client_accepted_at = models.DateTimeField(null=True, blank=True)
    client_departed_at = models.DateTimeField(null=True, blank=True)
    client_arrived_at = models.DateTimeField(null=True, blank=True)
    client_completed_at = models.DateTimeField(null=True, blank=True)
    client_cancelled_at = models.DateTimeField(null=True, blank=True)

    delay_reason = models.CharField(_("delay reason"), max_length=500, blank=True, default="")
    customer_informed = models.BooleanField(_("customer told of the delay"), null=True, blank=True)
    notes = models.TextField(_("notes"), max_length=5000, blank=True, default="")
    cancel_reason = models.CharField(_("cancel reason"), max_length=500, blank=True, default="")
    arrival_lat = models.DecimalField(_("arrival latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    arrival_lng = models.DecimalField(_("arrival longitude"), max_digits=9, decimal_places=6, null=True,
                                      blank=True)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="created_work_orders",
                                   db_index=False)  # never read by it; an index costs every step

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("work order")
        verbose_name_plural = _("work orders")
        constraints = [
            models.UniqueConstraint(fields=["number"], name="workorders_workorder_number_unique"),
            models.CheckConstraint(condition=Q(status__in=WorkOrderStatus.values),
                                   name="workorders_workorder_status_valid"),
            models.CheckConstraint(condition=Q(kind__in=WorkOrderKind.values),
                                   name="workorders_workorder_kind_valid"),
            models.CheckConstraint(condition=Q(area_type__in=AreaType.values),
                                   name="workorders_workorder_area_valid"),
        ]
        indexes = [
            # list default ordering
            models.Index(fields=["-created_at", "-id"], name="workorders_wo_created"),
            # list filters status / station / kind (dispatcher page: "my station's open ones")
            models.Index(fields=["station", "status", "-created_at"], name="workorders_wo_station_status"),
            models.Index(fields=["status", "-created_at"], name="workorders_wo_status"),
            models.Index(fields=["kind", "-created_at"], name="workorders_wo_kind"),
            # crew filter and /crew/: the crew's open orders
            models.Index(fields=["crew", "status"], name="workorders_wo_crew_status"),
            # customer card panel: the customer's orders
            models.Index(fields=["customer", "-created_at"], name="workorders_wo_customer"),
            # `overdue` filter and the work lists: running deadlines (the lifecycle's condition,
            # workorders/lifecycle.py); the sweep reads the deadline rows (clock.Deadline)
            models.Index(fields=["arrive_due_at"], name="workorders_wo_arrive_run",
                         condition=WORK_ORDER.running_q("arrive")),
            models.Index(fields=["restore_due_at"], name="workorders_wo_restore_run",
                         condition=WORK_ORDER.running_q("restore")),
            # `overdue` filter for non-repair kinds: open orders past their due date
            models.Index(fields=["due_at"], name="workorders_wo_due_open",
                         condition=Q(status__in=WORK_ORDER.open_statuses)),
        ]

    def __str__(self):
        return self.number

    # the escalation level each deadline reached: the sweep's record on the deadline row
    arrive_level = LevelReached("arrive")
    restore_level = LevelReached("restore")


class WorkOrderEvent(models.Model):
    """Append-only history of a work order: who did what, when (server and client time)."""

    # no index of its own: workorders_event_timeline (work_order, at, id) leads with it
    work_order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="events", db_index=False)
    at = models.DateTimeField(_("at"))
    client_at = models.DateTimeField(_("client time"), null=True, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    kind = models.CharField(_("what"), max_length=50)
    from_status = models.CharField(max_length=20, blank=True, default="")
    to_status = models.CharField(max_length=20, blank=True, default="")
    note = models.TextField(_("note"), blank=True, default="")
    data = models.JSONField(_("data"), default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("work order event")
        verbose_name_plural = _("work order events")
        indexes = [models.Index(fields=["work_order", "at", "id"], name="workorders_event_timeline")]
        triggers = append_only()  # UPDATE and DELETE refused by the database (PostgreSQL)

    def __str__(self):
        return f"{self.work_order_id} {self.at} {self.kind}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("WorkOrderEvent is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("WorkOrderEvent is append-only")


class WorkOrderPhoto(TimeStamped):
    """A photo taken on site (JPEG/PNG/HEIC, checked by content), stored through Django's storage."""

    work_order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(_("file"), upload_to=photo_upload_to, max_length=300)
    content_type = models.CharField(max_length=30)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    original_name = models.CharField(max_length=200, blank=True, default="")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    client_at = models.DateTimeField(_("client time"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("work order photo")
        verbose_name_plural = _("work order photos")
        indexes = [models.Index(fields=["work_order", "created_at"], name="workorders_photo_order")]

    def __str__(self):
        return f"{self.work_order_id} {self.file.name}"


class IdempotencyKey(models.Model):
    """The first answer to a request carrying an `Idempotency-Key` header, per user.

    Written in the same transaction as the change, so a replay (the tablet lost the answer)
    gets the stored answer and the change happens once.
    """

    key = models.CharField(max_length=100)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    endpoint = models.CharField(max_length=200)
    response_status = models.PositiveSmallIntegerField()
    response_body = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="workorders_idempotency_unique_key"),
        ]
        indexes = [
            # purge of old keys
            models.Index(fields=["created_at"], name="workorders_idem_created"),
        ]

    def __str__(self):
        return f"{self.user_id} {self.key} {self.endpoint}"
