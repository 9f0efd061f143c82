from django.contrib import admin

from .models import PenaltyRule, ReportSnapshot


@admin.register(PenaltyRule)
class PenaltyRuleAdmin(admin.ModelAdmin):
    list_display = ["label", "category_code", "amount_yuan", "public_notice", "active"]
    list_editable = ["amount_yuan", "active"]
    list_filter = ["active"]


@admin.register(ReportSnapshot)
class ReportSnapshotAdmin(admin.ModelAdmin):
    list_display = ["kind", "period_start", "period_end", "built_at"]
    list_filter = ["kind"]
    readonly_fields = ["kind", "period_start", "period_end", "built_at", "data"]
