from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    """Configuration history (who changed which setting, when, old and new values): the
    historical models of every configuration model live here (models.py registers them)."""

    name = "audit"
    verbose_name = _("Configuration history")
    default_auto_field = "django.db.models.BigAutoField"
