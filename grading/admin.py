from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from . import services
from .models import GradeChange, GradeRun, GradingPolicy, Visit


class GradingPolicyForm(forms.ModelForm):
    class Meta:
        model = GradingPolicy
        fields = ["name", "kind", "is_active", "notes", "top_a", "top_b", "attribute_rules", "hysteresis_runs",
                  "history_weight", "forecast_weight", "bonus_factor", "band_a", "band_b"]

    def clean(self):
        data = super().clean()
        if data.get("top_a") and data.get("top_b") and data["top_b"] < data["top_a"]:
            self.add_error("top_b", _("The rank for B cannot be smaller than the rank for A."))
        return data


@admin.register(GradingPolicy)
class GradingPolicyAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "version", "is_active", "top_a", "top_b", "attribute_rules", "hysteresis_runs",
                    "updated_at"]
    list_filter = ["kind", "is_active"]
    readonly_fields = ["version", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["name", "kind", "is_active", "version", "notes"]}),
        (_("Station ranking"), {"fields": ["top_a", "top_b", "attribute_rules", "hysteresis_runs"]}),
        (_("Scorecard"), {"fields": ["history_weight", "forecast_weight", "bonus_factor", "band_a", "band_b"]}),
        (None, {"fields": ["created_at", "updated_at"]}),
    ]

    form = GradingPolicyForm

    def save_model(self, request, obj, form, change):
        # versioning and "one active" live in the service
        services.policy_save(policy=obj)


@admin.register(GradeRun)
class GradeRunAdmin(admin.ModelAdmin):
    list_display = ["period", "status", "dry_run", "forced", "total", "up", "down", "unchanged", "held_by_lock",
                    "held_by_hysteresis", "mismatch_count", "started_at", "finished_at"]
    list_filter = ["status", "dry_run"]
    date_hierarchy = "period"
    readonly_fields = [f.name for f in GradeRun._meta.fields]

    def has_add_permission(self, request):
        return False  # runs are started by the task, the command or the API


@admin.register(GradeChange)
class GradeChangeAdmin(admin.ModelAdmin):
    list_display = ["run", "customer", "old_grade", "computed_grade", "new_grade", "direction", "applied",
                    "held_reason"]
    list_filter = ["direction", "applied", "held_reason", "run__period"]
    search_fields = ["customer__account_no", "customer__name"]
    list_select_related = ["run", "customer"]
    raw_id_fields = ["customer", "run"]
    readonly_fields = ["run", "customer", "old_grade", "new_grade", "computed_grade", "direction", "reasons",
                       "amount_12m", "applied", "held_reason"]

    def has_add_permission(self, request):
        return False


@admin.register(Visit)
class VisitAdmin(admin.ModelAdmin):
    list_display = ["date", "customer", "kind", "account_manager"]
    list_filter = ["kind", "date"]
    search_fields = ["customer__account_no", "customer__name", "account_manager__username"]
    list_select_related = ["customer", "account_manager"]
    raw_id_fields = ["customer", "account_manager"]
    date_hierarchy = "date"
