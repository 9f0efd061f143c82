from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ServiceCenterConfig(AppConfig):
    name = "servicecenter"
    verbose_name = "Service center"

    def ready(self):
        # After migrate (and after a test flush): the six groups hold the permissions of every
        # app's models. Run once, when the last of our apps has sent its post_migrate.
        post_migrate.connect(_sync, dispatch_uid="servicecenter.sync_roles")
        from . import openapi  # noqa: F401  (registers the schema's description of token auth)


def _sync(sender, using="default", **kwargs):
    if getattr(sender, "name", None) != "grading":
        return
    from .roles import sync_role_permissions

    sync_role_permissions(using=using)
