from django.contrib import admin

from .models import Crew, IdempotencyKey, WorkOrder, WorkOrderEvent, WorkOrderPhoto


@admin.register(Crew)
class CrewAdmin(admin.ModelAdmin):
    list_display = ["name", "station", "leader", "active"]
    list_filter = ["station", "active"]
    search_fields = ["name"]
    filter_horizontal = ["members"]


class EventInline(admin.TabularInline):
    model = WorkOrderEvent
    extra = 0
    can_delete = False
    fields = ["at", "client_at", "actor", "kind", "from_status", "to_status", "note"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class PhotoInline(admin.TabularInline):
    model = WorkOrderPhoto
    extra = 0
    fields = ["file", "content_type", "size", "uploaded_by", "created_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(WorkOrder)
class WorkOrderAdmin(admin.ModelAdmin):
    """Read-mostly: state changes go through the services (pages and API), never through admin."""

    list_display = ["number", "kind", "status", "station", "crew", "arrive_due_at", "arrive_breached",
                    "restore_breached", "created_at"]
    list_filter = ["status", "kind", "station", "area_type", "arrive_breached", "restore_breached"]
    search_fields = ["number", "address", "contact_name", "customer__account_no", "complaint__number"]
    date_hierarchy = "created_at"
    list_select_related = ["station", "crew"]
    raw_id_fields = ["customer", "complaint", "crew", "created_by"]
    inlines = [PhotoInline, EventInline]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in WorkOrder._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(IdempotencyKey)
class IdempotencyKeyAdmin(admin.ModelAdmin):
    list_display = ["key", "user", "endpoint", "response_status", "created_at"]
    search_fields = ["key", "user__username"]
    readonly_fields = ["key", "user", "endpoint", "response_status", "response_body", "created_at"]
