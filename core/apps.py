from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """The shared layer below every app (README, "Architecture"): the notification outbox and its
    delivery, SMS backends, recipients, numbering, the work calendar, the registries."""

    name = "core"
    verbose_name = _("Shared: notifications, numbers, work calendar")

    def ready(self):
        from . import calendar  # noqa: F401  (connects the calendar cache invalidation)
