from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = _("Complaints")

    def ready(self):
        from . import calendar  # noqa: F401  (connects the calendar cache invalidation)
        from .panels import register

        register()
