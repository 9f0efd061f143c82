from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Prefetch, QuerySet, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from clock.api import DeadlinesField
from clock.engine import deadlines_annotation
from customers.api.fields import ScopedCustomerField
from customers.models import SupplyStation
from customers.privacy import MaskedPhones
from servicecenter.api import FieldsBuiltOnce
from servicecenter.inputs import DateTimeField, FiniteFloatField

from ..choices import WorkOrderKind, WorkOrderPriority
from ..lifecycle import CREW_NEXT_ACTION, WORK_ORDER, allowed_actions
from ..models import Crew, WorkOrder, WorkOrderEvent, WorkOrderPhoto

User = get_user_model()


class CrewSerializer(serializers.ModelSerializer):
    station = serializers.SlugRelatedField(slug_field="code", queryset=SupplyStation.objects.all())
    members = serializers.SlugRelatedField(slug_field="username", many=True, queryset=User.objects.all(),
                                           required=False)
    leader = serializers.SlugRelatedField(slug_field="username", queryset=User.objects.all(), required=False,
                                          allow_null=True)

    class Meta:
        model = Crew
        fields = ["id", "name", "station", "members", "leader", "active", "created_at", "updated_at"]
        read_only_fields = ["id", "created_at", "updated_at"]


class WorkOrderPhotoSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    uploaded_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = WorkOrderPhoto
        fields = ["id", "url", "content_type", "size", "sha256", "uploaded_by", "created_at", "client_at"]

    def get_url(self, obj) -> str:
        return f"/work-orders/{obj.work_order.number}/photos/{obj.pk}/"


class WorkOrderEventSerializer(serializers.ModelSerializer):
    actor = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = WorkOrderEvent
        fields = ["id", "at", "client_at", "actor", "kind", "from_status", "to_status", "note", "data"]


DEADLINE_FIELDS = [
    "arrive_target_at", "arrive_due_at", "restore_due_at", "due_at", "current_due_at",
    "arrive_breached", "restore_breached",
]
STEP_FIELDS = [
    "dispatched_at", "accepted_at", "departed_at", "arrived_at", "completed_at", "cancelled_at",
    "client_dispatched_at", "client_accepted_at", "client_departed_at", "client_arrived_at",
    "client_completed_at", "client_cancelled_at",
]


class WorkOrderCrewSerializer(MaskedPhones, FieldsBuiltOnce, serializers.ModelSerializer):
    """What a crew member sees: the job, and of the customer only name, address and phone."""

    phone_fields = ("customer_phone", "contact_phone")

    station = serializers.SlugRelatedField(slug_field="code", read_only=True)
    crew = serializers.SlugRelatedField(slug_field="name", read_only=True)
    customer_name = serializers.SerializerMethodField()
    customer_phone = serializers.SerializerMethodField()
    complaint_number = serializers.SerializerMethodField()
    complaint_summary = serializers.SerializerMethodField()
    current_due_at = serializers.DateTimeField(read_only=True, allow_null=True, default=None)
    allowed_actions = serializers.SerializerMethodField()
    next_action = serializers.SerializerMethodField()
    photos = WorkOrderPhotoSerializer(many=True, read_only=True)
    deadlines = DeadlinesField("work_order")

    class Meta:
        model = WorkOrder
        fields = ["id", "number", "kind", "status", "version", "priority", "station", "crew", "area_type",
                  "address", "customer_name", "customer_phone", "complaint_number", "complaint_summary",
                  "description", *DEADLINE_FIELDS, *STEP_FIELDS, "delay_reason", "customer_informed", "notes",
                  "arrival_lat", "arrival_lng", "allowed_actions", "next_action", "photos", "deadlines",
                  "created_at", "updated_at"]
        read_only_fields = fields

    def get_customer_name(self, obj) -> str:
        return obj.contact_name or (obj.customer.name if obj.customer_id else "")

    def get_customer_phone(self, obj) -> str:
        return obj.contact_phone or (obj.customer.phone if obj.customer_id else "")

    def get_complaint_number(self, obj) -> str | None:
        return obj.complaint.number if obj.complaint_id else None

    def get_complaint_summary(self, obj) -> str:
        if not obj.complaint_id:
            return ""
        c = obj.complaint
        text = c.description if len(c.description) <= 200 else c.description[:199] + "…"
        return f"{c.category.name}: {text}" if c.category_id else text

    def get_allowed_actions(self, obj) -> list[str]:
        return allowed_actions(obj.status)

    def get_next_action(self, obj) -> str | None:
        return CREW_NEXT_ACTION.get(obj.status)


