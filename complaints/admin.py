from django.contrib import admin

from .models import (
    Complaint,
    ComplaintCategory,
    ComplaintEvent,
    ExtensionRequest,
    PauseSegment,
    SlaPolicy,
)


@admin.register(ComplaintCategory)
class ComplaintCategoryAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_en", "parent", "active", "sort_order"]
    list_filter = ["active", "parent"]
    search_fields = ["code", "name", "name_en"]
    list_editable = ["active", "sort_order"]


@admin.register(SlaPolicy)
class SlaPolicyAdmin(admin.ModelAdmin):
    """Model.clean refuses a resolve target above the regulation's 10-working-day ceiling."""

    list_display = ["name", "active", "kind", "service_type", "severity", "grade", "channel", "priority",
                    "ack_amount", "ack_unit", "resolve_amount", "resolve_unit", "callback_amount", "callback_unit",
                    "assign_minutes", "review_minutes", "warning_fraction"]
    list_filter = ["active", "kind", "service_type", "severity", "grade", "channel"]


class EventInline(admin.TabularInline):
    model = ComplaintEvent
    extra = 0
    can_delete = False
    fields = ["at", "actor", "kind", "note", "data"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class PauseInline(admin.TabularInline):
    model = PauseSegment
    extra = 0
    can_delete = False
    readonly_fields = ["started_at", "ended_at", "reason", "paused_by", "resumed_by"]
    fields = readonly_fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Complaint)
class ComplaintAdmin(admin.ModelAdmin):
    """Read-mostly: state changes go through the pages and the API (services), never here."""

    list_display = ["number", "status", "channel", "station", "category", "grade_at_intake", "received_at",
                    "resolve_due_at", "ack_breached", "resolve_breached", "callback_breached"]
    list_filter = ["status", "channel", "station", "grade_at_intake", "severity"]
    search_fields = ["number", "complainant_name", "complainant_phone", "customer__account_no"]
    date_hierarchy = "received_at"
    list_select_related = ["station", "category"]
    inlines = [PauseInline, EventInline]
    fields = ["number", "status", "channel", "customer", "complainant_name", "complainant_phone", "anonymous",
              "category", "severity", "description", "received_at", "station", "handler", "grade_at_intake",
              "sla_policy", "sla_targets", "ack_due_at", "resolve_due_at", "callback_due_at",
              "original_resolve_due_at", "acknowledged_at", "resolved_at", "callback_at", "closed_at",
              "resolution", "verified", "utility_responsible", "satisfaction", "reopen_count", "repeat_of",
              "typical"]
    readonly_fields = [f for f in fields if f != "typical"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ExtensionRequest)
class ExtensionRequestAdmin(admin.ModelAdmin):
    list_display = ["complaint", "requested_due_at", "status", "requested_by", "decided_by", "decided_at"]
    list_filter = ["status"]
    readonly_fields = ["complaint", "requested_by", "requested_due_at", "reason", "status", "decided_by",
                       "decided_at", "approved_due_at", "decision_note"]

    def has_add_permission(self, request):
        return False
