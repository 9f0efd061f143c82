from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkordersConfig(AppConfig):
    name = "workorders"
    verbose_name = _("Workorders")

    def ready(self):
        from . import sweep  # noqa: F401  (registers the arrive/restore deadlines with the SLA sweep)
        from .panels import register

        register()
