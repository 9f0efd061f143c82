from rest_framework import serializers

from ..choices import VisitKind
from ..models import GradeChange, GradeRun, Visit


class GradeRunSerializer(serializers.ModelSerializer):
    requested_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    duration_seconds = serializers.FloatField(read_only=True)

    class Meta:
        model = GradeRun
        fields = ["id", "period", "status", "dry_run", "forced", "policy", "policy_snapshot", "requested_by",
                  "total", "up", "down", "unchanged", "held_by_lock", "held_by_hysteresis", "mismatch_count",
                  "started_at", "finished_at", "duration_seconds", "timings", "error", "created_at", "updated_at"]
        read_only_fields = fields


class GradeRunDetailSerializer(GradeRunSerializer):
    class Meta(GradeRunSerializer.Meta):
        fields = [*GradeRunSerializer.Meta.fields, "mismatches"]
        read_only_fields = fields


class GradeRunCreateInputSerializer(serializers.Serializer):
    period = serializers.RegexField(r"^\d{4}-\d{2}(-01)?$", help_text="YYYY-MM")
    dry_run = serializers.BooleanField(default=False)
    force = serializers.BooleanField(default=False)


class GradeChangeSerializer(serializers.ModelSerializer):
    customer_account_no = serializers.CharField(source="customer.account_no", read_only=True)
    period = serializers.DateField(source="run.period", read_only=True)

    class Meta:
        model = GradeChange
        fields = ["id", "run", "period", "customer", "customer_account_no", "old_grade", "new_grade",
                  "computed_grade", "direction", "reasons", "amount_12m", "applied", "held_reason"]
        read_only_fields = fields


class VisitSerializer(serializers.ModelSerializer):
    account_manager = serializers.SlugRelatedField(slug_field="username", read_only=True)
    kind = serializers.ChoiceField(choices=VisitKind.choices, default=VisitKind.ROUTINE)

    class Meta:
        model = Visit
        fields = ["id", "customer", "account_manager", "kind", "date", "notes", "created_at"]
        read_only_fields = ["id", "customer", "account_manager", "created_at"]
