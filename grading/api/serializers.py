from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from customers.choices import Grade
from servicecenter.inputs import bounded_date

from .. import rules, selectors
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


class TierMismatchSerializer(serializers.Serializer):
    customer = serializers.IntegerField()
    account_no = serializers.CharField()
    name = serializers.CharField()
    grade = serializers.ChoiceField(choices=Grade.choices)
    account_manager = serializers.CharField(allow_null=True)
    tier = serializers.CharField(allow_blank=True)
    required_tier = serializers.CharField()


class GradeRunDetailSerializer(GradeRunSerializer):
    """One run, with its tier mismatches: of the customers the requesting user may see only."""

    mismatches = serializers.SerializerMethodField()
    mismatch_count = serializers.SerializerMethodField()

    class Meta(GradeRunSerializer.Meta):
        fields = [*GradeRunSerializer.Meta.fields, "mismatches"]
        read_only_fields = fields

    def _visible(self, run) -> list[dict]:
        cache = self.context.setdefault("_mismatches", {})
        if run.pk not in cache:
            request = self.context.get("request")
            user = getattr(request, "user", None)
            cache[run.pk] = selectors.visible_mismatches(run, user=user) if user is not None else []
        return cache[run.pk]

    @extend_schema_field(TierMismatchSerializer(many=True))
    def get_mismatches(self, run) -> list[dict]:
        return self._visible(run)

    def get_mismatch_count(self, run) -> int:
        """Managers: every mismatch of the run; others: those of the customers they see."""
        request = self.context.get("request")
        if request is not None and selectors.can_start_runs(request.user):
            return run.mismatch_count
        return len(self._visible(run))


class GradeRunCreateInputSerializer(serializers.Serializer):
    period = serializers.RegexField(r"^\d{4}-\d{2}(-01)?$", help_text="YYYY-MM")

    def validate_period(self, value):
        try:
            return bounded_date(rules.parse_period(value))
        except ValueError:
            raise serializers.ValidationError(_("Enter a month as YYYY-MM (2000-01 to 2099-12).")) from None
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
        extra_kwargs = {"notes": {"max_length": 4000}}

    def validate_date(self, value):
        try:
            return bounded_date(value)
        except ValueError as exc:
            raise serializers.ValidationError(str(exc)) from None
