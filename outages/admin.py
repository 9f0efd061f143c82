from django.contrib import admin

from .models import CustomerSms, EstimateChange, FrequentOutageWarning, Outage, OutageEvent, OutageLink


class _ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class EventInline(_ReadOnlyInline):
    model = OutageEvent
    fields = ["at", "actor", "kind", "note", "data"]
    readonly_fields = fields


class EstimateInline(_ReadOnlyInline):
    model = EstimateChange
    fields = ["at", "by", "old", "new", "reason"]
    readonly_fields = fields


@admin.register(Outage)
class OutageAdmin(admin.ModelAdmin):
    list_display = ["number", "kind", "status", "station", "scope_name", "customers_affected", "started_at",
                    "estimated_restore_at", "restored_at"]
    list_filter = ["kind", "status", "station"]
    search_fields = ["number", "cause", "scope_name"]
    readonly_fields = ["number", "customers_affected", "customer_hours", "version", "notice_due_at", "notice_warn_at",
                       "notice_breached", "notice_met_at", "announced_at"]
    raw_id_fields = ["work_order", "created_by"]
    inlines = [EstimateInline, EventInline]


@admin.register(OutageLink)
class OutageLinkAdmin(admin.ModelAdmin):
    list_display = ["outage", "subject_type", "subject_id", "linked_at", "different_fault", "closed_at"]
    raw_id_fields = ["outage", "linked_by"]


@admin.register(CustomerSms)
class CustomerSmsAdmin(admin.ModelAdmin):
    list_display = ["outage", "message_key", "phone", "status", "attempts", "sent_at"]
    list_filter = ["status", "kind"]
    raw_id_fields = ["outage", "customer"]


@admin.register(FrequentOutageWarning)
class FrequentOutageWarningAdmin(admin.ModelAdmin):
    list_display = ["station", "line", "area", "threshold", "period", "count", "created_at"]
    list_filter = ["threshold", "station"]

