
from django.contrib.auth import get_user_model
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from clock.api import DeadlinesField
from customers.api.fields import ScopedCustomerField
from customers.models import SupplyStation
from customers.privacy import MaskedPhones
from servicecenter.api import FieldsBuiltOnce
from servicecenter.inputs import MAX_NOTE, MAX_TEXT, DateTimeField

from ..choices import AckHow, ComplaintChannel, ComplaintSeverity, Satisfaction, SlaState
from ..models import Complaint, ComplaintCategory, ComplaintEvent, Escalation
from ..reference import get_categories
from ..services import MAX_DESCRIPTION
from ..sla import sla_state


class CachedCategoryField(serializers.SlugRelatedField):
    """A category by code from the per-process reference cache (complaints.reference), without a
    query. A code the cache does not know, or a category it holds as inactive or as a class, is
    looked up in the database, so a refusal is never based on a stale cache."""

    def to_internal_value(self, data):
        if isinstance(data, str):
            category = get_categories().get(data)
            if category is not None and category.active and category.parent_id is not None:
                return category
        return super().to_internal_value(data)


class ComplaintSerializer(MaskedPhones, FieldsBuiltOnce, serializers.ModelSerializer):
    phone_fields = ("complainant_phone",)

    customer_account_no = serializers.CharField(source="customer.account_no", read_only=True, default=None)
    category = serializers.SlugRelatedField(slug_field="code", read_only=True)
    category_name = serializers.CharField(source="category.name", read_only=True)
    station = serializers.SlugRelatedField(slug_field="code", read_only=True)
    handler = serializers.SlugRelatedField(slug_field="username", read_only=True)
    repeat_of = serializers.SlugRelatedField(slug_field="number", read_only=True)
    sla_state = serializers.SerializerMethodField()
    sla_policy = serializers.CharField(source="sla_targets.policy", read_only=True, default=None)
    deadlines = DeadlinesField("complaint")

    class Meta:
        model = Complaint
        fields = [
            "id", "number", "status", "channel", "customer", "customer_account_no", "complainant_name",
            "complainant_phone", "anonymous", "category", "category_name", "severity", "description",
            "received_at", "station", "handler", "grade_at_intake", "sla_policy", "sla_targets",
            "ack_due_at", "resolve_due_at", "callback_due_at", "original_resolve_due_at",
            "acknowledged_at", "resolved_at", "callback_at", "closed_at",
            "ack_breached", "resolve_breached", "callback_breached", "sla_state",
            "resolution", "verified", "utility_responsible", "satisfaction", "reopen_count", "urge_count",
            "repeat_of", "typical", "close_reason", "version", "created_at", "updated_at", "deadlines",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ChoiceField(choices=SlaState.choices))
    def get_sla_state(self, obj) -> str:
        now = self.context.get("now") or timezone.now()
        return sla_state(obj, now)


class ComplaintCreateInputSerializer(serializers.Serializer):
    channel = serializers.ChoiceField(choices=ComplaintChannel.choices)
    customer = ScopedCustomerField(required=False, allow_null=True)
    complainant_name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    complainant_phone = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    anonymous = serializers.BooleanField(required=False, default=False)
    category = CachedCategoryField(slug_field="code", queryset=ComplaintCategory.objects.all())
    severity = serializers.ChoiceField(choices=ComplaintSeverity.choices, required=False,
                                       default=ComplaintSeverity.NORMAL)
    description = serializers.CharField(max_length=MAX_DESCRIPTION)
    received_at = DateTimeField(required=False, allow_null=True)
    station = serializers.SlugRelatedField(slug_field="code", queryset=SupplyStation.objects.all(), required=False,
                                           allow_null=True)
    acknowledge_now = serializers.BooleanField(required=False, default=False)
    ack_note = serializers.CharField(required=False, allow_blank=True, default="", max_length=MAX_NOTE)


class AcknowledgeInputSerializer(serializers.Serializer):
    how = serializers.ChoiceField(choices=AckHow.choices, default=AckHow.PHONE)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=MAX_NOTE)


class ReasonInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


class NoteInputSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=MAX_NOTE)


class RequestExtensionInputSerializer(serializers.Serializer):
    requested_due_at = DateTimeField()
    reason = serializers.CharField(max_length=MAX_NOTE)


class ApproveExtensionInputSerializer(serializers.Serializer):
    approve = serializers.BooleanField(default=True)
    due_at = DateTimeField(required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=MAX_NOTE)


class ResolveInputSerializer(serializers.Serializer):
    resolution = serializers.CharField(max_length=MAX_TEXT)
    verified = serializers.BooleanField(allow_null=False)
    utility_responsible = serializers.BooleanField(allow_null=False)


class CallbackInputSerializer(serializers.Serializer):
    satisfaction = serializers.ChoiceField(choices=Satisfaction.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=MAX_NOTE)


class AssignInputSerializer(serializers.Serializer):
    handler = serializers.SlugRelatedField(slug_field="username", queryset=get_user_model().objects.all())


class MarkTypicalInputSerializer(serializers.Serializer):
    typical = serializers.BooleanField(default=True)


class ComplaintEventSerializer(serializers.ModelSerializer):
    actor = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = ComplaintEvent
        fields = ["id", "at", "actor", "kind", "note", "data"]
        read_only_fields = fields


class ComplaintEscalationSerializer(serializers.ModelSerializer):
    station = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Escalation
        fields = ["id", "kind", "level", "due_at", "reason", "station", "created_at", "acknowledged_at"]
        read_only_fields = fields