class WorkOrderSerializer(WorkOrderCrewSerializer):
    """The office view: also the customer reference, account number, grade and who created it."""

    customer_account_no = serializers.SerializerMethodField()
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta(WorkOrderCrewSerializer.Meta):
        fields = [*WorkOrderCrewSerializer.Meta.fields, "customer", "customer_account_no", "grade_at_creation",
                  "contact_name", "contact_phone", "cancel_reason", "created_by"]
        read_only_fields = fields

    def get_customer_account_no(self, obj) -> str | None:
        return obj.customer.account_no if obj.customer_id else None


# The columns of the joined rows the two serializers above read (the order's own: all of them).
ORDER_FIELDS = [f.name for f in WorkOrder._meta.concrete_fields]
ANSWER_RELATED = ["station__code", "crew__name", "customer__name", "customer__phone", "complaint__number",
                  "complaint__description", "complaint__category", "complaint__category__name"]
ANSWER_RELATED_OFFICE = ["customer__account_no", "created_by__username"]
PHOTOS = Prefetch("photos", queryset=WorkOrderPhoto.objects.select_related("uploaded_by"))


def one_order_queryset(qs: QuerySet[WorkOrder], *, office: bool) -> QuerySet[WorkOrder]:
    """What answering with one order (WorkOrderSerializer, or WorkOrderCrewSerializer when not
    `office`) reads, joined into the order's own query and no more: `qs` (selectors.work_order_list)
    joins station, crew, customer, complaint and its category; the office view also shows who
    created it. Photos: `has_photos` says whether `with_photos` needs a query at all."""
    related = [*ANSWER_RELATED, *(ANSWER_RELATED_OFFICE if office else ())]
    if office:
        qs = qs.select_related("created_by")
    return qs.only(*ORDER_FIELDS, *related).annotate(
        has_photos=Exists(WorkOrderPhoto.objects.filter(work_order=OuterRef("pk"))),
        clock_rows=deadlines_annotation("work_order"))


def with_photos(order: WorkOrder) -> WorkOrder:
    """Load the photos of an order read through one_order_queryset (none: no query)."""
    if order.has_photos:
        prefetch_related_objects([order], PHOTOS)
    else:
        order._prefetched_objects_cache = {"photos": WorkOrderPhoto.objects.none()}
    return order


def with_current_deadline(order: WorkOrder) -> WorkOrder:
    """`current_due_at` after a change made in memory (the annotation was read before it)."""
    order.current_due_at = WORK_ORDER.current_due(order, default=order.due_at)
    return order


class WorkOrderCreateInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=WorkOrderKind.choices, default=WorkOrderKind.REPAIR)
    station = serializers.SlugRelatedField(slug_field="code", queryset=SupplyStation.objects.all(), required=False)
    complaint = serializers.CharField(required=False, help_text=_("complaint number (TS…)"))
    customer = ScopedCustomerField(required=False, allow_null=True)
    address = serializers.CharField(required=False, allow_blank=True, max_length=300)
    area_type = serializers.ChoiceField(choices=["urban", "rural", "remote"], required=False)
    priority = serializers.ChoiceField(choices=WorkOrderPriority.choices, default=WorkOrderPriority.NORMAL)
    description = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    contact_name = serializers.CharField(required=False, allow_blank=True, max_length=100)
    contact_phone = serializers.CharField(required=False, allow_blank=True, max_length=20)
    due_at = DateTimeField(required=False, allow_null=True)


class ActionInputSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=1)
    client_time = DateTimeField(required=False, allow_null=True, help_text=_("the device's own time of the step"))

    def validate_client_time(self, value):
        if value is not None and timezone.is_naive(value):
            value = timezone.make_aware(value)
        return value


class WorkOrderDispatchInputSerializer(ActionInputSerializer):
    crew = serializers.CharField(help_text=_("crew name"))


class WorkOrderArriveInputSerializer(ActionInputSerializer):
    # floats: browsers report as many decimals as they like; the service keeps six (≈ 0.1 m)
    lat = FiniteFloatField(required=False, allow_null=True, min_value=-90, max_value=90)
    lng = FiniteFloatField(required=False, allow_null=True, min_value=-180, max_value=180)
    delay_reason = serializers.CharField(required=False, allow_blank=True, max_length=500)
    customer_informed = serializers.BooleanField(required=False, allow_null=True, default=None)


class WorkOrderCompleteInputSerializer(ActionInputSerializer):
    notes = serializers.CharField(required=False, allow_blank=True, max_length=5000)


class WorkOrderCancelInputSerializer(ActionInputSerializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=500)


class WorkOrderPhotoInputSerializer(serializers.Serializer):
    photo = serializers.FileField()
    version = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    client_time = DateTimeField(required=False, allow_null=True)
