"""Outage API serializers: the staff answer, the inputs of create and of each action, and the
public answer (no personal data: no customer's name, phone, address or account number)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from clock.api import DeadlinesField
from servicecenter.api import FieldsBuiltOnce

from ..choices import LinkSubject, OutageKind
from ..models import EstimateChange, Outage, OutageEvent, OutageLink
from ..selectors import allowed_actions

MAX_CODES = 200


class GridRefSerializer(serializers.Serializer):
    code = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)


class OutageSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    station = serializers.SlugRelatedField(slug_field="code", read_only=True)
    lines = GridRefSerializer(many=True, read_only=True)
    areas = GridRefSerializer(many=True, read_only=True)
    work_order = serializers.SlugRelatedField(slug_field="number", read_only=True, allow_null=True)
    crew = serializers.SerializerMethodField()
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    links_count = serializers.SerializerMethodField()
    allowed_actions = serializers.SerializerMethodField()
    deadlines = DeadlinesField("outage")

    class Meta:
        model = Outage
        fields = ["id", "number", "kind", "kind_label", "status", "status_label", "station", "cause", "scope_name",
                  "lines", "areas", "planned_start", "started_at", "estimated_restore_at", "restored_at",
                  "cancelled_at", "announced_at", "customers_affected", "customer_hours", "work_order", "crew",
                  "result", "cancel_reason", "created_by", "created_at", "version", "notice_due_at",
                  "notice_breached", "deadlines", "links_count", "allowed_actions"]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_crew(self, obj) -> str | None:
        order = obj.work_order
        return order.crew.name if order is not None and order.crew_id else None

    def get_links_count(self, obj) -> int:
        value = getattr(obj, "links_count", None)
        return value if value is not None else obj.links.count()

    def get_allowed_actions(self, obj) -> list[str]:
        request = self.context.get("request")
        return allowed_actions(obj, request.user if request else None)


class EstimateChangeSerializer(serializers.ModelSerializer):
    by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = EstimateChange
        fields = ["old", "new", "reason", "by", "at"]
        read_only_fields = fields


class OutageEventSerializer(serializers.ModelSerializer):
    actor = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = OutageEvent
        fields = ["at", "actor", "kind", "note", "data"]
        read_only_fields = fields


class OutageLinkSerializer(serializers.ModelSerializer):
    class Meta:
        model = OutageLink
        fields = ["id", "subject_type", "subject_id", "linked_at", "different_fault", "proposed_reply", "closed_at"]
        read_only_fields = fields


class OutageDetailSerializer(OutageSerializer):
    estimate_changes = EstimateChangeSerializer(many=True, read_only=True)
    events = OutageEventSerializer(many=True, read_only=True)
    links = OutageLinkSerializer(many=True, read_only=True)

    class Meta(OutageSerializer.Meta):
        fields = [*OutageSerializer.Meta.fields, "estimate_changes", "events", "links"]
        read_only_fields = fields


# --- inputs ------------------------------------------------------------------------------------

class OutageCreateInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=OutageKind.choices)
    cause = serializers.CharField(max_length=200)
    station = serializers.CharField(max_length=20, required=False, help_text="station code (default: yours)")
    lines = serializers.ListField(child=serializers.CharField(max_length=30), required=False, max_length=MAX_CODES,
                                  default=list, help_text="line codes of the station")
    areas = serializers.ListField(child=serializers.CharField(max_length=30), required=False, max_length=MAX_CODES,
                                  default=list, help_text="transformer area codes of the station")
    planned_start = serializers.DateTimeField(required=False, allow_null=True)
    started_at = serializers.DateTimeField(required=False, allow_null=True)
    estimated_restore_at = serializers.DateTimeField(required=False, allow_null=True)
    work_order = serializers.CharField(max_length=20, required=False, allow_blank=True,
                                       help_text="number of the repair work order")


class VersionInputSerializer(serializers.Serializer):
    version = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=2**31 - 1,
                                       help_text="the outage's version you saw (optional: 409 if it changed)")


class OutageStartInputSerializer(VersionInputSerializer):
    started_at = serializers.DateTimeField(required=False, allow_null=True)


class OutageEstimateInputSerializer(VersionInputSerializer):
    estimated_restore_at = serializers.DateTimeField()
    reason = serializers.CharField(max_length=500)


class OutageRestoreInputSerializer(VersionInputSerializer):
    restored_at = serializers.DateTimeField(required=False, allow_null=True)
    result = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class OutageCancelInputSerializer(VersionInputSerializer):
    reason = serializers.CharField(max_length=500)


class OutageLinkInputSerializer(serializers.Serializer):
    subject_type = serializers.ChoiceField(choices=LinkSubject.choices)
    subject_id = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    different_fault = serializers.BooleanField(required=False, default=False)


class ResolveComplaintsInputSerializer(serializers.Serializer):
    complaints = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
                                       required=False, max_length=1000,
                                       help_text="ids of linked complaints (default: every linked one)")
    resolution = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="",
                                       help_text="the reply (default: the proposed one)")
    verified = serializers.BooleanField()
    utility_responsible = serializers.BooleanField()


class ResolveResultSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    ok = serializers.BooleanField()
    detail = serializers.CharField()


class ResolveResultsSerializer(serializers.Serializer):
    results = ResolveResultSerializer(many=True, help_text="one per linked complaint")


# --- public --------------------------------------------------------------------------------------

class PublicOutageSerializer(serializers.ModelSerializer):
    """What anyone may read: the outage's own columns and the names of its lines and areas."""

    station = serializers.CharField(source="station.name", read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    areas = serializers.SerializerMethodField()

    class Meta:
        model = Outage
        fields = ["number", "kind", "kind_label", "status", "status_label", "station", "scope_name", "areas", "cause",
                  "planned_start", "started_at", "estimated_restore_at", "restored_at", "customers_affected"]
        read_only_fields = fields

    def get_areas(self, obj) -> list[str]:
        """The names of the lines and transformer areas in the scope (where the power is off)."""
        return [x.name for x in obj.lines.all()] + [x.name for x in obj.areas.all()]
