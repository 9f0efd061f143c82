"""The `deadlines` field of every order's API answer (SPEC §7): its current deadline rows, each
{kind, due_at, warn_at, level, breached, met_at, provisional}."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .engine import deadlines_of


class DeadlineRowSerializer(serializers.Serializer):
    kind = serializers.CharField()
    due_at = serializers.DateTimeField()
    warn_at = serializers.DateTimeField(allow_null=True)
    level = serializers.IntegerField()
    breached = serializers.BooleanField()
    met_at = serializers.DateTimeField(allow_null=True)
    provisional = serializers.BooleanField()


@extend_schema_field(DeadlineRowSerializer(many=True))
class DeadlinesField(serializers.Field):
    """Read-only: the object's rows as `clock.engine.deadlines_of` finds them (kept from the last
    change, read with the object by `deadlines_annotation`, or one query)."""

    def __init__(self, subject_type: str, **kwargs):
        self.subject_type = subject_type
        kwargs.update(source="*", read_only=True)
        super().__init__(**kwargs)

    def to_representation(self, obj):
        return DeadlineRowSerializer(deadlines_of(obj, self.subject_type), many=True).data
