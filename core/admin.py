from django.contrib import admin

from .models import Notification, WorkCalendarDay


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "recipient", "channel", "kind", "subject", "status", "attempts", "sent_at"]
    list_filter = ["channel", "status", "kind"]
    search_fields = ["subject", "recipient__username"]
    readonly_fields = [f.name for f in Notification._meta.fields]


@admin.register(WorkCalendarDay)
class WorkCalendarDayAdmin(admin.ModelAdmin):
    list_display = ["date", "is_workday", "name", "source"]
    list_filter = ["is_workday", "source"]
    date_hierarchy = "date"
    search_fields = ["name"]
