from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GradingConfig(AppConfig):
    name = "grading"
    verbose_name = _("Grading")

    def ready(self):
        from customers.panels import register_customer_panel

        from . import panels

        register_customer_panel("grading.grade_history", panels.grade_history_panel, order=20)
        register_customer_panel("grading.visits", panels.visits_panel, order=30)
        register_customer_panel("grading.consumption", panels.consumption_panel, order=40)
