"""Complaints (投诉工单), their timeline, categories, SLA policies, the work calendar and escalations.

Deadlines are stored, indexed columns written only by the services that change what they
depend on, and kept in step as rows of clock.Deadline (clock/engine.py `sync`), which the SLA
sweep reads.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from clock.engine import LevelReached
from core.models import TimeStamped
from customers.choices import Grade
from customers.models import Customer, SupplyStation
from servicecenter.append_only import append_only

from .choices import (
    ComplaintChannel,
    ComplaintSeverity,
    ComplaintStatus,
    DeadlineKind,
    DeadlineUnit,
    EscalationLevel,
    ExtensionStatus,
    OrderKind,
    Satisfaction,
    ServiceType,
    SubjectType,
)
from .kinds import KINDS  # noqa: F401  (registers the kinds' lifecycles with the engine)
from .lifecycle import COMPLAINT

OPEN = COMPLAINT.open_statuses


class ComplaintCategory(TimeStamped):
    """Two-level taxonomy: a class (parent is null) and its items, with stable codes."""

    code = models.CharField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100, blank=True, default="")
    parent = models.ForeignKey("self", verbose_name=_("class"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="items")
    active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("complaint category")
        verbose_name_plural = _("complaint categories")

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def label(self) -> str:
        """The name in the active language: a page in English shows the English name (when set)."""
        return self.name_en if self.name_en and (get_language() or "").startswith("en") else self.name


class SlaPolicy(TimeStamped):
    """Targets for acknowledge / resolve / callback, matched on (kind, service type, severity,
    grade, channel).

    A blank match field means "any"; the most specific active policy wins (see sla.py). A target
    left empty: orders of this policy have no such deadline (an enquiry has no first contact);
    a kind that declares the deadline (complaints/kinds.py) needs a policy that sets it.
    """

    name = models.CharField(_("name"), max_length=100, unique=True)
    active = models.BooleanField(_("active"), default=True)
    kind = models.CharField(_("kind of order"), max_length=20, choices=OrderKind.choices, blank=True, default="")
    service_type = models.CharField(_("service request type"), max_length=20, choices=ServiceType.choices,
                                    blank=True, default="")
    severity = models.CharField(_("severity"), max_length=12, choices=ComplaintSeverity.choices, blank=True,
                                default="")
    grade = models.CharField(_("grade"), max_length=1, choices=Grade.choices, blank=True, default="")
    channel = models.CharField(_("channel"), max_length=20, choices=ComplaintChannel.choices, blank=True,
                               default="")
    priority = models.IntegerField(_("priority among equally specific policies"), default=0)
    ack_amount = models.PositiveIntegerField(_("acknowledge within"), null=True, blank=True)
    ack_unit = models.CharField(_("unit"), max_length=10, choices=DeadlineUnit.choices, default=DeadlineUnit.HOURS)
    resolve_amount = models.PositiveIntegerField(_("resolve within"), null=True, blank=True)
    resolve_unit = models.CharField(_("unit"), max_length=10, choices=DeadlineUnit.choices,
                                    default=DeadlineUnit.WORKDAYS)
    # 派单: a handler has the order within this many calendar minutes of receipt (SPEC §4)
    assign_minutes = models.PositiveIntegerField(_("assign within (minutes)"), default=20)
    # a manager reviews a significant / major / special complaint within this many minutes (SPEC §11)
    review_minutes = models.PositiveIntegerField(_("review within (minutes)"), default=15, blank=True)
    callback_amount = models.PositiveIntegerField(_("call back within"), null=True, blank=True)
    callback_unit = models.CharField(_("unit"), max_length=10, choices=DeadlineUnit.choices,
                                     default=DeadlineUnit.WORKDAYS)
    warning_fraction = models.DecimalField(_("warning fraction"), max_digits=3, decimal_places=2, default=0.75)

    class Meta:
        ordering = ["name"]
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")
        constraints = [
            models.CheckConstraint(condition=Q(warning_fraction__gt=0, warning_fraction__lt=1),
                                   name="complaints_slapolicy_warning_fraction"),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        from django.core.exceptions import ValidationError

        from .sla import MAX_RESOLVE_HOURS, MAX_RESOLVE_WORKDAYS, resolve_ceiling_error

        if self.review_minutes is None:  # left empty in the form: the default (15 minutes)
            self.review_minutes = 15
        if self.resolve_amount is not None and resolve_ceiling_error(self.resolve_amount, self.resolve_unit):
            raise ValidationError({"resolve_amount": _(
                "No policy may allow more than %(workdays)s working days (%(hours)s calendar hours) to resolve "
                "a complaint: that is the regulation's ceiling (《供电监管办法》).") % {
                    "workdays": MAX_RESOLVE_WORKDAYS, "hours": MAX_RESOLVE_HOURS}})

    def targets(self, kinds=("ack", "resolve", "callback", "assign")) -> dict:
        """The targets an order records at intake (later edits of the policy move nothing): those
        of the deadline kinds given (its kind's) that the policy sets."""
        amounts = {"ack": [self.ack_amount, self.ack_unit], "resolve": [self.resolve_amount, self.resolve_unit],
                   "callback": [self.callback_amount, self.callback_unit], "assign": [self.assign_minutes, "minutes"],
                   "review": [self.review_minutes, "minutes"]}
        return {"policy": self.name,
                **{k: amounts[k] for k in ("ack", "resolve", "callback", "assign", "review")
                   if k in kinds and amounts[k][0] is not None},
                "warning_fraction": str(self.warning_fraction)}


class ComplaintManager(models.Manager):
    """`Complaint.objects`: complaints only (the `complaint` kind): /complaints/ and
    /api/v1/complaints/ are what they were. `Complaint.all_kinds` (the base manager) and
    `tickets.Ticket.objects` see every kind."""

    def get_queryset(self):
        return super().get_queryset().filter(kind=OrderKind.COMPLAINT)


class Complaint(TimeStamped):
    """An order (工单) of any 95598 kind from receipt to close; `kind` says which (SPEC §11, the
    kinds declared in complaints/kinds.py). The `complaint` kind is the complaint (投诉工单)."""

    number = models.CharField(_("number"), max_length=20)  # unique: Meta.constraints
    kind = models.CharField(_("kind"), max_length=20, choices=OrderKind.choices, default=OrderKind.COMPLAINT)
    # a service request's sub-type (服务申请), blank for other kinds
    service_type = models.CharField(_("service request type"), max_length=20, choices=ServiceType.choices,
                                    blank=True, default="")
    # an enquiry's answer (咨询), given on the spot or later
    answer = models.TextField(_("answer"), blank=True, default="")
    # a repair call: is the fault inside the customer's own installation? (then guidance by phone)
    inside_installation = models.BooleanField(_("fault inside the customer's installation"), null=True, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True, default="")
    channel = models.CharField(_("channel"), max_length=20, choices=ComplaintChannel.choices)
    customer = models.ForeignKey(Customer, verbose_name=_("customer"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="complaints",
                                 db_index=False)  # led by complaints_c_customer
    complainant_name = models.CharField(_("complainant name"), max_length=100, blank=True, default="")
    complainant_phone = models.CharField(_("complainant phone"), max_length=20, blank=True, default="")
    anonymous = models.BooleanField(_("anonymous"), default=False)
    # required for complaints only (complaints_complaint_category_required)
    category = models.ForeignKey(ComplaintCategory, verbose_name=_("category"), on_delete=models.PROTECT, null=True,
                                 blank=True, related_name="complaints", db_index=False)  # led by complaints_c_category
    severity = models.CharField(_("severity"), max_length=12, choices=ComplaintSeverity.choices,
                                default=ComplaintSeverity.NORMAL)
    description = models.TextField(_("description"), max_length=5000)
    received_at = models.DateTimeField(_("received at"))
    station = models.ForeignKey(SupplyStation, verbose_name=_("station"), on_delete=models.PROTECT,
                                related_name="complaints", db_index=False)  # led by complaints_c_station_status
    handler = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("handler"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="handled_complaints",
                                db_index=False)  # led by complaints_c_handler
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("received by"), null=True,
                                    blank=True, on_delete=models.PROTECT, related_name="received_complaints",
                                    db_index=False)  # never read by it; an index costs every write
    status = models.CharField(_("status"), max_length=20, choices=ComplaintStatus.choices,
                              default=ComplaintStatus.RECEIVED)
    grade_at_intake = models.CharField(_("grade at intake"), max_length=1, choices=Grade.choices, default=Grade.C)
    sla_policy = models.ForeignKey(SlaPolicy, verbose_name=_("SLA policy"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="complaints")
    # The targets used at intake, copied from the policy (later policy edits move nothing).
    sla_targets = models.JSONField(_("SLA targets used"), default=dict, blank=True)
    warning_fraction = models.DecimalField(max_digits=3, decimal_places=2, default=0.75)

    ack_due_at = models.DateTimeField(_("acknowledge by"), null=True, blank=True)
    resolve_due_at = models.DateTimeField(_("resolve by"), null=True, blank=True)
    callback_due_at = models.DateTimeField(_("call back by"), null=True, blank=True)
    # When the current resolve clock started (intake, or the reopen): the warning fraction is
    # measured from here.
    resolve_started_at = models.DateTimeField(null=True, blank=True)
    original_resolve_due_at = models.DateTimeField(_("original resolve deadline"), null=True, blank=True)
    # When each open deadline enters its warning zone (start + warning_fraction of the time to
    # the deadline): written with the deadline, so `at_risk` is a plain indexed comparison.
    ack_warn_at = models.DateTimeField(_("acknowledge warning from"), null=True, blank=True)
    resolve_warn_at = models.DateTimeField(_("resolve warning from"), null=True, blank=True)
    callback_warn_at = models.DateTimeField(_("callback warning from"), null=True, blank=True)
    ack_breached = models.BooleanField(_("acknowledge breached"), default=False)
    resolve_breached = models.BooleanField(_("resolve breached"), default=False)
    callback_breached = models.BooleanField(_("callback breached"), default=False)
    # 派单: until a handler has it (SPEC §4); null for complaints taken in before the rule
    assign_due_at = models.DateTimeField(_("assign by"), null=True, blank=True)
    assign_warn_at = models.DateTimeField(_("assign warning from"), null=True, blank=True)
    assign_breached = models.BooleanField(_("assign breached"), default=False)
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True)
    # a manager's review (significant / major / special, SPEC §11); null for the others
    review_due_at = models.DateTimeField(_("review by"), null=True, blank=True)
    review_warn_at = models.DateTimeField(_("review warning from"), null=True, blank=True)
    review_breached = models.BooleanField(_("review breached"), default=False)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)

    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    callback_at = models.DateTimeField(_("called back at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    paused_at = models.DateTimeField(_("paused since"), null=True, blank=True)
    status_before_pause = models.CharField(max_length=20, blank=True, default="")

    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("resolved by"), null=True,
                                    blank=True, on_delete=models.PROTECT, related_name="resolved_complaints",
                                    db_index=False)  # never read by it; an index costs every write
    close_reason = models.CharField(_("reason for closing"), max_length=500, blank=True, default="")
    resolution = models.TextField(_("resolution (the reply)"), blank=True, default="")
    verified = models.BooleanField(_("verified (属实)"), null=True, blank=True)
    utility_responsible = models.BooleanField(_("utility responsible"), null=True, blank=True)
    satisfaction = models.CharField(_("satisfaction"), max_length=20, choices=Satisfaction.choices, blank=True,
                                    default="")
    reopen_count = models.PositiveIntegerField(_("times reopened"), default=0)
    urge_count = models.PositiveIntegerField(_("times urged"), default=0)
    repeat_of = models.ForeignKey("self", verbose_name=_("repeat of"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="repeats")
    typical = models.BooleanField(_("typical case (for reports)"), default=False)
    # 退单 (SPEC §11): returned by the station, waiting for the service center to send it on
    returned_at = models.DateTimeField(_("returned by the station at"), null=True, blank=True)
    return_reason = models.CharField(_("reason for the return"), max_length=500, blank=True, default="")
    # 服务终止: closed by a manager beyond the rules; counted apart in statistics (reason: close_reason)
    terminated_at = models.DateTimeField(_("service terminated at"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    objects = ComplaintManager()
    all_kinds = models.Manager()

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        # related lookups (an event's order, an escalation's), the engine and the sweep see every kind
        base_manager_name = "all_kinds"
        constraints = [
            # a constraint rather than unique=True: the same unique index, without the extra
            # LIKE-pattern index PostgreSQL would get (numbers are looked up whole)
            models.UniqueConstraint(fields=["number"], name="complaints_complaint_number_unique"),
            models.CheckConstraint(condition=Q(status__in=ComplaintStatus.values),
                                   name="complaints_complaint_status_valid"),
            models.CheckConstraint(condition=Q(channel__in=ComplaintChannel.values),
                                   name="complaints_complaint_channel_valid"),
            models.CheckConstraint(condition=Q(severity__in=ComplaintSeverity.values),
                                   name="complaints_complaint_severity_valid"),
            models.CheckConstraint(condition=Q(kind__in=OrderKind.values), name="complaints_complaint_kind_valid"),
            models.CheckConstraint(condition=Q(service_type__in=["", *ServiceType.values]),
                                   name="complaints_complaint_service_type_valid"),
            # a complaint is classified (the 4-class / 17-item taxonomy); other kinds may be
            models.CheckConstraint(condition=~Q(kind=OrderKind.COMPLAINT) | Q(category__isnull=False),
                                   name="complaints_complaint_category_required"),
        ]
        indexes = [
            # list default ordering and received_after/received_before filters
            models.Index(fields=["-received_at", "-id"], name="complaints_c_received"),
            # every list of one kind (Complaint.objects: kind = complaint; the tickets' kind filter)
            models.Index(fields=["kind", "-received_at", "-id"], name="complaints_c_kind"),
            # list filter status + station (the most common page: "my station's open ones")
            models.Index(fields=["station", "status", "-received_at"], name="complaints_c_station_status"),
            # the orders of every kind (/api/v1/tickets/, /tickets/): the list's COUNT(*) by station and
            # kind (a handler's every list is by station), with the status and a service request's
            # type as further keys. Narrow and low in distinct keys (3 x 8 x 5 x 6), so PostgreSQL's
            # deduplication keeps it at ~7 MB for 1,000,000 orders and the counts are index-only
            # scans (BENCHMARKS.md, issue 13). Its columns are indexed already, or never updated
            # (service_type): the sweep's breach-flag updates stay HOT.
            models.Index(fields=["station", "kind", "status", "service_type"], name="complaints_c_station_kind"),
            models.Index(fields=["category", "-received_at"], name="complaints_c_category"),
            models.Index(fields=["channel", "-received_at"], name="complaints_c_channel"),
            models.Index(fields=["grade_at_intake", "-received_at"], name="complaints_c_grade"),
            models.Index(fields=["handler", "status"], name="complaints_c_handler"),
            # repeat detection: same customer / phone within 30 days
            models.Index(fields=["customer", "-received_at"], name="complaints_c_customer"),
            models.Index(fields=["complainant_phone", "-received_at"], name="complaints_c_phone"),
            # at_risk/breached filters, the dashboard and the work list: running deadlines only
            # (partial and led by the deadline; the condition is the lifecycle's, complaints/lifecycle.py,
            # and tests/clock/test_declarations.py fails if the two disagree). The sweep reads the
            # deadline rows (clock.Deadline), not these.
            models.Index(fields=["ack_due_at"], name="complaints_c_ack_running", condition=COMPLAINT.running_q("ack")),
            models.Index(fields=["ack_warn_at"], name="complaints_c_ack_warnrun",
                         condition=COMPLAINT.running_q("ack")),
            models.Index(fields=["resolve_due_at"], name="complaints_c_resolve_running",
                         condition=COMPLAINT.running_q("resolve")),
            models.Index(fields=["resolve_warn_at"], name="complaints_c_resolve_warnrun",
                         condition=COMPLAINT.running_q("resolve")),
            models.Index(fields=["callback_due_at"], name="complaints_c_callback_running",
                         condition=COMPLAINT.running_q("callback")),
            models.Index(fields=["callback_warn_at"], name="complaints_c_callback_warnrun",
                         condition=COMPLAINT.running_q("callback")),
            models.Index(fields=["assign_due_at"], name="complaints_c_assign_running",
                         condition=COMPLAINT.running_q("assign")),
            models.Index(fields=["assign_warn_at"], name="complaints_c_assign_warnrun",
                         condition=COMPLAINT.running_q("assign")),
            models.Index(fields=["review_due_at"], name="complaints_c_review_running",
                         condition=COMPLAINT.running_q("review")),
            models.Index(fields=["review_warn_at"], name="complaints_c_review_warnrun",
                         condition=COMPLAINT.running_q("review")),
        ]

    def __str__(self):
        return self.number

    # The escalation level each deadline has reached (0 none, 1 warning, 2 breached, 3 severe) is
    # the sweep's record on the deadline row (clock.Deadline.level); read here for one complaint.
    ack_level = LevelReached("ack")
    resolve_level = LevelReached("resolve")
    callback_level = LevelReached("callback")


class PauseSegment(TimeStamped):
    """One pause of a complaint's clock (start, end, reason, who): the clock can be replayed."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="pauses")
    started_at = models.DateTimeField(_("paused at"))
    ended_at = models.DateTimeField(_("resumed at"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=500)
    paused_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    resumed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")

    class Meta:
        ordering = ["started_at"]
        constraints = [
            # at most one open pause per complaint
            models.UniqueConstraint(fields=["complaint"], condition=Q(ended_at__isnull=True),
                                    name="complaints_pause_one_open"),
        ]

    def __str__(self):
        return f"{self.complaint_id} {self.started_at}–{self.ended_at or '…'}"


class ComplaintEvent(models.Model):
    """Append-only timeline of a complaint. Never updated or deleted."""

    # no index of its own: complaints_event_timeline (complaint, at, id) leads with it
    # no database-level FK check (db_constraint=False): a complaint is never deleted (the admin
    # refuses it, no service does it) and the sweep writes ~20,000 events at an end-of-day
    # instant, whose per-row FK triggers cost more at COMMIT than the rows (BENCHMARKS.md)
    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="events", db_index=False,
                                  db_constraint=False)
    at = models.DateTimeField(_("at"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, db_index=False,
                              related_name="+")
    kind = models.CharField(_("what"), max_length=50)
    note = models.TextField(_("note"), blank=True, default="")
    data = models.JSONField(_("data"), default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["complaint", "at", "id"], name="complaints_event_timeline"),
            # only for PROTECT when a user is deleted: the events without an actor (the sweep's,
            # ~20,000 at an end-of-day instant) are not in it
            models.Index(fields=["actor"], name="complaints_event_actor", condition=Q(actor__isnull=False)),
        ]
        triggers = append_only()  # UPDATE and DELETE refused by the database (PostgreSQL)

    def __str__(self):
        return f"{self.complaint_id} {self.at} {self.kind}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.pop("_allow_update", False):
            raise ValueError("ComplaintEvent is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("ComplaintEvent is append-only")


class ExtensionRequest(TimeStamped):
    """A handler's request for a later resolve deadline, decided by a manager."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="extension_requests")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_due_at = models.DateTimeField(_("requested deadline"))
    reason = models.TextField(_("reason"))
    status = models.CharField(_("status"), max_length=10, choices=ExtensionStatus.choices,
                              default=ExtensionStatus.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    approved_due_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("extension request")
        verbose_name_plural = _("extension requests")
        constraints = [
            models.UniqueConstraint(fields=["complaint"], condition=Q(status="pending"),
                                    name="complaints_extension_one_pending"),
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="complaints_ext_pending")]

    def __str__(self):
        return f"{self.complaint_id} → {self.requested_due_at} ({self.status})"


class Escalation(TimeStamped):
    """One row per (object, deadline kind, level): the database makes escalation idempotent.

    `subject_type`/`subject_id` name a complaint or a work order (work orders live in a higher
    app, so they are referenced by id); `complaint` is set for complaint escalations.
    """

    subject_type = models.CharField(max_length=20, choices=SubjectType.choices)
    subject_id = models.BigIntegerField()
    # `complaint` (a complaint's own escalations) and `station` repeat what the deadline row the
    # sweep wrote them from names (subject, station), like `subject_id` of a work order, which has
    # no FK at all: no database-level FK checks (db_constraint=False). They were two per-row
    # triggers per escalation at COMMIT, more than the row's own insert at an end-of-day instant
    # (BENCHMARKS.md); complaints and stations are never deleted (PROTECT, admin refuses).
    complaint = models.ForeignKey(Complaint, null=True, blank=True, on_delete=models.CASCADE,
                                  related_name="escalations", db_constraint=False)
    # no index of its own: complaints_esc_station (station, -created_at) leads with it
    station = models.ForeignKey(SupplyStation, on_delete=models.PROTECT, related_name="escalations", db_index=False,
                                db_constraint=False)
    kind = models.CharField(max_length=10, choices=DeadlineKind.choices)
    # Which run of the deadline: a reopened complaint gets a new resolve (and callback) clock,
    # which escalates again (cycle = the complaint's reopen_count at the time).
    cycle = models.PositiveSmallIntegerField(default=0, db_default=0)
    level = models.PositiveSmallIntegerField(choices=EscalationLevel.choices)
    due_at = models.DateTimeField(_("deadline"))
    reason = models.CharField(max_length=200, blank=True, default="")
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                        related_name="+", db_index=False)
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-level", "-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["subject_type", "subject_id", "kind", "cycle", "level"],
                                    name="complaints_escalation_unique_level"),
        ]
        indexes = [
            # the manager's escalation inbox: unacknowledged, newest severe first
            models.Index(fields=["-level", "-created_at"], name="complaints_esc_inbox",
                         condition=Q(acknowledged_at__isnull=True)),
            models.Index(fields=["station", "-created_at"], name="complaints_esc_station"),
            # only for PROTECT when a user is deleted: a new escalation has no acknowledger yet
            models.Index(fields=["acknowledged_by"], name="complaints_esc_acknowledger",
                         condition=Q(acknowledged_by__isnull=False)),
        ]
        # Append-only in the database; only the one acknowledgement (acknowledged_at and _by,
        # while acknowledged_at is NULL) may be written into an existing row.
        triggers = append_only(mutable_once=("acknowledged_at", "acknowledged_by_id"))

    def __str__(self):
        return f"{self.subject_type}:{self.subject_id} {self.kind} L{self.level}"
