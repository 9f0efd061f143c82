from django.contrib import admin

from .models import ConsumptionRecord, Customer, Line, StaffProfile, SupplyStation, TransformerArea


@admin.register(SupplyStation)
class SupplyStationAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "area_type", "head"]
    search_fields = ["code", "name"]


@admin.register(Line)
class LineAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "station"]
    list_filter = ["station"]
    search_fields = ["code", "name"]
    list_select_related = ["station"]


@admin.register(TransformerArea)
class TransformerAreaAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "line", "station"]
    list_filter = ["station"]
    search_fields = ["code", "name", "line__code"]
    list_select_related = ["station", "line"]
    autocomplete_fields = ["line"]


@admin.register(StaffProfile)
class StaffProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "station", "leadership", "manager_tier"]
    list_filter = ["station", "leadership", "manager_tier"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    autocomplete_fields = ["user"]


class ConsumptionInline(admin.TabularInline):
    model = ConsumptionRecord
    extra = 0
    ordering = ["-period"]


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ["account_no", "name", "station", "grade", "grade_source", "account_manager", "important_level"]
    list_filter = ["station", "grade", "grade_source", "kind", "important_level", "dual_power_supply"]
    search_fields = ["account_no", "name", "phone"]
    list_select_related = ["station", "account_manager"]
    autocomplete_fields = ["account_manager", "line", "area"]
    inlines = [ConsumptionInline]
