"""The shape of the SLA summary's answer for /api/schema/ (documentation only: the summary is a
dict built by reports.selectors.sla_summary). The blocks whose keys are codes (deadline kinds)
are maps; the per-kind block is described field by field."""

from __future__ import annotations

from rest_framework import serializers

from complaints.choices import OrderKind


class DeadlineFigures(serializers.Serializer):
    on_time = serializers.IntegerField()
    late = serializers.IntegerField()
    open = serializers.IntegerField()
    open_breached = serializers.IntegerField()
    rate = serializers.FloatField(allow_null=True, help_text="on time / (on time + late + open and overdue)")


class KindFigures(serializers.Serializer):
    kind = serializers.ChoiceField(choices=OrderKind.choices)
    label = serializers.CharField()
    received = serializers.IntegerField(help_text="received in the period (terminated ones included)")
    received_today = serializers.IntegerField(help_text="received today (local), whatever the period")
    terminated = serializers.IntegerField(help_text="服务终止: counted apart, in no deadline figure")
    open = serializers.IntegerField(help_text="open now (any day of receipt)")
    at_risk = serializers.IntegerField()
    breached_now = serializers.IntegerField()
    breached = serializers.IntegerField(help_text="received in the period with a missed deadline")
    deadlines = serializers.DictField(child=DeadlineFigures(), help_text="the deadlines the kind has")


class OtherKindsFigures(serializers.Serializer):
    received = serializers.IntegerField()
    received_today = serializers.IntegerField()
    terminated = serializers.IntegerField()
    open = serializers.IntegerField()
    at_risk = serializers.IntegerField()
    breached_now = serializers.IntegerField()
    breached = serializers.IntegerField()


class SlaSummary(serializers.Serializer):
    generated_at = serializers.DateTimeField()
    source = serializers.ChoiceField(choices=["daily rows", "complaints"])
    as_of = serializers.DateTimeField()
    filters = serializers.DictField()
    now = serializers.DictField(child=serializers.IntegerField())
    totals = serializers.DictField(help_text="the period's figures of the kind asked for (`kind`)")
    arrival = serializers.ListField(child=serializers.DictField())
    deadlines = serializers.DictField(child=DeadlineFigures())
    satisfaction = serializers.DictField()
    effective = serializers.DictField()
    repeat = serializers.DictField()
    by_station = serializers.ListField(child=serializers.DictField())
    by_category_class = serializers.ListField(child=serializers.DictField())
    by_grade = serializers.ListField(child=serializers.DictField())
    by_channel = serializers.ListField(child=serializers.DictField())
    by_kind = KindFigures(many=True, help_text="every kind of order, complaints first")
    other_kinds = OtherKindsFigures(help_text="the kinds other than complaints together")
    trend = serializers.ListField(child=serializers.DictField(), required=False)
