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
        # DeadlineRowSerializer's shape, without building a serializer per answer (intake CPU)
        return [{"kind": r["kind"], "due_at": _time(r["due_at"]), "warn_at": _time(r["warn_at"]),
                 "level": r["level"], "breached": r["breached"], "met_at": _time(r["met_at"]),
                 "provisional": r["provisional"]} for r in deadlines_of(obj, self.subject_type)]


_TIME = serializers.DateTimeField()


def _time(value):
    return None if value is None else _TIME.to_representation(value)
