"""Configuration history in admin: every configuration model's change page gets a "History"
button (old → new per field, who, when), and "Configuration history" lists every change of
every configuration model, read only."""

from __future__ import annotations

from django.contrib import admin
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .changes import describe
from .models import TRACKED


def _with_history(model) -> None:
    """Re-register `model`'s admin (ours or a library's) with SimpleHistoryAdmin mixed in."""
    current = admin.site._registry.get(model)
    base = type(current) if current is not None else admin.ModelAdmin
    if issubclass(base, SimpleHistoryAdmin):
        return
    if current is not None:
        admin.site.unregister(model)
    admin.site.register(model, type(base.__name__, (SimpleHistoryAdmin, base), {"__module__": base.__module__}))


class HistoryRecordAdmin(admin.ModelAdmin):
    """One configuration model's history: who, when, what changed (old → new). Read only."""

    list_display = ["history_date", "history_user", "history_type", "object_label", "changes"]
    list_filter = ["history_type"]
    list_select_related = ["history_user"]
    date_hierarchy = "history_date"
    list_per_page = 50
    ordering = ["-history_date", "-history_id"]

    @admin.display(description=_("object"))
    def object_label(self, record):
        return str(record.instance)

    @admin.display(description=_("changes (old → new)"))
    def changes(self, record):
        return format_html_join("", "<div><strong>{}</strong>: {} → {}</div>", describe(record))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


for _model, _options in TRACKED:
    _with_history(_model)
    admin.site.register(_model.history.model, HistoryRecordAdmin)
