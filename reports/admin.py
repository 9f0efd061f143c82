from django.contrib import admin

from .models import ExportRecord, PenaltyRule, ReportSnapshot


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


@admin.register(ExportRecord)
class ExportRecordAdmin(admin.ModelAdmin):
    """Read only: the record of who exported what."""

    list_display = ["created_at", "username", "what", "format", "address"]
    list_filter = ["format"]
    search_fields = ["username", "what"]
    readonly_fields = ["created_at", "user", "username", "what", "report", "format", "address"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
