from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GradingConfig(AppConfig):
    name = "grading"
    verbose_name = _("Grading")

    def ready(self):
        from core.registry import customer_panels

        from . import panels

        customer_panels.register("grading.grade_history", panels.grade_history_panel, order=20)
        customer_panels.register("grading.visits", panels.visits_panel, order=30)
        customer_panels.register("grading.consumption", panels.consumption_panel, order=40)
