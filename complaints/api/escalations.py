"""The escalation inbox API: `/api/v1/escalations/`, `POST /api/v1/escalations/{id}/acknowledge/`
and `POST /api/v1/escalations/acknowledge/` `{"ids": [...]}` (several late deadlines at once).

Managers and admins see every escalation; a station head their station's; handlers their
station's (read only); others none (an escalation out of scope answers 404). Managers, admins
and station heads (their station's) acknowledge. `top=true` lists one row per late deadline at
its highest level (what the `/escalations/` page shows).
"""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api import ActionPermission, ActionViewSetMixin
from servicecenter.inputs import MAX_NOTE

from ..choices import DeadlineKind, EscalationLevel, SubjectType
from ..escalations import (
    can_acknowledge,
    escalation_acknowledge,
    escalation_acknowledge_many,
    escalation_list,
    subject_refs,
    top_level_condition,
)
from ..models import Escalation


class EscalationFilterSet(django_filters.FilterSet):
    station = django_filters.CharFilter(field_name="station__code")
    level = django_filters.TypedMultipleChoiceFilter(choices=EscalationLevel.choices, coerce=int)
    kind = django_filters.MultipleChoiceFilter(choices=DeadlineKind.choices)
    subject_type = django_filters.ChoiceFilter(choices=SubjectType.choices)
    acknowledged = django_filters.BooleanFilter(field_name="acknowledged_at", lookup_expr="isnull", exclude=True,
                                                label=_("acknowledged"))
    complaint = django_filters.NumberFilter(field_name="complaint_id")
    top = django_filters.BooleanFilter(method="filter_top", label=_("one row per late deadline, its highest level"))

    class Meta:
        model = Escalation
        fields = ["station", "level", "kind", "subject_type", "acknowledged", "complaint", "top"]

    def filter_top(self, queryset, name, value):
        return queryset.filter(top_level_condition()) if value else queryset


class EscalationSerializer(serializers.ModelSerializer):
    station = serializers.SlugRelatedField(slug_field="code", read_only=True)
    acknowledged_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    level_label = serializers.CharField(source="get_level_display", read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    subject_number = serializers.SerializerMethodField()
    link = serializers.SerializerMethodField()

    class Meta:
        model = Escalation
        fields = ["id", "subject_type", "subject_id", "subject_number", "link", "complaint", "station", "kind",
                  "kind_label", "level", "level_label", "due_at", "reason", "created_at", "acknowledged_at",
                  "acknowledged_by"]
        read_only_fields = fields

    def _ref(self, obj) -> tuple[str, str]:
        refs = self.context.get("refs")
        if refs is None:
            refs = self.context["refs"] = subject_refs([obj])
        return refs.get((obj.subject_type, obj.subject_id), ("", ""))

    def get_subject_number(self, obj) -> str:
        return self._ref(obj)[0]

    def get_link(self, obj) -> str:
        return self._ref(obj)[1]


class EscalationAcknowledgeInputSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=MAX_NOTE, default="")


class EscalationAcknowledgeManyInputSerializer(serializers.Serializer):
    ids = serializers.ListField(child=serializers.IntegerField(min_value=1), allow_empty=False, max_length=500)
    note = serializers.CharField(required=False, allow_blank=True, max_length=MAX_NOTE, default="")


class EscalationAcknowledgeManyOutputSerializer(serializers.Serializer):
    deadlines = serializers.IntegerField(help_text="late deadlines acknowledged by this call")
    escalations = serializers.IntegerField(help_text="escalation rows (levels) acknowledged by this call")


class CanAcknowledge(permissions.BasePermission):
    """A role that acknowledges nothing is refused before the lookup (the station's rule on the
    object is the viewset's `may_act`)."""

    def has_permission(self, request, view):
        return view.action not in ("acknowledge", "acknowledge_many") or can_acknowledge(request.user)


class EscalationViewSet(ActionViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Unacknowledged first, then newest severe first. Filters: station, level, kind,
    subject_type, acknowledged, complaint. Acknowledging is an action of core.api (404, 403,
    400, 409)."""

    serializer_class = EscalationSerializer
    filterset_class = EscalationFilterSet
    permission_classes = [ActionPermission, CanAcknowledge]
    action_object_name = "escalation"
    action_inputs = {"acknowledge": EscalationAcknowledgeInputSerializer,
                     "acknowledge_many": EscalationAcknowledgeManyInputSerializer}

    def may_act(self, user, verb: str, escalation) -> bool:
        return verb != "acknowledge" or can_acknowledge(user, escalation.station_id)

    def action_answer(self, escalation, result):
        return Response(self.get_serializer(result).data)

    def get_queryset(self):
        return escalation_list(user=self.request.user).order_by("-level", "-created_at", "-id")

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        items = list(page if page is not None else queryset)
        context = {**self.get_serializer_context(), "refs": subject_refs(items)}
        serializer = self.serializer_class(items, many=True, context=context)
        if page is not None:
            return self.get_paginated_response(serializer.data)
        return Response(serializer.data)

    @action(detail=True, methods=["post"], url_path="acknowledge")
    def acknowledge(self, request, pk=None):
        return self.act("acknowledge", escalation_acknowledge)

    @extend_schema(request=EscalationAcknowledgeManyInputSerializer,
                   responses={200: EscalationAcknowledgeManyOutputSerializer})
    @action(detail=False, methods=["post"], url_path="acknowledge")
    def acknowledge_many(self, request):
        """Acknowledge the late deadlines of these escalations, every level of each, once: a
        deadline acknowledged already is left as it was (and counted as 0)."""
        data = self.action_input("acknowledge_many").validated_data
        return Response(escalation_acknowledge_many(user=request.user, ids=data["ids"], note=data["note"]))
