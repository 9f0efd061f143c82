from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TicketsConfig(AppConfig):
    """Orders of every 95598 kind (SPEC §11), above complaints and workorders: one intake (a
    repair call's work order in the same transaction), one list and API (/api/v1/tickets/)."""

    name = "tickets"
    verbose_name = _("Orders of every kind")

    def ready(self):
        from core.registry import outage_restored

        from .outage_hooks import close_linked_orders

        # SPEC §12: at an outage's restore, linked repair calls and enquiries close with its result
        outage_restored.register("tickets.close_linked_orders", close_linked_orders, order=10)
