from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "ops"
    verbose_name = "Operations"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.core.signals import request_finished

        from . import celery_signals  # noqa: F401 - request ids into tasks, task outcome counters
        from .context import clear

        request_finished.connect(clear, dispatch_uid="ops.clear_request_context")
