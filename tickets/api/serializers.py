"""Serializers of /api/v1/tickets/: the complaint's answer and inputs (complaints/api/serializers.py)
with the fields of every kind."""

from __future__ import annotations

from rest_framework import serializers

from complaints.api.serializers import (
    CachedCategoryField,
    ComplaintCreateInputSerializer,
    ComplaintSerializer,
    ResolveInputSerializer,
)
from complaints.choices import OrderKind, ServiceType
from complaints.models import ComplaintCategory
from complaints.selectors import informant_hidden
from complaints.services import MAX_DESCRIPTION
from customers.models import SupplyStation
from servicecenter.inputs import MAX_TEXT

from ..models import Ticket


class TicketSerializer(ComplaintSerializer):
    """An order of any kind. A report's informant is blank for everyone but managers
    (complaints.selectors.informant_hidden)."""

    category = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    category_name = serializers.CharField(source="category.name", read_only=True, allow_null=True, default=None)
    # a repair call's work order (its number); null for other kinds and for a fault inside the
    # customer's installation
    work_order = serializers.CharField(source="work_order_number", read_only=True, allow_null=True, default=None)
    # the outage the order was linked to at intake (SPEC §12; in the intake's answer, else null)
    outage = serializers.CharField(source="outage_number", read_only=True, allow_null=True, default=None)

    class Meta(ComplaintSerializer.Meta):
        model = Ticket
        fields = [*ComplaintSerializer.Meta.fields, "kind", "service_type", "answer", "inside_installation",
                  "address", "work_order", "outage", "returned_at", "return_reason", "terminated_at", "review_due_at",
                  "reviewed_at", "review_breached"]
        read_only_fields = fields

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        if informant_hidden(getattr(request, "user", None), instance):
            data.update(complainant_name="", complainant_phone="", customer=None, customer_account_no=None)
        return data


class TicketCreateInputSerializer(ComplaintCreateInputSerializer):
    """An order of any kind. What each kind requires (a complaint's category, a service request's
    type, a repair's address) is checked by the intake service (complaints/kinds.py), which
    answers 400 naming the field."""

    kind = serializers.ChoiceField(choices=OrderKind.choices, required=False, default=OrderKind.COMPLAINT)
    category = CachedCategoryField(slug_field="code", queryset=ComplaintCategory.objects.all(), required=False,
                                   allow_null=True, default=None)
    service_type = serializers.ChoiceField(choices=ServiceType.choices, required=False, allow_blank=True, default="")
    address = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    inside_installation = serializers.BooleanField(required=False, allow_null=True, default=None)
    answer = serializers.CharField(max_length=MAX_DESCRIPTION, required=False, allow_blank=True, default="")
    # a repair call inside an active fault outage joins it (no crew of its own) unless the handler
    # says it is a different fault (SPEC §12)
    different_fault = serializers.BooleanField(required=False, default=False)


class TicketResolveInputSerializer(ResolveInputSerializer):
    """The reply; `verified` and `utility_responsible` only where the kind asks for them
    (complaints and reports: the service answers 400 naming the field when missing)."""

    resolution = serializers.CharField(max_length=MAX_TEXT)
    verified = serializers.BooleanField(required=False, allow_null=True, default=None)
    utility_responsible = serializers.BooleanField(required=False, allow_null=True, default=None)


class SendInputSerializer(serializers.Serializer):
    station = serializers.SlugRelatedField(slug_field="code", queryset=SupplyStation.objects.all())


class AnswerInputSerializer(serializers.Serializer):
    answer = serializers.CharField(max_length=MAX_DESCRIPTION)
