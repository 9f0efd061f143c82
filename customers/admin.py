from django.contrib import admin

from .models import ConsumptionRecord, Customer, StaffProfile, SupplyStation


@admin.register(SupplyStation)
class SupplyStationAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "area_type", "head"]
    search_fields = ["code", "name"]


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
    autocomplete_fields = ["account_manager"]
    inlines = [ConsumptionInline]
